import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { Controller } from '../../src/controller/controller.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import { SimulatedProvider } from '../../src/providers/simulated/simulated-provider.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { SimAgentSource, SimDrainer, simPendingSource } from '../../src/sim/replay/in-process.js';
import { createLogger } from '../../src/util/logger.js';

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
    const source = new SimAgentSource(cluster);
    const agents = { getAgents: () => (source.markAllDirty(), source.getAgents()) };
    const drainer = new SimDrainer(cluster, () => source.markAllDirty());
    const bindings = new Map([['pool', { provider, ref: { name: 'pool', target: {} } }]]);
    const logger = createLogger('silent');
    const observer = new LiveObserver({ agents, bindings, pending: simPendingSource(cluster), drainer, logger });
    const controller = new Controller({ config, observer, bindings, clock, logger, drainer, retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } });
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
