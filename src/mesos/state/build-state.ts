import type { z } from 'zod';
import { ACTIVE_TASK_STATES, type Task } from '../../model/agent.js';
import { err, ok, type Result } from '../../util/result.js';
import { malformed, type MesosError } from '../errors.js';
import { agentFromV1, frameworkFromV1, type FrameworkSummary, type MesosState } from '../parse-v1.js';
import { taskFromV1 } from '../tasks.js';
import { v1AgentInfoListSchema } from '../v1-in-place.js';
import { v1AgentSchema, v1FrameworkSchema, v1TaskSchema, type V1Agent } from '../v1-schema.js';

/** A task without its Marathon app id (its framework is not Marathon: parse-v1.ts `stateFromV1`). */
export function withoutAppId(t: Task): Task {
  return {
    id: t.id,
    name: t.name,
    frameworkId: t.frameworkId,
    state: t.state,
    resources: t.resources,
    labels: t.labels,
    ...(t.role !== undefined ? { role: t.role } : {}),
    ...(t.constraints !== undefined ? { constraints: t.constraints } : {}),
  };
}

/**
 * Builds a `MesosState` from the elements of a GET_STATE (or SUBSCRIBED) response one at a time,
 * as a streaming parser finds them, with the same result as `stateFromV1` (parse-v1.ts) on the
 * whole document: tasks joined onto registered agents, app ids only for Marathon's tasks, active
 * tasks on unknown agents counted. Each task is converted as it arrives, so only the model's own
 * objects stay in memory, never the raw response.
 */
export class StateBuilder {
  readonly #byAgent = new Map<string, Task[]>();
  /** Active tasks (of `tasks`, not `unreachable_tasks`) per agent id, for `unknownAgentTasks`. */
  readonly #activeByAgent = new Map<string, number>();
  readonly #agents: V1Agent[] = [];
  readonly #recovered: unknown[] = [];
  readonly #frameworks: FrameworkSummary[] = [];
  #error: MesosError | undefined;
  #items = 0;

  /** The first malformed element, if any: the caller stops feeding and reports it. */
  get error(): MesosError | undefined {
    return this.#error;
  }

  #fail(where: string, e: z.ZodError): void {
    this.#error ??= malformed(`GET_STATE ${where}`, e);
  }

  addTask(json: unknown, list: 'tasks' | 'unreachable_tasks', index: number): void {
    this.#items++;
    const parsed = v1TaskSchema.safeParse(json);
    if (!parsed.success) return this.#fail(`get_tasks.${list}[${index}]`, parsed.error);
    const located = taskFromV1(parsed.data);
    const tasks = this.#byAgent.get(located.agentId);
    if (tasks) tasks.push(located.task);
    else this.#byAgent.set(located.agentId, [located.task]);
    if (list === 'tasks' && ACTIVE_TASK_STATES.has(parsed.data.state ?? '')) {
      this.#activeByAgent.set(located.agentId, (this.#activeByAgent.get(located.agentId) ?? 0) + 1);
    }
  }

  addAgent(json: unknown, index: number): void {
    this.#items++;
    const parsed = v1AgentSchema.safeParse(json);
    if (!parsed.success) return this.#fail(`get_agents.agents[${index}]`, parsed.error);
    this.#agents.push(parsed.data);
  }

  addRecoveredAgent(json: unknown): void {
    this.#items++;
    this.#recovered.push(json);
  }

  addFramework(json: unknown, index: number): void {
    this.#items++;
    const parsed = v1FrameworkSchema.safeParse(json);
    if (!parsed.success) return this.#fail(`get_frameworks.frameworks[${index}]`, parsed.error);
    this.#frameworks.push(frameworkFromV1(parsed.data));
  }

  /** Elements seen so far (agents, tasks, frameworks): progress for logs. */
  get items(): number {
    return this.#items;
  }

  finish(): Result<MesosState, MesosError> {
    if (this.#error) return err(this.#error);
    const recovered = v1AgentInfoListSchema.safeParse(this.#recovered);
    if (!recovered.success) return err(malformed('GET_STATE get_agents.recovered_agents', recovered.error));
    // parse-v1.ts `stateFromV1`: with frameworks listed, only Marathon's tasks carry an app id.
    if (this.#frameworks.length > 0) {
      const marathon = new Set(this.#frameworks.filter((f) => f.name === 'marathon').map((f) => f.id));
      for (const tasks of this.#byAgent.values()) {
        for (let i = 0; i < tasks.length; i++) {
          const t = tasks[i];
          if (t && t.appId !== undefined && !marathon.has(t.frameworkId)) tasks[i] = withoutAppId(t);
        }
      }
    }
    const known = new Set([...this.#agents.map((a) => a.agent_info.id.value), ...recovered.data.map((r) => r.id.value)]);
    let unknownAgentTasks = 0;
    for (const [agent, n] of this.#activeByAgent) if (!known.has(agent)) unknownAgentTasks += n;
    return ok({
      agents: this.#agents.map((a) => agentFromV1(a, this.#byAgent.get(a.agent_info.id.value) ?? [])),
      recoveredAgents: recovered.data.map((r) => ({ id: r.id.value, hostname: r.hostname })),
      frameworks: this.#frameworks,
      unknownAgentTasks,
    });
  }
}
