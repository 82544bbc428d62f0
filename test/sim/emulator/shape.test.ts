import { describe, expect, it } from 'vitest';
import { compareShape } from './shape.js';

describe('compareShape', () => {
  it('accepts a subset of keys with the same types', () => {
    expect(compareShape({ a: 1, b: { c: 'x' } }, [{ a: 2.5, b: { c: 'y', d: 1 }, e: true }, { a: 1, b: { c: 'z' } }])).toEqual([]);
  });

  it('reports unknown keys, wrong types and keys every capture has', () => {
    const diffs = compareShape({ a: 'one', extra: 1, list: [{ x: 1, y: 2 }] }, [{ a: 1, must: true, list: [{ x: 1 }] }]);
    expect(diffs).toContain('a: emulator has string, capture has number');
    expect(diffs).toContain('extra: not in any capture');
    expect(diffs).toContain('must: missing (every capture has it)');
    expect(diffs).toContain('list[].y: not in any capture');
  });

  it('compares array elements with the union of the captured elements', () => {
    const capture = { r: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'ports', type: 'RANGES', ranges: { range: [] } }] };
    expect(compareShape({ r: [{ name: 'mem', type: 'SCALAR', scalar: { value: 2 } }] }, [capture])).toEqual([]);
  });

  it('drops differences below ignored paths', () => {
    expect(compareShape({ a: { b: 1 } }, [{ a: {} }], { ignore: ['a'] })).toEqual([]);
  });
});
