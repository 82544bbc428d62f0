import type { Direction, GroupFigures, Plan } from '../model/plan.js';
import type { ResourceName } from '../model/resources.js';
import type { LeaderStatus } from '../controller/leader-gate.js';

/**
 * What the HTTP server needs from a running autoscaler. The controller (or the
 * `createHandle` helper over a StatusStore) implements it; the server knows nothing else.
 */
export interface AutoscalerHandle {
  status(): StatusView;
  /** One observe + plan cycle that acts on nothing. */
  dryRun(): Promise<Plan>;
  /** False when the group is unknown. */
  pause(group: string): boolean;
  resume(group: string): boolean;
  isReady(): boolean;
}

/** Everything /status shows. Built field by field from reports, never from Config, so no secret can reach it. */
export interface StatusView {
  readonly now: number;
  readonly startedAt: number;
  readonly ready: boolean;
  readonly dryRun: boolean;
  readonly leader: LeaderStatus;
  readonly lastCycle?: CycleSummary;
  readonly groups: readonly GroupStatus[];
  readonly inFlight: readonly InFlightOperation[];
  readonly events: readonly StatusEvent[];
  readonly paused: readonly string[];
  /** Where agents and tasks (Mesos) and the launch queue (Marathon) come from, when known. */
  readonly sources?: SourcesView;
}

/** The event-fed models as the operator needs them: followed from events, or polled, and why. */
export interface SourcesView {
  readonly mesos?: SourceView;
  readonly marathon?: SourceView;
}

export interface SourceView {
  /**
   * `events`: cycles read the event-fed model; `poll`: each cycle reads the endpoint, because the
   * stream is not served (`refused`), not connected, or not in sync yet.
   */
  readonly mode: 'events' | 'poll';
  readonly connected: boolean;
  readonly refused: boolean;
  readonly events: number;
  /** Full reads the model took (one at each connect, and each re-sync). */
  readonly syncs: number;
  readonly lastHeardAt?: number;
}

export interface CycleSummary {
  readonly at: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: { readonly kind: string; readonly message: string };
  /** Why the whole cycle took no action, when it did not. */
  readonly skipped?: string;
  readonly lastSuccessAt?: number;
  readonly cycles: number;
}

export interface GroupStatus {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly paused: boolean;
  readonly plan?: GroupPlanView;
  /** Oldest first. */
  readonly history: readonly HistoryPoint[];
}

export interface GroupPlanView {
  readonly at: number;
  readonly current: number;
  readonly target: number;
  readonly direction: Direction;
  readonly reasons: readonly string[];
  readonly figures: GroupFigures;
  readonly removals: readonly { readonly agentId: string; readonly hostname: string; readonly instanceId?: string; readonly reason: string }[];
}

/** Capacity against demand at one cycle. */
export interface HistoryPoint {
  readonly at: number;
  /** Nodes counted as capacity (active agents, or the current size when unknown). */
  readonly nodes: number;
  readonly target: number;
  readonly pending: number;
  /** 0..1 per tracked resource. */
  readonly util: Partial<Record<ResourceName, number>>;
}

export interface InFlightOperation {
  readonly group: string;
  /** e.g. 'scale-up', 'drain', 'delete'. */
  readonly kind: string;
  readonly detail: string;
  readonly since: number;
}

export type EventLevel = 'info' | 'warn' | 'error';

export interface StatusEvent {
  /** Increasing number, so a client can tell new events from old. */
  readonly seq: number;
  readonly at: number;
  readonly level: EventLevel;
  readonly group?: string;
  readonly message: string;
}
