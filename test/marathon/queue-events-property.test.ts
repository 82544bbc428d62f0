import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCounts, smallCluster, sorted, startQueue, until } from './queue-events-support.js';

const IDS = ['/a', '/b', '/g/c'] as const;
type Op =
  | { readonly kind: 'create'; readonly id: string; readonly instances: number; readonly cpus: number }
  | { readonly kind: 'scale'; readonly id: string; readonly instances: number }
  | { readonly kind: 'delete'; readonly id: string }
  | { readonly kind: 'tick' };

const id = fc.constantFrom(...IDS);
// Allocation passes often, so instances launch, run, and are killed by scale-downs and deletions.
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), id, instances: fc.integer({ min: 0, max: 6 }), cpus: fc.constantFrom(0.5, 1, 2, 3) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('scale' as const), id, instances: fc.integer({ min: 0, max: 8 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), id }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'tick' as const }), weight: 3 },
);

describe('the event-fed queue equals a fresh /v2/queue read once the events settle', () => {
  it('for random sequences of app creations, scalings, deletions and allocation passes', async () => {
    await fc.assert(
      // Every app exists at first, so most operations act on something.
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (rest) => {
        const ops: Op[] = [...IDS.map((i): Op => ({ kind: 'create', id: i, instances: 3, cpus: 1 })), { kind: 'tick' }, ...rest];
        const emu = await smallCluster();
        const h = startQueue(emu.marathonUrl);
        try {
          await until(() => h.queue.status().inSync, 5000, 'the baseline');
          for (const o of ops) {
            if (o.kind === 'create') emu.cluster.createApp({ id: o.id, instances: o.instances, cpus: o.cpus, mem: 32 });
            else if (o.kind === 'scale') emu.cluster.scaleApp(o.id, o.instances);
            else if (o.kind === 'delete') emu.cluster.deleteApp(o.id);
            else emu.clock.advance(1000);
          }
          let read = await readCounts(h.client);
          const end = Date.now() + 3000;
          while (JSON.stringify(sorted(h.queue.counts())) !== JSON.stringify(sorted(read)) && Date.now() < end) {
            await new Promise((r) => setTimeout(r, 20));
            read = await readCounts(h.client);
          }
          expect(sorted(h.queue.counts())).toEqual(sorted(read));
          // Settled from events alone: the check finds nothing, and nothing was read but the baseline.
          expect(await h.queue.check()).toEqual([]);
          expect(h.resyncs).toEqual(['connect']);
          expect(h.queue.status().held).toEqual([]);
        } finally {
          await h.close();
          await emu.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
