import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignByIdentity } from '../../src/util/identity-diff.js';

interface Obj {
  readonly k: number;
}

/** Runs the alignment and checks its contract; returns how many positions were reported fresh. */
function check(last: readonly Obj[], next: readonly Obj[]): number {
  const seenN = new Array<number>(next.length).fill(0);
  const seenM = new Array<number>(last.length).fill(0);
  let lastSame = -1;
  let fresh = 0;
  const wrong: string[] = [];
  alignByIdentity(last, next, {
    same(m0, n0, count) {
      if (count < 1) wrong.push(`same(${m0}, ${n0}, ${count}): an empty run`);
      for (let k = 0; k < count; k++) {
        const m = m0 + k;
        const n = n0 + k;
        if (last[m] !== next[n]) wrong.push(`same(${m}, ${n}) on different objects`);
        if (m <= lastSame) wrong.push(`same(${m}, ${n}) after same(${lastSame}, ...)`);
        lastSame = m;
        seenN[n] = (seenN[n] ?? 0) + 1;
        seenM[m] = (seenM[m] ?? 0) + 1;
      }
    },
    fresh(n) {
      seenN[n] = (seenN[n] ?? 0) + 1;
      fresh++;
    },
    gone(m) {
      seenM[m] = (seenM[m] ?? 0) + 1;
    },
  });
  expect(wrong).toEqual([]);
  expect(seenN.every((c) => c === 1)).toBe(true);
  expect(seenM.every((c) => c === 1)).toBe(true);
  return fresh;
}

describe('alignByIdentity', () => {
  it('reports every position once, and `same` only for the very object, whatever the lists', () => {
    const pool = Array.from({ length: 12 }, (_, k): Obj => ({ k }));
    fc.assert(
      fc.property(fc.array(fc.nat(11), { maxLength: 40 }), fc.array(fc.nat(11), { maxLength: 40 }), (a, b) => {
        check(a.map((k) => pool[k] as Obj), b.map((k) => pool[k] as Obj));
      }),
      { numRuns: 2000 },
    );
  });

  it('derives afresh only what changed when objects are inserted, removed or replaced in short runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.record({ kind: fc.constantFrom('insert', 'remove', 'replace'), at: fc.nat(), run: fc.integer({ min: 1, max: 5 }) }), { maxLength: 6 }),
        (size, edits) => {
          const last = Array.from({ length: size }, (_, k): Obj => ({ k }));
          const next = [...last];
          let added = 0;
          for (const e of edits) {
            const at = next.length === 0 ? 0 : e.at % next.length;
            if (e.kind === 'insert') {
              next.splice(at, 0, ...Array.from({ length: e.run }, (): Obj => ({ k: -1 })));
              added += e.run;
            } else if (e.kind === 'remove') next.splice(at, e.run);
            else {
              const n = Math.min(e.run, next.length - at);
              next.splice(at, n, ...Array.from({ length: n }, (): Obj => ({ k: -1 })));
              added += n;
            }
          }
          // Runs may merge (an insert next to a replace) but stay within the look-ahead (6 x 5 < 32): only new objects are fresh.
          expect(check(last, next)).toBe(next.filter((o) => o.k === -1).length);
          expect(next.filter((o) => o.k === -1).length).toBeLessThanOrEqual(added);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('follows a 50,000-long list with one change per 1,000 positions in well under a pass of reads', () => {
    const last = Array.from({ length: 50_000 }, (_, k): Obj => ({ k }));
    const next = last.filter((_, k) => k % 1000 !== 7).map((o) => (o.k % 1000 === 500 ? { k: o.k } : o));
    next.push({ k: 50_000 });
    expect(check(last, next)).toBe(51);
  });
});
