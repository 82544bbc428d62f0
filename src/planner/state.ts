import type { Map as ImmutableMap } from 'immutable';
import type { TrackedResource } from '../model/resources.js';

/** Agent id -> a time; persistent, so a cycle that changes a few entries of 50,000 copies none. */
export type SinceMap = ImmutableMap<string, number>;

/**
 * What the controller remembers between cycles; the pure step reads it and returns the next one.
 * Every time in here is this process's own clock, taken when it first saw something: nothing
 * written by another machine is compared with it. What must survive a restart or a new leader
 * (drains, instances on their way in) is read back from Mesos and the cloud instead.
 */
/** The group's demand at one cycle (planner/trend.ts). */
export interface DemandSample {
  readonly t: number;
  readonly level: Readonly<Partial<Record<TrackedResource, number>>>;
}

export interface GroupMemory {
  readonly lastScaleUpAt?: number;
  readonly lastScaleDownAt?: number;
  /** Since when each agent (by id) has been below the scale-down utilization. */
  readonly unneededSince?: SinceMap;
  /** Since when each instance with no agent (by instance id) has been seen: ghosts after the provision time. */
  readonly unregisteredSince?: Readonly<Record<string, number>>;
  /** Since when the cloud has held desired size it lists no instance for. */
  readonly slotsSince?: number;
  /** Since when each drain of ours (by machine key) has been seen. */
  readonly drainSeen?: Readonly<Record<string, number>>;
  /** Deletes that failed, by instance id: retried with backoff, nothing else drained for them. */
  readonly deleteRetry?: Readonly<Record<string, { readonly attempts: number; readonly notBefore: number }>>;
  /** No scale-up for this group until then (instances failed to register in time, or the cloud asked us to wait). */
  readonly backoffUntil?: number;
  readonly paused?: boolean;
  /** Resources in use on the group's agents last cycle, per tracked resource (planner/headroom.ts). */
  readonly workLevel?: Readonly<Partial<Record<TrackedResource, number>>>;
  /** When that work last grew: headroom is released after scaleDown.headroomIdleTime without growth. */
  readonly workGrewAt?: number;
  /** Demand samples of the last trend window, oldest first (planner/trend.ts). */
  readonly demandHistory?: readonly DemandSample[];
}

export interface ControllerState {
  readonly groups: Readonly<Record<string, GroupMemory>>;
  /** The sanity gate's memory of the agent list (model: planner/sanity.ts). */
  readonly agents?: { readonly accepted: number; readonly shrunkTo?: number; readonly shrunkCycles?: number };
}

export const EMPTY_STATE: ControllerState = { groups: {} };
