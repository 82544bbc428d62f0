import { z } from 'zod';
import { ACTIVE_TASK_STATES, agentId, type Agent, type Task } from '../model/agent.js';
import { sum, type Resources } from '../model/resources.js';
import { err, ok, type Result } from '../util/result.js';
import { malformed, type MesosError } from './errors.js';
import { dynamicReservationRoles, persistentVolumesV1, renderAttributesV1, reservationsV1, sumV1 } from './resources.js';
import { taskFromV1, type LocatedTask } from './tasks.js';
import {
  domainSchema,
  v1GetAgentsSchema,
  v1GetStateSchema,
  v1GetTasksSchema,
  type V1Agent,
  type V1Framework,
  type V1GetState,
} from './v1-schema.js';

/** Draining states of v1 `drain_info` (Mesos 1.9+ DRAIN_AGENT). */
const DRAIN_STATES = new Set(['DRAINING', 'DRAINED']);

/** `drain_info` as the model keeps it; whole nanoseconds below 2^53 print exactly. */
export function drainInfoOf(state: string, graceNs: number | undefined): NonNullable<Agent['drainInfo']> {
  return { state, ...(graceNs !== undefined && Number.isSafeInteger(graceNs) ? { maxGracePeriodNs: String(graceNs) } : {}) };
}

/** `slave(1)@10.0.0.5:5051` -> 10.0.0.5 */
export function ipFromPid(pid: string | undefined): string | undefined {
  const m = pid ? /@([^:@]+):\d+$/.exec(pid) : null;
  return m?.[1];
}

export function faultDomain(d: z.infer<typeof domainSchema> | undefined): Agent['domain'] {
  const fd = d?.fault_domain;
  if (!fd) return undefined;
  return { ...(fd.region ? { region: fd.region.name } : {}), ...(fd.zone ? { zone: fd.zone.name } : {}) };
}

const nsToMs = (t: { nanoseconds: number } | undefined) => (t ? Math.round(t.nanoseconds / 1e6) : undefined);

export function activeTasksUse(tasks: readonly Task[]): Resources {
  return sum(tasks.filter((t) => ACTIVE_TASK_STATES.has(t.state)).map((t) => t.resources));
}

/**
 * One v1 agent as our Agent. Idle agents have no `allocated_resources`; when the caller
 * knows the agent's tasks (GET_STATE) and the master sent no allocation, use is their sum.
 */
export function agentFromV1(a: V1Agent, tasks: readonly Task[] = []): Agent {
  const info = a.agent_info;
  // agent_info.resources may lack roles; total_resources is authoritative when present.
  const totalList = a.total_resources?.length ? a.total_resources : (info.resources ?? []);
  const { reserved, roles } = reservationsV1(totalList);
  const used = a.allocated_resources?.length ? sumV1(a.allocated_resources) : activeTasksUse(tasks);
  const ip = ipFromPid(a.pid);
  const registeredAt = nsToMs(a.registered_time);
  const domain = faultDomain(info.domain);
  return {
    id: agentId(info.id.value),
    hostname: info.hostname,
    ...(ip ? { ip } : {}),
    ...(info.port !== undefined ? { port: info.port } : {}),
    attributes: renderAttributesV1(info.attributes ?? []),
    total: sumV1(totalList),
    used,
    reserved,
    reservedRoles: roles,
    dynamicRoles: dynamicReservationRoles(totalList),
    persistentVolumes: persistentVolumesV1(totalList),
    tasks,
    // A deactivated agent (DEACTIVATE_AGENT / DRAIN_AGENT) gets no offers: not capacity.
    active: a.active && a.deactivated !== true,
    draining: DRAIN_STATES.has(a.drain_info?.state ?? ''),
    ...(a.drain_info?.state ? { drainInfo: drainInfoOf(a.drain_info.state, a.drain_info.config?.max_grace_period?.nanoseconds) } : {}),
    ...(registeredAt !== undefined ? { registeredAt } : {}),
    ...(a.version ? { version: a.version } : {}),
    ...(domain ? { domain } : {}),
  };
}

const getAgentsResponse = z.object({ type: z.literal('GET_AGENTS'), get_agents: v1GetAgentsSchema });
const getTasksResponse = z.object({ type: z.literal('GET_TASKS'), get_tasks: v1GetTasksSchema });
const getStateResponse = z.object({ type: z.literal('GET_STATE'), get_state: v1GetStateSchema });

/** v1 `GET_AGENTS` response -> agents (without tasks). */
export function parseGetAgents(json: unknown): Result<Agent[], MesosError> {
  const parsed = getAgentsResponse.safeParse(json);
  if (!parsed.success) return err(malformed('GET_AGENTS', parsed.error));
  return ok(parsed.data.get_agents.agents.map((a) => agentFromV1(a)));
}

/** v1 `GET_TASKS` response -> tasks with their agent ids (running and unreachable ones). */
export function parseGetTasks(json: unknown): Result<LocatedTask[], MesosError> {
  const parsed = getTasksResponse.safeParse(json);
  if (!parsed.success) return err(malformed('GET_TASKS', parsed.error));
  const t = parsed.data.get_tasks;
  return ok([...t.tasks, ...t.unreachable_tasks].map((x) => taskFromV1(x)));
}

export interface FrameworkSummary {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly active: boolean;
  readonly connected: boolean;
}

export function frameworkFromV1(f: V1Framework): FrameworkSummary {
  const info = f.framework_info;
  const roles = info.roles.length > 0 ? info.roles : info.role ? [info.role] : ['*'];
  return { id: info.id?.value ?? '', name: info.name, roles, active: f.active ?? false, connected: f.connected ?? false };
}

/** Agents with their tasks, plus what else the state tells an autoscaler. */
export interface MesosState {
  readonly agents: readonly Agent[];
  /** Agents known from before a master failover that have not re-registered yet. */
  readonly recoveredAgents: readonly { readonly id: string; readonly hostname: string }[];
  readonly frameworks: readonly FrameworkSummary[];
  /** Active tasks naming an agent the master lists neither as registered nor as recovered: a partial state. */
  readonly unknownAgentTasks?: number;
}

/** Joins tasks onto their agents; `isMarathon` limits app-id derivation to Marathon's tasks. */
export function stateFromV1(s: V1GetState): MesosState {
  const frameworks = (s.get_frameworks?.frameworks ?? []).map(frameworkFromV1);
  const marathonIds = new Set(frameworks.filter((f) => f.name === 'marathon').map((f) => f.id));
  const isMarathon = frameworks.length > 0 ? (id: string) => marathonIds.has(id) : () => true;
  const byAgent = new Map<string, Task[]>();
  for (const t of [...s.get_tasks.tasks, ...s.get_tasks.unreachable_tasks]) {
    const located = taskFromV1(t, isMarathon);
    const list = byAgent.get(located.agentId) ?? [];
    list.push(located.task);
    byAgent.set(located.agentId, list);
  }
  const known = new Set([...s.get_agents.agents.map((a) => a.agent_info.id.value), ...s.get_agents.recovered_agents.map((r) => r.id.value)]);
  let unknownAgentTasks = 0;
  for (const t of s.get_tasks.tasks) if (!known.has(t.agent_id.value) && ACTIVE_TASK_STATES.has(t.state ?? '')) unknownAgentTasks++;
  return {
    agents: s.get_agents.agents.map((a) => agentFromV1(a, byAgent.get(a.agent_info.id.value) ?? [])),
    recoveredAgents: s.get_agents.recovered_agents.map((r) => ({ id: r.id.value, hostname: r.hostname })),
    frameworks,
    unknownAgentTasks,
  };
}

/** v1 `GET_STATE` response -> agents with their tasks joined in. */
export function parseGetState(json: unknown): Result<MesosState, MesosError> {
  const parsed = getStateResponse.safeParse(json);
  if (!parsed.success) return err(malformed('GET_STATE', parsed.error));
  return ok(stateFromV1(parsed.data.get_state));
}
