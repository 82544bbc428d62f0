import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offerRefusal, placementOf } from '../../../src/sim/cluster/constraints.js';
import { ASK, ASK_CODE, OfferIndex, reasonCode } from '../../../src/sim/cluster/offer-index.js';
import type { SimAgent, SimApp } from '../../../src/sim/cluster/types.js';
import { agentSpec, newCluster } from './helpers.js';
import { advance, pick } from '../../support/sim-ops.js';

const agentArb = fc.record({
  cpus: fc.constantFrom(0, 1, 2.5, 4, 16),
  mem: fc.constantFrom(0, 512, 4096, 65536),
  disk: fc.constantFrom(0, 1000, 20000),
  gpus: fc.constantFrom(0, 0, 1, 2),
  reserved: fc.boolean(),
  volume: fc.boolean(),
});
const appArb = fc.record({
  instances: fc.integer({ min: 1, max: 6 }),
  cpus: fc.constantFrom(0, 0.1, 0.5, 1, 2.5, 4),
  mem: fc.constantFrom(0, 128, 512, 4096, 40000),
  disk: fc.constantFrom(0, 0, 500, 10000),
  gpus: fc.constantFrom(0, 0, 0, 1),
  ports: fc.constantFrom(0, 1, 3),
  fixed: fc.boolean(),
  role: fc.constantFrom('*', '*', 'r1'),
  accepted: fc.constantFrom(undefined, ['*'], ['r1'], ['*', 'r1']),
  gpuScheduling: fc.constantFrom(undefined, 'restricted' as const, 'unrestricted' as const),
});

// The index's own answer must be the placement module's (as constraints.ts reads a simulated
// agent) for every agent and app it answers for, before and after tasks take resources.
describe('OfferIndex', () => {
  it('answers as the placement module does whenever it answers', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.array(agentArb, { minLength: 1, maxLength: 8 }), fc.array(appArb, { minLength: 1, maxLength: 6 }), (agents, apps) => {
        const c = newCluster();
        for (const [i, a] of agents.entries()) {
          c.addAgent(
            agentSpec(i, {
              resources: { cpus: a.cpus, mem: a.mem, disk: a.disk, gpus: a.gpus },
              ...(a.reserved ? { reservations: { r1: { cpus: Math.min(1, a.cpus), mem: Math.min(256, a.mem) } } } : {}),
              ...(a.volume && a.reserved ? { volumes: [{ id: `v${i}`, role: 'r1', diskMb: 100 }] } : {}),
            }),
          );
        }
        const index = new OfferIndex(
          () => c.agents(),
          () => true,
          () => false,
        );
        const simApps: SimApp[] = [];
        for (const [i, a] of apps.entries()) {
          const r = c.createApp({
            id: `/a${i}`,
            instances: a.instances,
            cpus: a.cpus,
            mem: a.mem,
            disk: a.disk,
            gpus: a.gpus,
            ports: a.ports,
            ...(a.fixed ? { fixedPorts: [31000] } : {}),
            role: a.role,
            ...(a.accepted ? { acceptedRoles: a.accepted } : {}),
            ...(a.gpuScheduling ? { gpuScheduling: a.gpuScheduling } : {}),
          });
          if (r.ok) simApps.push(r.value);
        }
        const check = (): number => {
          let answered = 0;
          const list = index.agents();
          const codes = new Uint8Array(list.length);
          for (const app of simApps) {
            index.refusalCodes(placementOf(app), codes);
            for (let k = 0; k < list.length; k++) {
              const own = index.plainRefusal(k, placementOf(app));
              // The bulk codes say the same, agent by agent.
              expect(codes[k]).toBe(own === ASK ? ASK_CODE : reasonCode(own));
              if (own === ASK) continue;
              answered++;
              expect(own).toBe(offerRefusal(app, list[k]!, undefined));
            }
          }
          return answered;
        };
        answered += check();
        // Tasks take resources; the index hears of each agent whose resources changed.
        c.clock.advance(1000);
        for (const a of c.agents()) index.resourcesChanged(a);
        answered += check();
        // Some finish or are killed: resources come back.
        for (const t of [...c.tasks()].filter((_, i) => i % 2 === 0)) c.killTask(t.id);
        for (const a of c.agents()) index.resourcesChanged(a);
        answered += check();
      }),
      { numRuns: 300 },
    );
    // Not vacuous: most pairs are plain enough for the index to answer.
    expect(answered).toBeGreaterThan(1000);
  });

  it('answers for plain agents and apps, and skips agents without the cpus or mem', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 8192, disk: 1000 } }));
    c.addAgent(agentSpec(2, { resources: { cpus: 8, mem: 8192, disk: 1000 } }));
    const index = new OfferIndex(
      () => c.agents(),
      () => true,
      () => false,
    );
    const r = c.createApp({ id: 'w', instances: 0, cpus: 2, mem: 512 });
    if (!r.ok) throw r.error;
    expect(index.agents()).toHaveLength(2);
    expect(index.plainRefusal(0, placementOf(r.value))).toBe('InsufficientCpus');
    expect(index.plainRefusal(1, placementOf(r.value))).toBeUndefined();
    expect(index.next(0, 2, 512)).toBe(1);
    expect(index.next(0, 9, 512)).toBe(2);
  });

  it('places and drops only the agents that moved, as a list made anew would', () => {
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('add' as const), cpus: fc.constantFrom(0, 2, 16), reserved: fc.boolean() }),
      fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('drain' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('reactivate' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('app' as const), instances: fc.integer({ min: 1, max: 5 }), cpus: fc.constantFrom(0.5, 2, 4) }),
      fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(1000, 10_000) }),
      fc.record({ op: fc.constant('schedule' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('read' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 50 }), (ops) => {
        const c = newCluster();
        const offerable = (a: SimAgent): boolean => a.active && !a.deactivated && !a.drain && c.getAgent(a.id) === a;
        const inMaintenance = (a: SimAgent): boolean => c.machineMode(a) !== undefined;
        // Never made anew once made: every move goes through the incremental path.
        const kept = new OfferIndex(() => c.agents(), offerable, inMaintenance, Number.POSITIVE_INFINITY);
        c.events.on((e) => {
          if (e.type === 'agent_added' || e.type === 'agent_removed' || e.type === 'agent_updated') kept.membershipChanged(e.agent);
          else if (e.type === 'task_added' || e.type === 'task_updated') {
            const a = c.getAgent(e.task.agentId);
            if (a) kept.resourcesChanged(a);
          }
        });
        let n = 0;
        let apps = 0;
        const probe = { id: '/probe', need: Float64Array.from([1, 512, 0, 0, 0]), fixedPorts: [], acceptedRoles: ['*'], gpuScheduling: 'restricted' as const };
        for (const o of ops) {
          const agents = [...c.agents()];
          switch (o.op) {
            case 'add':
              n++;
              c.addAgent(agentSpec(n, { resources: { cpus: o.cpus, mem: 8192, disk: 1000 }, ...(o.reserved ? { reservations: { r1: { cpus: 1, mem: 256 } } } : {}) }));
              break;
            case 'remove': {
              const a = pick(agents, o.pick);
              if (a) c.removeAgent(a.id);
              break;
            }
            case 'drain': {
              const a = pick(agents, o.pick);
              if (a) c.drainAgent(a.id, { maxGracePeriodNs: 1_000_000_000n });
              break;
            }
            case 'reactivate': {
              const a = pick(agents, o.pick);
              if (a) c.reactivateAgent(a.id);
              break;
            }
            case 'app':
              c.createApp({ id: `a${apps++}`, instances: o.instances, cpus: o.cpus, mem: 256 });
              break;
            case 'advance':
              advance(c, o.ms);
              break;
            case 'schedule': {
              const a = pick(agents, o.pick);
              if (a && c.updateMaintenanceSchedule([{ machines: [{ hostname: a.hostname, ip: a.ip }], start: c.clock.now(), durationMs: 60_000 }]).ok) kept.maintenanceChanged();
              break;
            }
            case 'read':
              break;
          }
          const fresh = new OfferIndex(() => c.agents(), offerable, inMaintenance);
          const list = kept.agents();
          expect(list).toEqual(fresh.agents());
          for (let k = 0; k < list.length; k++) {
            expect(kept.plainRefusal(k, probe)).toBe(fresh.plainRefusal(k, probe));
            expect(kept.next(k, 1, 512)).toBe(fresh.next(k, 1, 512));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
