import type { GroupView } from './group-view.js';
import type { GroupMemory } from './state.js';

export type InFlightStatus = 'none' | 'waiting' | 'done' | 'timed-out';

/**
 * Has the last size change reached the agents? Pure: the controller stores the
 * returned memory; the planner holds a group while its change is `waiting`.
 */
export function settleInFlight(memory: GroupMemory, view: GroupView, now: number): { status: InFlightStatus; memory: GroupMemory } {
  const f = memory.inFlight;
  if (!f) return { status: 'none', memory };
  const have = view.capacity.length;
  const reached = f.direction === 'up' ? have >= f.expectAgents : have <= f.expectAgents;
  const { inFlight: _done, ...rest } = memory;
  if (reached) return { status: 'done', memory: rest };
  if (now - f.since >= view.config.provisionTimeout * 1000) {
    // Instances that never registered: back off this group so another can be tried.
    const backoffUntil = f.direction === 'up' ? now + view.config.provisionTimeout * 1000 : memory.backoffUntil;
    return { status: 'timed-out', memory: { ...rest, backoffUntil } };
  }
  return { status: 'waiting', memory };
}
