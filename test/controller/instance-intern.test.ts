import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstanceIntern } from '../../src/controller/instance-intern.js';
import type { Instance } from '../../src/model/node-group.js';

const inst = (id: string, extra: Partial<Instance> = {}): Instance => ({ id, hostname: `${id}.cluster`, privateIp: '10.0.0.1', state: 'running', ...extra });

describe('InstanceIntern', () => {
  it('hands out last cycle\'s object for an instance whose fields are all the same, a new one otherwise', () => {
    const intern = new InstanceIntern();
    const first = intern.intern('g', { desired: 3, instances: [inst('a'), inst('b'), inst('c')] });
    const second = intern.intern('g', { desired: 4, instances: [inst('a'), inst('b', { state: 'deleting' }), inst('c', { createdAt: 5 }), inst('d')] });
    expect(second.desired).toBe(4);
    expect(second.instances[0]).toBe(first.instances[0]);
    // A field changed, a field added, a new instance: the listing's own objects.
    expect(second.instances[1]).not.toBe(first.instances[1]);
    expect(second.instances[1]?.state).toBe('deleting');
    expect(second.instances[2]).toEqual(inst('c', { createdAt: 5 }));
    expect(second.instances[3]).toEqual(inst('d'));
    // The values are the listing's, whichever object carries them.
    expect(second.instances).toEqual([inst('a'), inst('b', { state: 'deleting' }), inst('c', { createdAt: 5 }), inst('d')]);
  });

  it('compares every field an Instance declares', () => {
    // A listing that differs from the last in one field only, for each field.
    const base: Instance = { id: 'a', hostname: 'a.cluster', privateIp: '10.0.0.1', state: 'running', createdAt: 1 };
    const variants: Instance[] = [{ ...base, hostname: 'b.cluster' }, { ...base, privateIp: '10.0.0.2' }, { ...base, state: 'creating' }, { ...base, createdAt: 2 }];
    for (const v of variants) {
      const intern = new InstanceIntern();
      const first = intern.intern('g', { desired: 1, instances: [base] });
      expect(intern.intern('g', { desired: 1, instances: [{ ...base }] }).instances[0]).toBe(first.instances[0]);
      expect(intern.intern('g', { desired: 1, instances: [v] }).instances[0]).toBe(v);
    }
    // Every declared field is covered above (a new field needs a variant and a comparison).
    expect(Object.keys(base).sort()).toEqual(['createdAt', 'hostname', 'id', 'privateIp', 'state']);
  });

  it('keeps groups apart, and a field that disappears is a change', () => {
    const intern = new InstanceIntern();
    const g1 = intern.intern('g1', { desired: 1, instances: [inst('a')] });
    const g2 = intern.intern('g2', { desired: 1, instances: [inst('a', { privateIp: '10.0.0.2' })] });
    expect(g2.instances[0]).not.toBe(g1.instances[0]);
    const { privateIp: _gone, ...noIp } = inst('a');
    const again = intern.intern('g1', { desired: 1, instances: [noIp] });
    expect(again.instances[0]).not.toBe(g1.instances[0]);
    expect(again.instances[0]).toEqual(noIp);
  });

  it('whatever the listings, hands out the listing\'s values, keeping last objects where found', () => {
    const spec = fc.record({ id: fc.integer({ min: 0, max: 40 }), ip: fc.constantFrom('10.0.0.1', '10.0.0.2'), state: fc.constantFrom('running' as const, 'deleting' as const) });
    fc.assert(
      fc.property(fc.array(fc.array(spec, { maxLength: 60 }), { minLength: 1, maxLength: 6 }), (reads) => {
        const intern = new InstanceIntern();
        let last: readonly Instance[] = [];
        for (const read of reads) {
          const listed = read.map((r) => inst(`i-${r.id}`, { privateIp: r.ip, state: r.state }));
          const out = intern.intern('g', { desired: listed.length, instances: listed }).instances;
          expect(out).toEqual(listed);
          // Each object handed out is the listing's or one handed out last time for the same values.
          out.forEach((o, n) => expect(o === listed[n] || last.includes(o)).toBe(true));
          last = out;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('follows instances added and removed between reads in a long listing', () => {
    const intern = new InstanceIntern();
    const first = intern.intern('g', { desired: 100, instances: Array.from({ length: 100 }, (_, k) => inst(`i-${k}`)) }).instances;
    const next = Array.from({ length: 100 }, (_, k) => inst(`i-${k}`)).filter((_, k) => k % 10 !== 3);
    next.splice(50, 0, inst('i-new'));
    const out = intern.intern('g', { desired: next.length, instances: next }).instances;
    expect(out.filter((o) => first.includes(o))).toHaveLength(90);
  });

  it('returns the listing itself when nothing was kept', () => {
    const intern = new InstanceIntern();
    const state = { desired: 1, instances: [inst('a')] };
    expect(intern.intern('g', state)).toBe(state);
  });
});
