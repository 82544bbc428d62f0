/** What `alignByIdentity` reports, position by position. */
export interface Alignment {
  /** `next[n + k]` is the very object `last[m + k]` for k < count (m increasing): what was derived from them can be copied. */
  same(m: number, n: number, count: number): void;
  /** `next[n]` was not kept from `last` at an aligned position: derive it afresh. */
  fresh(n: number): void;
  /** `last[m]` has no aligned position in `next` (gone, or replaced by another object). */
  gone?(m: number): void;
}

/** How far ahead a run of removed or inserted objects is looked for. */
const LOOKAHEAD = 32;

/**
 * Aligns a list with the previous one by object identity, comparing pointers only: at 50,000
 * agents a warm cycle cannot afford to read every agent object (each read is a cache miss in a
 * large heap), but the event-fed model keeps an unchanged agent's object and the list's order,
 * so most positions are the same object as one position of the last list. Runs of up to
 * LOOKAHEAD removed or inserted objects are followed; anything else is reported fresh, which is
 * always correct (only the cost grows): `same` is reported only for identical objects.
 * Each `n` is reported once (in a `same` run or `fresh`), each `m` once (in a `same` run or `gone`).
 */
export function alignByIdentity<T>(last: readonly T[], next: readonly T[], on: Alignment): void {
  let m = 0;
  for (let n = 0; n < next.length; n++) {
    const x = next[n];
    if (m < last.length && last[m] === x) {
      // A run of kept objects, reported once (most of a warm cycle's list is one or a few runs).
      let k = 1;
      while (m + k < last.length && n + k < next.length && last[m + k] === next[n + k]) k++;
      on.same(m, n, k);
      m += k;
      n += k - 1;
      continue;
    }
    // A run of removed objects before x?
    let found = -1;
    for (let j = m + 1; j < last.length && j <= m + LOOKAHEAD; j++) {
      if (last[j] === x) {
        found = j;
        break;
      }
    }
    if (found >= 0) {
      for (; m < found; m++) on.gone?.(m);
      // x is last[m]: the next pass of the loop takes it with the run it starts.
      n--;
      continue;
    }
    on.fresh(n);
    // x inserted before last[m] (it comes up again shortly), or last[m] replaced by x.
    if (m < last.length && !comesUp(next, n + 1, last[m] as T)) on.gone?.(m++);
  }
  for (; m < last.length; m++) on.gone?.(m);
}

function comesUp<T>(xs: readonly T[], from: number, x: T): boolean {
  for (let j = from; j < xs.length && j < from + LOOKAHEAD; j++) if (xs[j] === x) return true;
  return false;
}
