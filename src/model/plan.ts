import type { AgentId } from './agent.js';

export type Direction = 'up' | 'down' | 'none';

export interface Removal {
  readonly agentId: AgentId;
  readonly hostname: string;
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

export interface Plan {
  /** Epoch ms of the snapshot the plan was made from. */
  readonly at: number;
  readonly groups: readonly GroupPlan[];
  /** Set when the whole cycle must not act (stale or partial observation). */
  readonly skipped?: string;
}
