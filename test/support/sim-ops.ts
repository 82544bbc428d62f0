import type { SimCluster } from '../../src/sim/cluster/cluster.js';

/** The element at `i` modulo the list's length (a random op's target), or none in an empty list. */
export function pick<T>(xs: readonly T[], i: number): T | undefined {
  return xs.length > 0 ? xs[i % xs.length] : undefined;
}

/** Time passing on the cluster's clock (a random op of the simulator's property tests). */
export function advance(c: SimCluster, ms: number): void {
  c.clock.advance(ms);
}

/** One of the cluster's tasks killed, picked by index (a random op of the simulator's property tests). */
export function killOne(c: SimCluster, at: number): void {
  const t = pick([...c.tasks()], at);
  if (t) c.killTask(t.id);
}
