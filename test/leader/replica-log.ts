/** Checks a log of actions tagged (replica, term, cycle, at) for split-brain. */
export interface ActionEntry {
  readonly replica: string;
  readonly term: number;
  /** Loop cycle the action belongs to: a wall-clock slot of the loop period, the same for all replicas. */
  readonly cycle: number;
  /** Epoch ms (fractional) when the action was taken. */
  readonly at: number;
}

export interface Conflicts {
  /** Cycles acted on by more than one replica. */
  readonly cycles: number[];
  /** Terms used by more than one replica. */
  readonly terms: number[];
  /** Actions taken after an action of a later term: two leaderships overlapping in time. */
  readonly overlaps: number;
}

export function conflicts(actions: readonly ActionEntry[]): Conflicts {
  const byCycle = new Map<number, Set<string>>();
  const byTerm = new Map<number, Set<string>>();
  for (const a of actions) {
    (byCycle.get(a.cycle) ?? byCycle.set(a.cycle, new Set()).get(a.cycle))?.add(a.replica);
    (byTerm.get(a.term) ?? byTerm.set(a.term, new Set()).get(a.term))?.add(a.replica);
  }
  const multi = (m: Map<number, Set<string>>): number[] => [...m].filter(([, s]) => s.size > 1).map(([k]) => k);
  let overlaps = 0;
  let highest = -Infinity;
  for (const a of [...actions].sort((x, y) => x.at - y.at)) {
    if (a.term < highest) overlaps++;
    highest = Math.max(highest, a.term);
  }
  return { cycles: multi(byCycle), terms: multi(byTerm), overlaps };
}
