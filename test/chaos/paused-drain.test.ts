import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { isMarked } from '../../src/model/drain.js';
import { SimulatedProvider } from '../../src/providers/simulated/simulated-provider.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { simController } from '../support/sim-controller.js';

/**
 * Found by the chaos suite (seed 8, episode 1): once a drained VM was deleted, its drain no longer
 * belonged to any group, so it was finished (machine/up, window cleared) while its group was paused,
 * though a paused group makes no move (docs/scale-down.md).
 */
describe('a paused group', () => {
  it('does not finish a drain whose VM is already deleted until it is resumed', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const cluster = new SimCluster({ clock, mesosVersion: '1.7.2' });
    const provider = new SimulatedProvider({ cluster, groups: [{ name: 'pool', template: { resources: { cpus: 4, mem: 8192 }, attributes: { 'node-group': 'pool' } }, initial: 3, hostnamePrefix: 'agent' }] });
    const config = validateConfig({
      mesos: { masters: ['http://master.invalid:5050'] },
      groups: [{ name: 'pool', selector: { 'node-group': 'pool' }, min: 2, max: 5, template: { cpus: 4, mem: 8192 }, provider: { kind: 'simulated' }, scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 1, drainTimeout: 300 } }],
    });
    const controller = simController(cluster, provider, config, clock);
    const ours = () => cluster.maintenance.windows.filter((w) => isMarked(w.durationNs?.toString())).length;

    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      kinds.push(...(await controller.cycle()).actions.map((a) => a.kind));
      clock.advance(60_000);
    }
    // drain, machine down, delete: the VM is gone, our window is left to clear.
    expect(kinds).toEqual(['drain', 'down', 'delete']);
    expect(ours()).toBe(1);
    controller.setPaused('pool', true);
    const paused = await controller.cycle();
    expect(paused.actions).toEqual([]);
    expect(ours()).toBe(1);
    controller.setPaused('pool', false);
    clock.advance(60_000);
    expect((await controller.cycle()).actions.map((a) => a.kind)).toEqual(['finish']);
    expect(ours()).toBe(0);
  });
});
