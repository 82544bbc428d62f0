import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Constraint } from '../../../src/model/pending.js';
import type { SimCluster } from '../../../src/sim/cluster/cluster.js';
import { agentSpec, newCluster } from './helpers.js';
import { advance, killOne, pick } from '../../support/sim-ops.js';

const constraintSets: readonly (readonly Constraint[])[] = [
  [{ field: 'hostname', operator: 'UNIQUE' }],
  [{ field: 'rack', operator: 'UNIQUE' }],
  [{ field: 'rack', operator: 'MAX_PER', value: '2' }],
  [{ field: 'rack', operator: 'LIKE', value: 'r[12]' }],
  [
    { field: 'rack', operator: 'UNLIKE', value: 'r3' },
    { field: 'hostname', operator: 'MAX_PER', value: '2' },
  ],
  [
    { field: 'hostname', operator: 'UNIQUE' },
    { field: 'rack', operator: 'MAX_PER', value: '3' },
  ],
];

const agentArb = fc.record({
  cpus: fc.constantFrom(1, 2, 4, 8),
  gpus: fc.constantFrom(0, 0, 0, 1),
  rack: fc.constantFrom(undefined, 'r1', 'r2', 'r3'),
  reserved: fc.boolean(),
});
const opArb = fc.oneof(
  fc.record({ op: fc.constant('app' as const), instances: fc.integer({ min: 1, max: 12 }), cpus: fc.constantFrom(0.5, 1, 3), set: fc.nat({ max: constraintSets.length - 1 }) }),
  // Unconstrained apps of a few sizes: a full cluster fails them one after another.
  fc.record({ op: fc.constant('plain' as const), instances: fc.integer({ min: 1, max: 30 }), cpus: fc.constantFrom(1, 3, 6), gpus: fc.constantFrom(0, 0, 1), copies: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(1000, 5000) }),
  fc.record({ op: fc.constant('kill' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('scale' as const), pick: fc.nat(), instances: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ op: fc.constant('maintenance' as const), pick: fc.nat() }),
);

/** Everything a pass decides and counts: where tasks went, and every app's funnel and unused offers. */
function state(c: SimCluster): unknown {
  return {
    tasks: [...c.tasks()].map((t) => [t.appId, c.getAgent(t.agentId)?.hostname]),
    queues: [...c.apps()].map((a) => [a.spec.id, a.queue ? { ...a.queue, attempt: c.attemptFunnel(a) } : undefined]),
  };
}

// Keeping the reasons of agents a placement cannot have changed must give what asking the
// placement module about every agent for every instance gives: placements, funnels, unused offers.
describe('kept scans', () => {
  it('place and count as scanning every agent for every instance does', () => {
    fc.assert(
      fc.property(fc.array(agentArb, { minLength: 1, maxLength: 12 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), (agents, ops) => {
        const clusters = [newCluster({ keepScans: true }), newCluster({ keepScans: false })];
        for (const c of clusters) {
          for (const [i, a] of agents.entries()) {
            c.addAgent(
              agentSpec(i, {
                resources: { cpus: a.cpus, mem: 8192, disk: 1000, gpus: a.gpus },
                ...(a.rack ? { attributes: { rack: a.rack } } : {}),
                ...(a.reserved ? { reservations: { r1: { cpus: 0.5, mem: 256 } } } : {}),
              }),
            );
          }
          let apps = 0;
          for (const o of ops) {
            switch (o.op) {
              case 'app':
                c.createApp({ id: `a${apps++}`, instances: o.instances, cpus: o.cpus, mem: 256, constraints: constraintSets[o.set] as Constraint[] });
                break;
              case 'plain':
                for (let i = 0; i < o.copies; i++) c.createApp({ id: `p${apps++}`, instances: o.instances, cpus: o.cpus, mem: 256, gpus: o.gpus });
                break;
              case 'advance':
                advance(c, o.ms);
                break;
              case 'kill':
                killOne(c, o.pick);
                break;
              case 'scale': {
                const a = pick([...c.apps()], o.pick);
                if (a) c.scaleApp(a.spec.id, o.instances);
                break;
              }
              case 'maintenance': {
                const a = pick([...c.agents()], o.pick);
                if (a) c.updateMaintenanceSchedule([{ machines: [{ hostname: a.hostname, ip: a.ip }], start: c.clock.now(), durationMs: 60_000 }]);
                break;
              }
            }
          }
          c.clock.advance(2000);
        }
        expect(state(clusters[0] as SimCluster)).toEqual(state(clusters[1] as SimCluster));
      }),
      { numRuns: 400 },
    );
  });

  it('asks again once an agent changed: a failed size answers for the agents as they are now', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 4, mem: 1024, disk: 1000 } }));
    c.createApp({ id: 'filler', instances: 1, cpus: 4, mem: 128 });
    c.clock.advance(2000);
    c.createApp({ id: 'a1', instances: 1, cpus: 2, mem: 2048 });
    c.clock.advance(1000);
    expect(c.getApp('/a1')?.queue?.lastPass.declined.InsufficientCpus).toBe(1);
    c.scaleApp('/filler', 0);
    c.createApp({ id: 'a2', instances: 1, cpus: 2, mem: 2048 });
    c.clock.advance(1000);
    // Cpus are free now: the same size is refused for its memory.
    expect(c.getApp('/a2')?.queue?.lastPass.declined.InsufficientMemory).toBe(1);
    expect(c.getApp('/a2')?.queue?.lastPass.declined.InsufficientCpus).toBe(0);
  });
});
