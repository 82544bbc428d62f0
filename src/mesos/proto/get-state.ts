import { ACTIVE_TASK_STATES, type Task } from '../../model/agent.js';
import { err, errorMessage, ok, type Result } from '../../util/result.js';
import { malformed, type MesosError } from '../errors.js';
import { agentFromV1, frameworkFromV1, type MesosState } from '../parse-v1.js';
import { withoutAppId } from '../state/build-state.js';
import { v1GetStateSchema } from '../v1-schema.js';
import { MASTER_READ_PROTO, MESOS_READ_PROTO } from './master-read-proto.js';
import { decodeMessage, expectEnd, newReader, ProtoFormatError, readTag, skipValue, subEnd, type Reader } from './message-decode.js';
import { compileSpec, fieldOf, loadRoot, type MessageSpec } from './message-spec.js';
import { readTask, taskFields } from './task-read.js';

/** Our minimal mesos.v1 definitions, compiled once. */
export const READ_ROOT = loadRoot(MESOS_READ_PROTO, MASTER_READ_PROTO);
const specs = new Map<string, MessageSpec>();
/** The compiled spec of one of our message types, e.g. `mesos.v1.Task` (for events read in protobuf). */
export const specOf = (typeName: string): MessageSpec => compileSpec(READ_ROOT, typeName, specs);

const RESPONSE = specOf('mesos.v1.master.Response');
const GET_STATE = specOf('mesos.v1.master.Response.GetState');
const GET_TASKS = specOf('mesos.v1.master.Response.GetTasks');
const GET_AGENTS = specOf('mesos.v1.master.Response.GetAgents');
const GET_FRAMEWORKS = specOf('mesos.v1.master.Response.GetFrameworks');
const TASK_FIELDS = taskFields(specOf('mesos.v1.Task'));

// Field numbers from our definitions (master.proto), looked up by name so the text is their one source.
const F = {
  type: fieldOf(RESPONSE, 'type').id,
  getState: fieldOf(RESPONSE, 'get_state').id,
  getTasks: fieldOf(GET_STATE, 'get_tasks').id,
  getFrameworks: fieldOf(GET_STATE, 'get_frameworks').id,
  getAgents: fieldOf(GET_STATE, 'get_agents').id,
  tasks: fieldOf(GET_TASKS, 'tasks').id,
  unreachableTasks: fieldOf(GET_TASKS, 'unreachable_tasks').id,
};
const TYPE_NAMES = fieldOf(RESPONSE, 'type').enumNames;

const malformedProto = (doc: string, e: unknown): MesosError => ({ kind: 'malformed', message: `${doc} is not a valid protobuf message: ${errorMessage(e)}` });

interface Parts {
  /** Tasks and unreachable tasks, in that order, per agent id. */
  readonly byAgent: Map<string, Task[]>;
  /** Active tasks (of `tasks`, not `unreachable_tasks`) per agent id, for `unknownAgentTasks`. */
  readonly activeByAgent: Map<string, number>;
  /** Unreachable tasks come after all tasks on each agent, as `stateFromV1` lists them. */
  readonly unreachable: [string, Task][];
  agents: Record<string, unknown> | undefined;
  frameworks: Record<string, unknown> | undefined;
}

/** `GetTasks`: tasks and unreachable tasks read directly; pending, completed and orphan tasks skipped. */
function readTasks(r: Reader, end: number, parts: Parts): void {
  const onTask = (agentId: string, task: Task): void => {
    const tasks = parts.byAgent.get(agentId);
    if (tasks) tasks.push(task);
    else parts.byAgent.set(agentId, [task]);
    if (ACTIVE_TASK_STATES.has(task.state)) parts.activeByAgent.set(agentId, (parts.activeByAgent.get(agentId) ?? 0) + 1);
  };
  const onUnreachable = (agentId: string, task: Task): void => void parts.unreachable.push([agentId, task]);
  while (r.pos < end) {
    const { id, wireType } = readTag(r, GET_TASKS.fullName);
    if (id !== F.tasks && id !== F.unreachableTasks) {
      skipValue(r, wireType);
      continue;
    }
    if (wireType !== 2) throw new ProtoFormatError(`${GET_TASKS.fullName} field ${id}: wire type ${wireType}, expected 2`);
    readTask(r, subEnd(r, end, 'task'), TASK_FIELDS, id === F.tasks ? onTask : onUnreachable);
  }
  expectEnd(r, end, GET_TASKS.fullName);
}

function readParts(r: Reader, end: number): Parts {
  const parts: Parts = { byAgent: new Map(), activeByAgent: new Map(), unreachable: [], agents: undefined, frameworks: undefined };
  while (r.pos < end) {
    const { id, wireType } = readTag(r, GET_STATE.fullName);
    if (id !== F.getTasks && id !== F.getAgents && id !== F.getFrameworks) {
      skipValue(r, wireType);
      continue;
    }
    if (wireType !== 2) throw new ProtoFormatError(`${GET_STATE.fullName} field ${id}: wire type ${wireType}, expected 2`);
    const stop = subEnd(r, end, GET_STATE.fullName);
    if (id === F.getTasks) readTasks(r, stop, parts);
    else if (id === F.getAgents) parts.agents = decodeMessage(r, stop, GET_AGENTS);
    else parts.frameworks = decodeMessage(r, stop, GET_FRAMEWORKS);
  }
  expectEnd(r, end, GET_STATE.fullName);
  return parts;
}

/**
 * Reads a `mesos.v1.master.Response.GetState` message in [r.pos, end) (the `get_state` of a
 * GET_STATE response, or of the SUBSCRIBED event: master.proto `Event.Subscribed.get_state`) into
 * the same `MesosState` the JSON path gives (parse-v1.ts `parseGetState`). Tasks, the bulk, are
 * read straight into the model (task-read.ts); agents and frameworks are decoded into the JSON
 * shape and go through the JSON path's own validation and conversion (`v1GetStateSchema`,
 * `agentFromV1`, `frameworkFromV1`); the join is `stateFromV1`'s. Executors, pending and completed
 * tasks, statuses, containers, ... are skipped by their length prefix. Bad bytes are a `malformed`
 * error, never a throw.
 */
export function decodeGetState(r: Reader, end: number, doc = 'GET_STATE'): Result<MesosState, MesosError> {
  let parts: Parts;
  try {
    parts = readParts(r, end);
  } catch (e) {
    return err(malformedProto(doc, e));
  }
  const parsed = v1GetStateSchema.safeParse({
    ...(parts.agents ? { get_agents: parts.agents } : {}),
    ...(parts.frameworks ? { get_frameworks: parts.frameworks } : {}),
  });
  if (!parsed.success) return err(malformed(doc, parsed.error));
  const s = parsed.data;
  const byAgent = parts.byAgent;
  for (const [agentId, task] of parts.unreachable) {
    const tasks = byAgent.get(agentId);
    if (tasks) tasks.push(task);
    else byAgent.set(agentId, [task]);
  }
  // As parse-v1.ts `stateFromV1`: with frameworks listed, only Marathon's tasks carry an app id.
  const frameworks = (s.get_frameworks?.frameworks ?? []).map(frameworkFromV1);
  if (frameworks.length > 0) {
    const marathon = new Set(frameworks.filter((f) => f.name === 'marathon').map((f) => f.id));
    for (const tasks of byAgent.values()) {
      for (let i = 0; i < tasks.length; i++) {
        const t = tasks[i];
        if (t && t.appId !== undefined && !marathon.has(t.frameworkId)) tasks[i] = withoutAppId(t);
      }
    }
  }
  const known = new Set([...s.get_agents.agents.map((a) => a.agent_info.id.value), ...s.get_agents.recovered_agents.map((a) => a.id.value)]);
  let unknownAgentTasks = 0;
  for (const [agentId, n] of parts.activeByAgent) if (!known.has(agentId)) unknownAgentTasks += n;
  return ok({
    agents: s.get_agents.agents.map((a) => agentFromV1(a, byAgent.get(a.agent_info.id.value) ?? [])),
    recoveredAgents: s.get_agents.recovered_agents.map((a) => ({ id: a.id.value, hostname: a.hostname })),
    frameworks,
    unknownAgentTasks,
  });
}

/**
 * A whole GET_STATE response in protobuf (`mesos.v1.master.Response`, as src/master/readonly_handler.cpp
 * `getState` writes it: `type` then `get_state`) -> the state. As on the JSON, `type` must be
 * GET_STATE and `get_state` present.
 */
export function decodeGetStateResponse(bytes: Uint8Array): Result<MesosState, MesosError> {
  const r = newReader(bytes);
  let type: string | undefined;
  let state: Result<MesosState, MesosError> | undefined;
  try {
    while (r.pos < r.len) {
      const { id, wireType } = readTag(r, RESPONSE.fullName);
      if (id === F.type) {
        if (wireType !== 0) throw new ProtoFormatError(`${RESPONSE.fullName}.type: wire type ${wireType}, expected 0`);
        const n = r.int32();
        type = TYPE_NAMES?.get(n) ?? String(n);
      } else if (id === F.getState) {
        if (wireType !== 2) throw new ProtoFormatError(`${RESPONSE.fullName}.get_state: wire type ${wireType}, expected 2`);
        const stop = subEnd(r, r.len, 'get_state');
        state = decodeGetState(r, stop);
        if (!state.ok) return state;
      } else {
        skipValue(r, wireType);
      }
    }
  } catch (e) {
    return err(malformedProto('GET_STATE', e));
  }
  if (type !== 'GET_STATE') return err({ kind: 'malformed', message: `GET_STATE: unexpected shape: type: expected "GET_STATE", got ${JSON.stringify(type ?? null)}` });
  if (state === undefined) return err({ kind: 'malformed', message: 'GET_STATE: unexpected shape: get_state: missing' });
  return state;
}
