import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, createPools } from '../../../src/sim/cluster/pools.js';
import type { SimAgent } from '../../../src/sim/cluster/types.js';

function agent(cpus: number, mem: number, disk: number): SimAgent {
  const spec = { hostname: 'h', resources: { cpus, mem, disk, gpus: 0 } };
  return { id: 'a', seq: 0, spec, hostname: 'h', ip: 'h', port: 5051, attributes: {}, pools: createPools(spec), volumes: [], tasks: new Map(), active: true, deactivated: false, registeredAt: 0, version: '1.9.0' };
}

// The unreserved shortcut must take what the general path takes: the same allocations and pool
// numbers, to the last bit (accepting ["*"] explicitly sends the same request the general way).
describe('allocate', () => {
  it('takes for an unreserved task without ports what the general path takes', () => {
    const needArb = fc.record({ cpus: fc.constantFrom(0, 0.1, 0.3, 1, 2.7), mem: fc.constantFrom(0, 100, 333.3, 4096), disk: fc.constantFrom(0, 10, 999.9), gpus: fc.constant(0), ports: fc.constant(0) });
    fc.assert(
      fc.property(fc.constantFrom(4, 7.5, 16), fc.array(needArb, { minLength: 1, maxLength: 20 }), (cpus, needs) => {
        const fast = agent(cpus, 8192, 1000);
        const general = agent(cpus, 8192, 1000);
        for (const need of needs) {
          expect(allocate(fast, '*', need)).toEqual(allocate(general, '*', need, ['*']));
          expect(fast.pools.get('*')?.used).toStrictEqual(general.pools.get('*')?.used);
        }
      }),
      { numRuns: 300 },
    );
  });
});
