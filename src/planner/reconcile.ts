import type { Instance } from '../model/node-group.js';
import type { GroupView } from './group-view.js';
import type { GroupMemory } from './state.js';

/** Instances with no agent yet, split by how long this process has watched them. */
export interface Arrivals {
  /** Younger than the provision time: on their way in, counted so nothing is bought twice. */
  readonly provisioning: readonly Instance[];
  /** Never registered within the provision time: removed, never counted toward min. */
  readonly ghosts: readonly Instance[];
  /** Desired size the cloud still lists no instance for after the provision time (given back). */
  readonly ghostSlots: number;
  /** Ms the oldest provisioning instance has been watched (0 when none). */
  readonly oldestMs: number;
  readonly memory: GroupMemory;
}

/**
 * Pure: remembers since when each unregistered instance has been seen (this process's clock),
 * so a restarted process or a new leader counts instances still booting from the cloud's own
 * list, and measures their age from when it first saw them, never from a foreign timestamp.
 */
export function trackArrivals(memory: GroupMemory, view: GroupView, now: number): Arrivals {
  const before = memory.unregisteredSince ?? {};
  const since: Record<string, number> = {};
  const provisioning: Instance[] = [];
  const ghosts: Instance[] = [];
  let oldestMs = 0;
  for (const i of view.unregistered) {
    const first = before[i.id] ?? now;
    since[i.id] = first;
    if (now - first >= view.config.provisionTimeout * 1000) ghosts.push(i);
    else {
      provisioning.push(i);
      oldestMs = Math.max(oldestMs, now - first);
    }
  }
  // Slots of the desired size with no instance listed yet are watched as one.
  const slotsSince = view.pendingSlots > 0 ? (memory.slotsSince ?? now) : undefined;
  const slotsLate = slotsSince !== undefined && now - slotsSince >= view.config.provisionTimeout * 1000;
  if (slotsSince !== undefined && !slotsLate) oldestMs = Math.max(oldestMs, now - slotsSince);
  const { slotsSince: _old, ...rest } = memory;
  return {
    provisioning,
    ghosts,
    ghostSlots: slotsLate ? view.pendingSlots : 0,
    oldestMs,
    memory: { ...rest, unregisteredSince: since, ...(slotsSince !== undefined ? { slotsSince } : {}) },
  };
}
