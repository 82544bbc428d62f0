/** What the controller remembers between cycles; the planner reads it, never writes it. */
export interface GroupMemory {
  /** A size change the agents do not reflect yet. */
  readonly inFlight?: {
    readonly direction: 'up' | 'down';
    readonly target: number;
    /** Number of capacity agents expected once the change is done. */
    readonly expectAgents: number;
    readonly since: number;
  };
  readonly lastScaleUpAt?: number;
  readonly lastScaleDownAt?: number;
  /** Epoch ms since when each agent (by id) has been below the scale-down utilization. */
  readonly unneededSince?: Readonly<Record<string, number>>;
  /** No scale-up for this group until then (instances failed to register in time). */
  readonly backoffUntil?: number;
  readonly paused?: boolean;
}

export interface ControllerState {
  readonly groups: Readonly<Record<string, GroupMemory>>;
}

export const EMPTY_STATE: ControllerState = { groups: {} };
