import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instance } from '../../../src/model/node-group.js';
import { SimulatedProvider } from '../../../src/providers/simulated/simulated-provider.js';
import { AgentState, agentState, CpuLedger } from '../../../src/sim/replay/cpu-ledger.js';
import { ClusterSampler, sampleCluster } from '../../../src/sim/replay/sampler.js';
import { agentSpec, newCluster } from '../cluster/helpers.js';
import { advance, killOne, pick } from '../../support/sim-ops.js';

const ref = { name: 'g', target: {} };

const opArb = fc.oneof(
  fc.record({ op: fc.constant('size' as const), n: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('reserved' as const), n: fc.integer({ min: 100, max: 120 }), cpus: fc.constantFrom(0.3, 1.1, 2) }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('app' as const), instances: fc.integer({ min: 1, max: 8 }), cpus: fc.constantFrom(0.1, 0.3, 0.7, 1.3, 2.9), role: fc.constantFrom('*', '*', 'r1'), durationMs: fc.constantFrom(undefined, 2000, 60_000) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 1000, 5000, 120_000) }),
  fc.record({ op: fc.constant('kill' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('drain' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('schedule' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('down' as const), pick: fc.nat() }),
);

// The replay's sampler keeps per-agent numbers as agents change; its samples must be the very
// floats sampleCluster gets by walking every agent (fractional cpus show any change of order).
describe('ClusterSampler', () => {
  it('samples exactly what sampleCluster samples', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const c = newCluster();
        const provider = new SimulatedProvider({
          cluster: c,
          groups: [{ name: 'g', template: { resources: { cpus: 4.5, mem: 8192, disk: 10000 } }, initial: 3, provisioningDelayMs: 60_000, deletionDelayMs: 30_000 }],
          // Some instances never join: paid, booting for ever (until deleted).
          faults: { neverJoinRate: 0.2 },
        });
        const sampler = new ClusterSampler(c, provider, ['g', 'none']);
        // Compacting at once: the sums must not move when empty slots go.
        const compacting = new CpuLedger(c, 0);
        const described = new Map<string, Instance>();
        let apps = 0;
        for (const o of ops) {
          const agents = [...c.agents()];
          switch (o.op) {
            case 'size':
              await provider.setDesiredSize(ref, o.n);
              break;
            case 'delete': {
              const i = pick(provider.instances('g'), o.pick);
              if (i) await provider.deleteInstances(ref, [i.id]);
              break;
            }
            case 'reserved':
              if (!c.agentByHostname(`node-${o.n}`)) c.addAgent(agentSpec(o.n, { resources: { cpus: 3.3, mem: 8192, disk: 1000 }, reservations: { r1: { cpus: o.cpus, mem: 512 } } }));
              break;
            case 'remove': {
              const a = pick(agents, o.pick);
              if (a) c.removeAgent(a.id);
              break;
            }
            case 'app':
              c.createApp({ id: `a${apps++}`, instances: o.instances, cpus: o.cpus, mem: 128, role: o.role, ...(o.durationMs ? { kind: 'batch' as const, durationMs: o.durationMs } : {}) });
              break;
            case 'advance':
              advance(c, o.ms);
              break;
            case 'kill':
              killOne(c, o.pick);
              break;
            case 'drain': {
              const a = pick(agents, o.pick);
              if (a) c.drainAgent(a.id, { maxGracePeriodNs: 1_000_000_000n });
              break;
            }
            case 'schedule': {
              const machines = [...new Set(o.picks.map((p) => pick(agents, p)).filter((a) => a !== undefined))].map((a) => ({ hostname: a.hostname, ip: a.ip }));
              c.updateMaintenanceSchedule(machines.length > 0 ? [{ machines, start: c.clock.now(), durationMs: 3_600_000 }] : []);
              break;
            }
            case 'down': {
              const w = c.maintenance.windows[0];
              const m = w ? pick(w.machines, o.pick) : undefined;
              if (m) c.startMaintenance([m]);
              break;
            }
          }
          const t = c.clock.now();
          const want = sampleCluster(c, provider, ['g', 'none'], t);
          const got = sampler.sample(t);
          expect(got).toStrictEqual(want);
          expect(Object.is(got.supply, want.supply) && Object.is(got.demand, want.demand)).toBe(true);
          const sums = compacting.sums();
          expect(Object.is(sums.supply, want.supply)).toBe(true);
          // Agents by state, as a walk over them counts them.
          const states = [...c.agents()].map((a) => agentState(a, c.isDraining(a)));
          expect(sums.agents).toEqual({ registered: states.length, draining: states.filter((x) => x === AgentState.DRAINING).length, idle: states.filter((x) => x === AgentState.IDLE).length });
          // The provider's nodes without an agent are the booting ones.
          const live = provider.instances('g').filter((i) => i.state !== 'deleting');
          expect(want.nodesByState?.booting).toBe(live.filter((i) => i.agentId === undefined).length);
          // The provider lists what it holds, keeping the objects of instances whose state held.
          const listed = (await provider.describe(ref)).instances;
          expect(listed).toEqual(provider.instances('g').map((i) => ({ id: i.id, hostname: i.hostname, privateIp: i.privateIp, state: i.state, createdAt: i.createdAt })));
          for (const i of listed) {
            const before = described.get(i.id);
            if (before !== undefined && before.state === i.state) expect(i).toBe(before);
            described.set(i.id, i);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('describes unchanged instances with the same objects, and the same list while none changed', async () => {
    const c = newCluster();
    const provider = new SimulatedProvider({ cluster: c, groups: [{ name: 'g', template: { resources: { cpus: 4 } }, initial: 2, provisioningDelayMs: 60_000 }] });
    const first = await provider.describe(ref);
    expect((await provider.describe(ref)).instances).toBe(first.instances);
    await provider.setDesiredSize(ref, 3);
    const grown = await provider.describe(ref);
    expect(grown.instances).toHaveLength(3);
    expect(grown.instances[0]).toBe(first.instances[0]);
    expect(grown.instances[2]?.state).toBe('creating');
    c.clock.advance(60_000);
    const joined = await provider.describe(ref);
    expect(joined.instances[2]?.state).toBe('running');
    expect(joined.instances[1]).toBe(first.instances[1]);
    expect(provider.liveCount('g')).toBe(3);
    await provider.setDesiredSize(ref, 1);
    expect(provider.liveCount('g')).toBe(1);
    expect((await provider.describe(ref)).instances.map((i) => i.state)).toEqual(['running']);
  });
});
