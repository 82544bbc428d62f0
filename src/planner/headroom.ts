import type { TrackedResource } from '../model/resources.js';
import type { GroupView } from './group-view.js';
import type { GroupMemory } from './state.js';

/** Float slack: 0.1 + 0.2 cpus must not read as growth. */
const EPSILON = 1e-6;

/**
 * Remembers when the group's work last grew: the resources in use on its agents (draining ones
 * included) rose above last cycle's on a tracked resource. While a drain of ours is under way its
 * tasks move (killed, relaunched elsewhere), which is not new work: growth is not looked for then.
 * A group seen for the first time counts as having just grown, so a restarted process keeps the
 * headroom for the whole idle time before releasing it.
 */
export function trackWork(memory: GroupMemory, view: GroupView, now: number): GroupMemory {
  const level: Partial<Record<TrackedResource, number>> = {};
  // Summed over every agent of the group in its order by the view (draining ones included).
  for (const r of view.config.resources) level[r] = view.work[r];
  const before = memory.workLevel;
  const moving = view.ourDrains.length > 0 || view.draining.length > 0;
  const grew = before === undefined || memory.workGrewAt === undefined || (!moving && view.config.resources.some((r) => (level[r] ?? 0) > (before[r] ?? 0) + EPSILON));
  return { ...memory, workLevel: level, workGrewAt: grew ? now : memory.workGrewAt };
}

/**
 * Why: headroom (the threshold policy's room under scaleUpCap) is paid for in whole nodes and
 * only helps work that arrives. When the group's work has not grown for
 * `scaleDown.headroomIdleTime` seconds (0: never) the headroom is released: no scale-up at the up
 * cap, and the group may shrink to the fewest nodes that hold its work; waiting work still adds
 * nodes through the pending policy, and the first growth brings the headroom back.
 * Returns how long the work has been flat when released, else undefined.
 */
export function headroomReleased(view: Pick<GroupView, 'config'>, memory: GroupMemory, now: number): number | undefined {
  const idle = view.config.scaleDown.headroomIdleTime;
  if (idle <= 0 || memory.workGrewAt === undefined) return undefined;
  const flat = now - memory.workGrewAt;
  return flat >= idle * 1000 ? flat : undefined;
}
