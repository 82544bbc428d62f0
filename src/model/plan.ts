import type { AgentId } from './agent.js';
import type { ResourceName, TrackedResource } from './resources.js';
import type { DrainView, GhostView, Move } from './drain.js';
import type { MachineId } from './machine.js';

export type Direction = 'up' | 'down' | 'none';

export interface Removal {
  readonly agentId: AgentId;
  readonly hostname: string;
  /** The Mesos machine (hostname and IP of the agent's pid) the drain names. */
  readonly machine?: MachineId;
  /** Provider instance backing the agent; undefined when it could not be matched (then it is not removed). */
  readonly instanceId?: string;
  readonly reason: string;
}

/**
 * The figures of one group's plan, by name: a fixed set of keys (no free-form
 * ones), so /metrics, the status page and the demo read the same thing. The
 * planner fills `PlannedFigures` for every group whatever its policies.
 */
export type GroupFigures = Readonly<Partial<PlannedFigures & PolicyFigures>>;

/** Written by the planner for every group. */
export type PlannedFigures = {
  /** Size the group is heading for, agents counted as capacity, agents matching, agents draining. */
  readonly 'nodes.current': number;
  readonly 'nodes.active': number;
  readonly 'nodes.matching': number;
  readonly 'nodes.draining': number;
  /** Waiting instances this group could host (its pending metric), new nodes asked for them. */
  readonly 'pending.instances': number;
  readonly 'pending.nodes': number;
  /** Waiting instances no group can host (cluster-wide, the same on every group). */
  readonly 'pending.unplaceable': number;
} & { readonly [R in ResourceName as `pending.${R}`]: number } & { readonly [R in TrackedResource as `util.${R}`]?: number };

/** Written when the cycle gets that far, or by the policy that measures them. */
export type PolicyFigures = {
  readonly 'nodes.registered': number;
  readonly 'nodes.provisioning': number;
  readonly 'nodes.ghosts': number;
  readonly 'prometheus.value': number;
} & { readonly [R in TrackedResource as `demand.${R}`]?: number };

export interface GroupPlan {
  readonly group: string;
  /** Nodes counted now (provider desired size, or matching agents when unknown). */
  readonly current: number;
  /** Size to ask the provider for. Equals `current` when nothing changes. */
  readonly target: number;
  readonly direction: Direction;
  /** Agents to drain and remove on scale-down, in order. */
  readonly removals: readonly Removal[];
  /** Human-readable reasons, most important first. */
  readonly reasons: readonly string[];
  /** Figures that led to the decision (utilization per resource, pending counts, ...). */
  readonly figures: GroupFigures;
}

/** Waiting instances of one app that no node group can host. */
export interface UnplaceableWork {
  readonly app: string;
  readonly instances: number;
  readonly reason: string;
}

export interface Plan {
  /** Epoch ms of the snapshot the plan was made from. */
  readonly at: number;
  readonly groups: readonly GroupPlan[];
  /** Set when the whole cycle must not act (stale or partial observation). */
  readonly skipped?: string;
  /** Waiting instances that no group can host, per app, with why (never a reason to shrink). */
  readonly unplaceable?: readonly UnplaceableWork[];
  /** What the act path does this cycle, in order (empty when it only waits). */
  readonly moves?: readonly Move[];
  /** Every drain of ours with its next move, and the instances that never registered. */
  readonly drains?: readonly DrainView[];
  readonly ghosts?: readonly GhostView[];
}
