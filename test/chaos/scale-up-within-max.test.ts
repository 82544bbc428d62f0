import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { SimulatedProvider } from '../../src/providers/simulated/simulated-provider.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { simController } from '../support/sim-controller.js';

/**
 * Found by the chaos suite (seed 1): a scale-up planned in the same cycle as the deletion of a
 * drained VM was sized from the cloud's desired size before that deletion (which lowers it), and
 * counted drained VMs' slots on top of max: the group held more instances than its max.
 */
describe('a scale-up while drains of ours are still finishing', () => {
  it('never asks the cloud for more instances than the group max', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const cluster = new SimCluster({ clock, mesosVersion: '1.9.0', defaultStartupMs: 0 });
    const provider = new SimulatedProvider({
      cluster,
      groups: [{ name: 'pool', template: { resources: { cpus: 4, mem: 8192 }, attributes: { 'node-group': 'pool' } }, initial: 4, provisioningDelayMs: 120_000, hostnamePrefix: 'agent' }],
    });
    const config = validateConfig({
      mesos: { masters: ['http://master.invalid:5050'] },
      groups: [
        {
          name: 'pool',
          selector: { 'node-group': 'pool' },
          min: 1,
          max: 5,
          template: { cpus: 4, mem: 8192 },
          provider: { kind: 'simulated' },
          scaleDownStep: 3,
          scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 3, drainTimeout: 300 },
        },
      ],
    });
    const controller = simController(cluster, provider, config, clock);
    const live = () => provider.instances('pool').filter((i) => i.state !== 'deleting').length;

    // Idle: three of the four agents are drained (DRAIN_AGENT) in one cycle.
    await controller.cycle();
    clock.advance(60_000);
    // Then a burst of work that needs every node the group may have.
    expect(cluster.createApp({ id: '/web', instances: 20, cpus: 1, mem: 1024 }).ok).toBe(true);
    clock.advance(5_000);
    for (let i = 0; i < 6; i++) {
      await controller.cycle();
      expect(live(), `after cycle ${i + 2}`).toBeLessThanOrEqual(5);
      expect((await provider.describe({ name: 'pool', target: {} })).desired).toBeLessThanOrEqual(5);
      clock.advance(60_000);
    }
  });
});
