import { describe, expect, it } from 'vitest';
import { seededRandom, uuidLike } from '../../../src/sim/cluster/ids.js';

/** The layout as it used to be built, digit by digit: the ids of a seed must not change. */
function reference(rand: () => number): string {
  const hex = (digits: number): string => {
    let s = '';
    for (let i = 0; i < digits; i++) s += Math.floor(rand() * 16).toString(16);
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

describe('uuidLike', () => {
  it('draws the same ids from a seed as building them digit by digit', () => {
    for (const seed of [1, 7, 42, 123456]) {
      const a = seededRandom(seed);
      const b = seededRandom(seed);
      for (let i = 0; i < 2000; i++) expect(uuidLike(a)).toBe(reference(b));
    }
  });
});
