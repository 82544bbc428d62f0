import { ACTIVE_TASK_STATES, type Agent, type Task } from '../../model/agent.js';
import { add, subtractFloor, ZERO, type Resources } from '../../model/resources.js';
import type { MesosEvent } from '../events.js';
import { activeTasksUse, type FrameworkSummary, type MesosState } from '../parse-v1.js';
import { withoutAppId } from './build-state.js';

/** One registered agent: what the master last said of it, and its tasks keyed by framework and task id. */
interface AgentEntry {
  base: Agent;
  readonly tasks: Map<string, Task>;
  /**
   * What the agent's allocation held beyond its active tasks when last read (executors' resources):
   * events carry task resources only, so `used` = this + the active tasks' sum. Dropped once the
   * agent has no active task left (its executors end with them).
   */
  overhead: Resources;
  /** The Agent handed out, rebuilt only after a change. */
  built: Agent | undefined;
}

/** Why the model no longer matches the master: the caller re-syncs from a full state. */
export interface Gap {
  readonly reason: string;
}

/** Tasks ids remembered after they ended or lost their agent, so their late updates are not gaps. */
const GONE_MEMORY = 100_000;

const key = (frameworkId: string, taskId: string): string => `${frameworkId}\u0000${taskId}`;

/**
 * The master's agents and tasks kept in memory from one full state plus the SUBSCRIBE events after
 * it (include/mesos/v1/master/master.proto `Event`: TASK_ADDED, TASK_UPDATED, AGENT_ADDED,
 * AGENT_REMOVED, FRAMEWORK_*). Agents are indexed by id and tasks by (framework, task id) -> agent,
 * so every event costs O(1), or O(tasks of that agent) to rebuild that agent once. `agents()` gives
 * the same Agent objects as a fresh `stateFromV1` of the master's state would, minus what no event
 * reports (agent deactivation, `drain_info`, executor churn): those wait for the next full re-sync.
 */
export class StateModel {
  readonly #agents = new Map<string, AgentEntry>();
  readonly #taskAgent = new Map<string, string>();
  readonly #frameworks = new Map<string, FrameworkSummary>();
  /** Recovered agents (master failover) with tasks announced before their AGENT_ADDED. */
  readonly #recovered = new Map<string, { readonly id: string; readonly hostname: string }>();
  readonly #parked = new Map<string, Map<string, Task>>();
  readonly #gone = new Set<string>();
  #unknownAgentTasks = 0;
  #list: Agent[] | undefined;

  /** Starts over from a full state (SUBSCRIBED's `get_state`, or a GET_STATE read). */
  reset(state: MesosState): void {
    this.#agents.clear();
    this.#taskAgent.clear();
    this.#frameworks.clear();
    this.#recovered.clear();
    this.#parked.clear();
    this.#gone.clear();
    this.#list = undefined;
    for (const f of state.frameworks) this.#frameworks.set(f.id, f);
    for (const r of state.recoveredAgents) this.#recovered.set(r.id, r);
    for (const a of state.agents) {
      const tasks = new Map<string, Task>();
      for (const t of a.tasks) {
        tasks.set(key(t.frameworkId, t.id), t);
        this.#taskAgent.set(key(t.frameworkId, t.id), a.id);
      }
      this.#agents.set(a.id, { base: a, tasks, overhead: subtractFloor(a.used, activeTasksUse(a.tasks)), built: a });
    }
    this.#unknownAgentTasks = state.unknownAgentTasks ?? 0;
  }

  /** Every registered agent with its tasks; the same array until something changes. */
  agents(): readonly Agent[] {
    if (this.#list) return this.#list;
    // Made at its size: a list grown by push to 50,000 leaves its smaller copies as garbage.
    const list = new Array<Agent>(this.#agents.size);
    let n = 0;
    for (const e of this.#agents.values()) list[n++] = (e.built ??= build(e));
    this.#list = list;
    return list;
  }

  get agentCount(): number {
    return this.#agents.size;
  }

  get unknownAgentTasks(): number {
    return this.#unknownAgentTasks;
  }

  /** Applies one event; a Gap when the event does not fit what the model holds (then re-sync). */
  apply(e: MesosEvent): Gap | undefined {
    switch (e.type) {
      case 'SUBSCRIBED':
        this.reset(e.state);
        return undefined;
      case 'TASK_ADDED':
        return this.#taskAdded(e.agentId, e.task);
      case 'TASK_UPDATED':
        return this.#taskUpdated(e.frameworkId, e.taskId, e.state, e.agentId);
      case 'AGENT_ADDED':
        return this.#agentAdded(e.agent);
      case 'AGENT_REMOVED':
        return this.#agentRemoved(e.agentId);
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED':
        this.#frameworks.set(e.framework.id, e.framework);
        return undefined;
      case 'FRAMEWORK_REMOVED':
        this.#frameworks.delete(e.frameworkId);
        return undefined;
      case 'HEARTBEAT':
      case 'UNKNOWN':
        return undefined;
    }
  }

  /** parse-v1.ts `stateFromV1`: with frameworks known, only Marathon's tasks carry an app id. */
  #marathonOnly(t: Task): Task {
    if (t.appId === undefined || this.#frameworks.size === 0) return t;
    const fw = this.#frameworks.get(t.frameworkId);
    if (fw?.name === 'marathon') return t;
    return withoutAppId(t);
  }

  #changed(e: AgentEntry): void {
    e.built = undefined;
    this.#list = undefined;
  }

  #taskAdded(agentId: string, task: Task): Gap | undefined {
    const t = this.#marathonOnly(task);
    const k = key(t.frameworkId, t.id);
    const entry = this.#agents.get(agentId);
    if (!entry) {
      // A recovered agent (master failover) re-registers with its tasks; should a task be announced
      // before its AGENT_ADDED, it waits for it instead of forcing a full re-sync.
      if (this.#recovered.has(agentId)) {
        const parked = this.#parked.get(agentId) ?? new Map<string, Task>();
        parked.set(k, t);
        this.#parked.set(agentId, parked);
        return undefined;
      }
      return { reason: `TASK_ADDED ${t.id} on agent ${agentId}, which the model does not know` };
    }
    const before = this.#taskAgent.get(k);
    if (before !== undefined && before !== agentId) return { reason: `TASK_ADDED ${t.id} on agent ${agentId}, but the model has it on ${before}` };
    this.#gone.delete(k);
    entry.tasks.set(k, t);
    this.#taskAgent.set(k, agentId);
    this.#changed(entry);
    return undefined;
  }

  #taskUpdated(frameworkId: string, taskId: string, state: string, agentId: string | undefined): Gap | undefined {
    const k = key(frameworkId, taskId);
    const on = this.#taskAgent.get(k);
    if (on === undefined) {
      if (this.#gone.has(k)) return undefined;
      for (const parked of this.#parked.values()) {
        const t = parked.get(k);
        if (t) {
          parked.set(k, { ...t, state });
          return undefined;
        }
      }
      return { reason: `TASK_UPDATED ${taskId} (${state}) for a task the model does not know` };
    }
    if (agentId !== undefined && agentId !== on) return { reason: `TASK_UPDATED ${taskId} on agent ${agentId}, but the model has it on ${on}` };
    const entry = this.#agents.get(on);
    const task = entry?.tasks.get(k);
    if (!entry || !task) return { reason: `TASK_UPDATED ${taskId}: index and agent disagree` };
    if (ACTIVE_TASK_STATES.has(state)) {
      entry.tasks.set(k, { ...task, state });
    } else {
      // Terminal: the master moves it to completed_tasks once acknowledged; it holds nothing now.
      entry.tasks.delete(k);
      this.#taskAgent.delete(k);
      this.#forget(k);
    }
    this.#changed(entry);
    return undefined;
  }

  #agentAdded(agent: Agent): Gap | undefined {
    const existing = this.#agents.get(agent.id);
    const tasks = existing?.tasks ?? this.#parked.get(agent.id) ?? new Map<string, Task>();
    this.#parked.delete(agent.id);
    this.#recovered.delete(agent.id);
    for (const k of tasks.keys()) this.#taskAgent.set(k, agent.id);
    const entry: AgentEntry = { base: agent, tasks, overhead: subtractFloor(agent.used, activeTasksUse(agent.tasks)), built: undefined };
    this.#agents.set(agent.id, entry);
    this.#changed(entry);
    return undefined;
  }

  #agentRemoved(agentId: string): Gap | undefined {
    const entry = this.#agents.get(agentId);
    this.#recovered.delete(agentId);
    const parked = this.#parked.get(agentId);
    this.#parked.delete(agentId);
    for (const k of parked?.keys() ?? []) this.#forget(k);
    if (!entry) return undefined;
    for (const k of entry.tasks.keys()) {
      this.#taskAgent.delete(k);
      this.#forget(k);
    }
    this.#agents.delete(agentId);
    this.#list = undefined;
    return undefined;
  }

  /** True while some agent is DRAINING: its move to DRAINED comes with no event, so it must be read. */
  get draining(): boolean {
    for (const e of this.#agents.values()) if (e.base.drainInfo?.state === 'DRAINING') return true;
    return false;
  }

  /**
   * Takes what GET_AGENTS says of each agent (activity, `drain_info`, allocation: none of it comes
   * as an event) and keeps the tasks the events built. A different set of agents is a gap.
   */
  refreshAgents(fresh: readonly Agent[]): Gap | undefined {
    if (fresh.length !== this.#agents.size) return { reason: `GET_AGENTS lists ${fresh.length} agents, the model ${this.#agents.size}` };
    for (const a of fresh) if (!this.#agents.has(a.id)) return { reason: `GET_AGENTS lists agent ${a.id}, which the model does not know` };
    for (const a of fresh) {
      const e = this.#agents.get(a.id);
      if (!e) continue;
      e.base = a;
      e.overhead = subtractFloor(a.used, activeTasksUse([...e.tasks.values()]));
      this.#changed(e);
    }
    return undefined;
  }

  /** Remembers an ended task (oldest first out) so a late or repeated update is not taken for a gap. */
  #forget(k: string): void {
    this.#gone.add(k);
    if (this.#gone.size > GONE_MEMORY) {
      const oldest = this.#gone.values().next();
      if (!oldest.done) this.#gone.delete(oldest.value);
    }
  }
}

/** The Agent as `agentFromV1` would give it with these tasks: use = executors' overhead + active tasks. */
function build(e: AgentEntry): Agent {
  const tasks = [...e.tasks.values()];
  const active = activeTasksUse(tasks);
  if (tasks.every((t) => !ACTIVE_TASK_STATES.has(t.state))) e.overhead = ZERO;
  return { ...e.base, tasks, used: add(e.overhead, active) };
}
