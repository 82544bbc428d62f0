import type { AgentId } from './agent.js';
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
  readonly figures: Readonly<Record<string, number>>;
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
