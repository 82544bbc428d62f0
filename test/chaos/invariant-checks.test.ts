import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { markedDurationNs } from '../../src/model/drain.js';
import { agentMachine } from '../../src/sim/cluster/cluster.js';
import { seededRandom } from '../../src/sim/cluster/ids.js';
import { ChaosDrainer } from '../../src/sim/chaos/chaos-drainer.js';
import { ChaosProvider } from '../../src/sim/chaos/chaos-provider.js';
import { checkCycle, openDrains } from '../../src/sim/chaos/invariants.js';
import { scanningDestination, secretNeedles } from '../../src/sim/chaos/output-scan.js';
import { CallGate, Life, Referee } from '../../src/sim/chaos/referee.js';
import { agentOfInstance } from '../../src/sim/chaos/truth.js';
import { buildWorld, CACHE_APP, chaosConfig, GROUP, type ChaosWorld } from '../../src/sim/chaos/world.js';
import { SimDrainer } from '../../src/sim/replay/in-process.js';

/** The checks are not vacuous: each one flags what it exists to catch. */
const ref = { name: GROUP, target: {} };

function setup(): { w: ChaosWorld; referee: Referee; provider: ChaosProvider; drainer: ChaosDrainer } {
  const w = buildWorld({ rand: seededRandom(3), seed: 3, mesosVersion: '1.9.0' });
  const referee = new Referee(3);
  const gate = new CallGate(referee, () => undefined);
  const life = new Life();
  return { w, referee, provider: new ChaosProvider(w, [], referee, gate, life), drainer: new ChaosDrainer(w, new SimDrainer(w.cluster), referee, gate, life, undefined) };
}

describe('chaos invariant checks', () => {
  it('flag a VM deleted while its agent still runs tasks', async () => {
    const { w, referee, provider } = setup();
    expect(w.cluster.createApp({ id: '/busy', instances: 20, cpus: 1, mem: 64 }).ok).toBe(true);
    w.clock.advance(5_000);
    const busy = w.provider.instances(GROUP).find((i) => (agentOfInstance(w, i)?.tasks.size ?? 0) > 0);
    expect(busy).toBeDefined();
    await provider.deleteInstances(ref, [busy?.id ?? '']);
    expect(referee.byInvariant['no-vm-deleted-under-tasks']).toBe(1);
  });

  it('flag a scale-up while booting instances already have room for all waiting work', async () => {
    const { w, referee, provider } = setup();
    const desired = (await w.provider.describe(ref)).desired;
    await w.provider.setDesiredSize(ref, desired + 2);
    await provider.setDesiredSize(ref, desired + 3);
    expect(referee.byInvariant['no-double-scale-up']).toBe(1);
  });

  it('judge the booting room by packing: five 3 GB instances do not fit two 8 GB nodes, four do', async () => {
    const { w, referee, provider } = setup();
    const desired = (await w.provider.describe(ref)).desired;
    await w.provider.setDesiredSize(ref, desired + 2);
    // Waiting for good (no agent matches the constraint): 15,360 MB against 16,384 MB booting.
    const nowhere = [{ field: 'hostname', operator: 'LIKE' as const, value: 'nowhere' }];
    expect(w.cluster.createApp({ id: '/mem', instances: 5, cpus: 0.25, mem: 3072, constraints: nowhere }).ok).toBe(true);
    w.clock.advance(5_000);
    await provider.setDesiredSize(ref, desired + 3);
    expect(referee.byInvariant['no-double-scale-up'] ?? 0).toBe(0);
    expect(w.cluster.scaleApp('/mem', 4).ok).toBe(true);
    await provider.setDesiredSize(ref, desired + 4);
    expect(referee.byInvariant['no-double-scale-up']).toBe(1);
  });

  it('make half the worlds memory-bound: a 3 GB app, groups tracking cpus and mem by the scarcest', () => {
    const kinds = Array.from({ length: 40 }, (_, i) => {
      const w = buildWorld({ rand: seededRandom(i), seed: i, mesosVersion: '1.9.0' });
      const cache = w.cluster.getApp(CACHE_APP.id);
      const config = chaosConfig(w, seededRandom(i), { mesosUser: 'u', mesosPassword: 'p', marathonToken: 't', serverToken: 's' }, { masters: ['http://m.invalid:5050'], marathon: 'http://mt.invalid:8080', timeoutMs: 1000 });
      for (const g of config.groups) {
        expect(g.resources).toEqual(w.memoryBound ? ['cpus', 'mem'] : ['cpus']);
        expect(g.scaleDown.load).toBe(w.memoryBound ? 'scarcest' : 'every');
      }
      expect(cache !== undefined).toBe(w.memoryBound);
      return w.memoryBound;
    });
    expect(kinds.filter(Boolean).length).toBeGreaterThan(10);
    expect(kinds.filter((k) => !k).length).toBeGreaterThan(10);
  });

  it("flag a drain of an outsider, of a protected agent and of an operator's machine", async () => {
    const { w, referee, drainer } = setup();
    const outsider = [...w.cluster.agents()].find((a) => w.foreignAgentIds.has(a.id));
    await drainer.start(agentMachine(outsider ?? { hostname: '', ip: '' }), w.clock.now());
    expect(w.cluster.createApp({ id: '/guarded', instances: 1, cpus: 0.1, mem: 16, labels: { 'mesos-autoscaler/protect': 'true' } }).ok).toBe(true);
    w.clock.advance(5_000);
    const guarded = [...w.cluster.agents()].find((a) => [...a.tasks.values()].some((t) => t.appId === '/guarded'));
    await drainer.drainAgent(guarded?.id ?? '', 60_000);
    const mine = w.provider.instances(GROUP).map((i) => agentOfInstance(w, i)).find((a) => a && !a.drain && a.id !== guarded?.id);
    const m = agentMachine(mine ?? { hostname: '', ip: '' });
    expect(w.cluster.updateMaintenanceSchedule([...w.cluster.maintenance.windows, { machines: [m], startNs: BigInt(w.clock.now() + 86_400_000) * 1_000_000n, durationNs: 3_600_000_000_000n }]).ok).toBe(true);
    await drainer.down(m).catch(() => undefined);
    expect(referee.byInvariant['no-protected-foreign-or-operator-agent-drained']).toBeGreaterThanOrEqual(3);
  });

  it('flag real agents below min, and a drain of ours left open', async () => {
    const { w, referee } = setup();
    for (const inst of w.provider.instances(GROUP)) {
      const a = agentOfInstance(w, inst);
      if (a) w.cluster.drainAgent(a.id, { maxGracePeriodNs: BigInt(markedDurationNs(1000)), markGone: false });
    }
    checkCycle(w, referee);
    expect(referee.byInvariant['agents-within-min-max']).toBe(1);
    expect(openDrains(w).length).toBe(w.provider.instances(GROUP).length);
  });

  it('flag a log line carrying basic-auth credentials in base64', () => {
    const referee = new Referee(1);
    const secrets = { mesosUser: 'u', mesosPassword: 'p4ss-w0rd-xyz', marathonToken: 'tok-abc-123', serverToken: 'srv-000-999' };
    const log = createLogger('info', scanningDestination(secretNeedles(secrets), () => referee.flag('no-secret-in-output', 'leak')));
    log.info({ body: `Authorization: Basic ${Buffer.from('u:p4ss-w0rd-xyz').toString('base64')}` }, 'quoted');
    log.info('nothing to see');
    expect(referee.byInvariant['no-secret-in-output']).toBe(1);
  });
});
