import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importAzure2017VmTable } from '../../../src/sim/trace/azure2017.js';
import { importSwf } from '../../../src/sim/trace/swf.js';

/** An SWF job line as the archive writes it: 18 numbers, -1 where unknown. */
const swfJob = fc.record({
  submit: fc.integer({ min: 0, max: 10_000_000 }),
  run: fc.integer({ min: 0, max: 1_000_000 }),
  allocated: fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 512 })),
  requested: fc.integer({ min: 1, max: 512 }),
  requestedMemKb: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 4_000_000 })),
  status: fc.constantFrom(0, 1, 5),
});

describe('SWF importer, for any well-formed log', () => {
  it('keeps every job with a run time, as processors x 1 cpu, in submit order, starting at 0', () => {
    fc.assert(
      fc.property(fc.array(swfJob, { minLength: 1, maxLength: 40 }), (jobs) => {
        const sorted = [...jobs].sort((a, b) => a.submit - b.submit);
        const text = ['; Version: 2.2', ...sorted.map((j, i) => [i + 1, j.submit, -1, j.run, j.allocated, -1, -1, j.requested, -1, j.requestedMemKb, j.status, 1, 1, 1, 1, 1, -1, -1].join(' '))].join('\n');
        const r = importSwf(text);
        if (!r.ok) return false;
        const first = sorted[0]?.submit ?? 0;
        expect(r.value.skipped).toEqual([]);
        expect(r.value.tasks.map((t) => t.submitAt)).toEqual(sorted.map((j) => (j.submit - first) * 1000));
        expect(r.value.tasks.map((t) => t.instances)).toEqual(sorted.map((j) => (j.allocated > 0 ? j.allocated : j.requested)));
        expect(r.value.tasks.map((t) => t.mem)).toEqual(sorted.map((j) => Math.max(0, j.requestedMemKb) / 1024));
        expect(r.value.tasks.every((t) => t.cpus === 1 && t.durationMs !== undefined && t.durationMs >= 0)).toBe(true);
        return true;
      }),
    );
  });
});

describe('Azure vmtable importer, for any well-formed table', () => {
  it('gives every VM one instance alive at least 300 s, its cores and GB as cpus and MB', () => {
    const vm = fc.record({
      created: fc.integer({ min: 0, max: 2_592_000 }),
      life: fc.integer({ min: 0, max: 2_592_000 }),
      cores: fc.constantFrom(1, 2, 4, 8, 24),
      memGb: fc.constantFrom(0.75, 1.75, 3.5, 7, 14, 28, 56, 70),
      category: fc.constantFrom('Interactive', 'Delay-insensitive', 'Unknown'),
    });
    fc.assert(
      fc.property(fc.array(vm, { minLength: 1, maxLength: 40 }), (vms) => {
        const text = vms.map((v, i) => `vm${i},s,d,${v.created},${v.created + v.life},1,1,1,${v.category},${v.cores},${v.memGb}`).join('\n');
        const r = importAzure2017VmTable(text);
        if (!r.ok) return false;
        const origin = Math.min(...vms.map((v) => v.created));
        const byId = new Map(r.value.tasks.map((t) => [t.id, t]));
        vms.forEach((v, i) => {
          const t = byId.get(`vm${i}`);
          expect(t).toMatchObject({ submitAt: (v.created - origin) * 1000, durationMs: Math.max(v.life, 300) * 1000, cpus: v.cores, mem: v.memGb * 1024, instances: 1, kind: v.category === 'Interactive' ? 'service' : 'batch' });
        });
        return r.value.tasks.length === vms.length;
      }),
    );
  });
});
