import { loadOf } from './agent-facts.js';
import type { GroupView } from './group-view.js';
import type { GroupMemory } from './state.js';

/**
 * Remembers since when each capacity agent has been under the scale-down
 * utilization; an agent that rises above it starts over.
 */
export function trackUnneeded(memory: GroupMemory, view: GroupView, now: number): GroupMemory {
  const limit = view.config.scaleDown.utilization / 100;
  const before = memory.unneededSince ?? {};
  const next: Record<string, number> = {};
  for (const a of view.capacity) {
    if (loadOf(a, view.config.resources) < limit) next[a.id] = before[a.id] ?? now;
  }
  return { ...memory, unneededSince: next };
}
