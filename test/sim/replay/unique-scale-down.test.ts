import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load.js';
import { SimulatedProvider } from '../../../src/providers/simulated/simulated-provider.js';
import { SimCluster } from '../../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../../src/sim/cluster/virtual-clock.js';
import { simPendingSource } from '../../../src/sim/replay/in-process.js';
import { simController } from '../../support/sim-controller.js';

const UNIQUE = [{ field: 'hostname', operator: 'UNIQUE' as const }];

/**
 * Found on the generated week with seed 2: the in-process launch queue gave the observer no app
 * constraints (the Marathon source reads them from /v2/apps), so scale-down took a UNIQUE app's
 * running instances for movable, drained the nodes holding them, and bought nodes again for the
 * instances that could go nowhere: 25,010 drains in a week, against 3,209 with them.
 */
describe('the simulator hands scale-down the constraints of running apps', () => {
  const setup = () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const cluster = new SimCluster({ clock, mesosVersion: '1.7.2' });
    const provider = new SimulatedProvider({ cluster, groups: [{ name: 'pool', template: { resources: { cpus: 4, mem: 8192 }, attributes: { 'node-group': 'pool' } }, initial: 4, hostnamePrefix: 'agent' }] });
    return { clock, cluster, provider };
  };

  it('appConstraints lists every constrained app, the same map while they stay the same', async () => {
    const { clock, cluster } = setup();
    const source = simPendingSource(cluster);
    expect(cluster.createApp({ id: '/daemon', instances: 4, cpus: 0.1, mem: 64, constraints: UNIQUE }).ok).toBe(true);
    expect(cluster.createApp({ id: '/web', instances: 2, cpus: 0.5, mem: 128 }).ok).toBe(true);
    clock.advance(5_000);
    const first = await source.getQueue();
    const second = await source.getQueue();
    if (!first.ok || !second.ok) throw new Error('queue read failed');
    expect([...(first.value.appConstraints ?? new Map())]).toEqual([['/daemon', UNIQUE]]);
    expect(second.value.appConstraints).toBe(first.value.appConstraints);
    cluster.deleteApp('/daemon');
    const third = await source.getQueue();
    if (!third.ok) throw new Error('queue read failed');
    expect(third.value.appConstraints?.size).toBe(0);
  });

  it('never drains a node whose UNIQUE instance has nowhere else to go', async () => {
    const { clock, cluster, provider } = setup();
    expect(cluster.createApp({ id: '/daemon', instances: 4, cpus: 0.1, mem: 64, constraints: UNIQUE }).ok).toBe(true);
    clock.advance(5_000);
    expect([...cluster.agents()].every((a) => a.tasks.size === 1)).toBe(true);
    const config = validateConfig({
      mesos: { masters: ['http://master.invalid:5050'] },
      groups: [{ name: 'pool', selector: { 'node-group': 'pool' }, min: 1, max: 8, template: { cpus: 4, mem: 8192 }, provider: { kind: 'simulated' }, policies: ['threshold', 'pending'], scaleDownCap: 50, scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 4, drainTimeout: 60 } }],
    });
    const controller = simController(cluster, provider, config, clock);
    const reasons: string[] = [];
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await controller.cycle();
      kinds.push(...r.actions.map((a) => a.kind));
      reasons.push(...(r.plan?.groups[0]?.reasons ?? []));
      clock.advance(60_000);
    }
    // 1 % of the cpus in use wants one node, but each node's daemon instance fits no other node.
    expect(kinds).toEqual([]);
    expect(reasons.join('\n')).toMatch(/would not fit on the other agents/);
    expect([...cluster.agents()].filter((a) => a.tasks.size === 1)).toHaveLength(4);
  });
});
