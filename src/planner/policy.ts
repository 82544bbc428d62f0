import type { GroupFigures } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { GroupView } from './group-view.js';
import type { GroupMemory } from './state.js';

export interface PolicyInput {
  readonly view: GroupView;
  readonly snapshot: ClusterSnapshot;
  readonly memory: GroupMemory;
  readonly now: number;
}

/** One policy's opinion on a group's size. `target` below `view.current` asks to shrink. */
export interface Vote {
  readonly policy: string;
  readonly target: number;
  readonly reason: string;
  readonly figures?: GroupFigures;
}

export type Policy = (input: PolicyInput) => Vote;

/**
 * Scale up to the largest need; scale down only when every policy agrees, and
 * then only as far as the most cautious one wants.
 */
export function combineVotes(current: number, votes: readonly Vote[]): { target: number; deciding: readonly Vote[] } {
  const up = votes.filter((v) => v.target > current);
  if (up.length) {
    const target = Math.max(...up.map((v) => v.target));
    return { target, deciding: up.filter((v) => v.target === target) };
  }
  if (votes.length && votes.every((v) => v.target < current)) {
    const target = Math.max(...votes.map((v) => v.target));
    return { target, deciding: votes };
  }
  return { target: current, deciding: votes.filter((v) => v.target >= current) };
}
