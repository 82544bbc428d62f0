import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placementOf } from '../../../src/sim/cluster/constraints.js';
import { OfferIndex } from '../../../src/sim/cluster/offer-index.js';
import { RotatedOffers, rotated } from '../../../src/sim/cluster/pass-offers.js';
import { agentSpec, newCluster } from './helpers.js';

/** A pass's view starting at `start` answers, position for position, as the index read from `start` round. */
describe('RotatedOffers', () => {
  it('is the index rotated: agents, skips, refusals and their bulk codes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpus: fc.constantFrom(0, 1, 2, 4), mem: fc.constantFrom(0, 512, 4096) }), { minLength: 1, maxLength: 9 }),
        fc.nat(),
        fc.constantFrom(0.5, 1, 2, 3),
        fc.constantFrom(0, 256, 1024),
        (specs, seed, cpus, mem) => {
          const c = newCluster({ offerOrder: 'registration' });
          for (const [i, s] of specs.entries()) c.addAgent(agentSpec(i, { resources: { cpus: s.cpus, mem: s.mem, disk: 100 } }));
          const app = c.createApp({ id: '/w', instances: 1, cpus, mem });
          if (!app.ok) throw app.error;
          const index = new OfferIndex(() => c.agents(), () => true, () => false);
          const list = index.agents();
          const n = list.length;
          const start = seed % n;
          const view = new RotatedOffers(index, list, start);
          const order = rotated(list, start);
          expect(view.all()).toEqual(order);
          const placement = placementOf(app.value);
          const codes = new Uint8Array(n);
          view.refusalCodes(placement, codes);
          const byIndex = new Uint8Array(n);
          index.refusalCodes(placement, byIndex);
          for (let k = 0; k < n; k++) {
            const at = (start + k) % n;
            expect(view.at(k)).toBe(order[k]);
            expect(view.plainRefusal(k, placement)).toBe(index.plainRefusal(at, placement));
            expect(codes[k]).toBe(byIndex[at]);
          }
          // next: the first position from `from` on whose free cpus and mem the index admits.
          const admits = (k: number): boolean => index.next((start + k) % n, cpus, mem, (start + k) % n + 1) === (start + k) % n;
          for (let from = 0; from <= n; from++) {
            let want = from;
            while (want < n && !admits(want)) want++;
            expect(view.next(from, cpus, mem)).toBe(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
