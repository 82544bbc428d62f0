import { isCapacity, ACTIVE_TASK_STATES, type Agent } from '../model/agent.js';
import type { NodeGroupState } from '../model/node-group.js';
import { sum, type TrackedResource, type Resources } from '../model/resources.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { GroupConfig } from '../config/schema.js';
import { selectorMatcher } from './selector.js';

/** A node group as the planner sees it: its agents, capacity and utilization. */
export interface GroupView {
  readonly config: GroupConfig;
  /** Every agent matching the selector, whatever its state. */
  readonly agents: readonly Agent[];
  /** Agents counted as capacity (active, not draining). */
  readonly capacity: readonly Agent[];
  readonly total: Resources;
  readonly used: Resources;
  /** used / total per tracked resource, 0..1; undefined when the group has none of it. */
  readonly utilization: Readonly<Partial<Record<TrackedResource, number>>>;
  /** Agents of the group being drained for removal. */
  readonly draining: readonly Agent[];
  readonly provider?: NodeGroupState;
  /**
   * Size the group is heading for: what the cloud holds, less the agents already
   * draining (they are on their way out), or the capacity agents when the cloud is unknown.
   */
  readonly current: number;
}

/** Views are pure functions of (snapshot, group): built once per snapshot however often asked for. */
const views = new WeakMap<ClusterSnapshot, WeakMap<GroupConfig, GroupView>>();

export function viewGroup(snapshot: ClusterSnapshot, config: GroupConfig): GroupView {
  let bySnapshot = views.get(snapshot);
  if (!bySnapshot) {
    bySnapshot = new WeakMap();
    views.set(snapshot, bySnapshot);
  }
  let view = bySnapshot.get(config);
  if (!view) {
    view = buildView(snapshot, config);
    bySnapshot.set(config, view);
  }
  return view;
}

function buildView(snapshot: ClusterSnapshot, config: GroupConfig): GroupView {
  const matches = selectorMatcher(config.selector);
  const agents = snapshot.agents.filter(matches);
  const capacity = agents.filter(isCapacity);
  const total = sum(capacity.map((a) => a.total));
  const used = sum(capacity.map((a) => a.used));
  const utilization: Partial<Record<TrackedResource, number>> = {};
  for (const r of config.resources) {
    if (total[r] > 0) utilization[r] = used[r] / total[r];
  }
  const draining = agents.filter((a) => a.draining);
  const provider = snapshot.groups[config.name];
  const current = provider ? Math.max(0, provider.desired - draining.length) : capacity.length;
  return { config, agents, capacity, draining, total, used, utilization, provider, current };
}

/** Tasks that still hold resources on the agent. */
export function runningTasks(agent: Agent): Agent['tasks'] {
  return agent.tasks.filter((t) => ACTIVE_TASK_STATES.has(t.state));
}

/** Highest utilization of the agent over the given resources, 0..1. */
export function agentLoad(agent: Agent, resources: readonly TrackedResource[]): number {
  let load = 0;
  for (const r of resources) {
    if (agent.total[r] > 0) load = Math.max(load, agent.used[r] / agent.total[r]);
  }
  return load;
}
