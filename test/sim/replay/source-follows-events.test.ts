import { describe, expect, it } from 'vitest';
import { SimCluster } from '../../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../../src/sim/cluster/virtual-clock.js';
import { SimAgentSource } from '../../../src/sim/replay/in-process.js';

/** The in-process agent source rebuilds only agents it is told changed; `follow` tells it. */
describe('SimAgentSource.follow', () => {
  const setup = () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const cluster = new SimCluster({ clock, seed: 1, allocationIntervalMs: 1000, defaultStartupMs: 0 });
    const agent = cluster.addAgent({ hostname: 'a1', ip: '10.0.0.1', resources: { cpus: 4, mem: 8192, disk: 1000 } });
    return { clock, cluster, agent };
  };
  const tasksOf = async (source: SimAgentSource): Promise<number> => {
    const r = await source.getAgents();
    if (!r.ok) throw new Error('read failed');
    return r.value.agents[0]?.tasks.length ?? -1;
  };

  it('sees tasks start and end, and a drain finish, on an agent it has read before', async () => {
    const { clock, cluster, agent } = setup();
    const source = new SimAgentSource(cluster);
    const unfollow = source.follow();
    expect(await tasksOf(source)).toBe(0);
    expect(cluster.createApp({ id: '/web', instances: 2, cpus: 1, mem: 128 }).ok).toBe(true);
    clock.advance(2_000);
    expect(await tasksOf(source)).toBe(2);
    expect(cluster.drainAgent(agent.id, { maxGracePeriodNs: 1_000_000_000n }).ok).toBe(true);
    clock.advance(2_000);
    const r = await source.getAgents();
    if (!r.ok) throw new Error('read failed');
    expect(r.value.agents[0]?.tasks).toEqual([]);
    expect(r.value.agents[0]?.drainInfo?.state).toBe('DRAINED');
    unfollow();
  });

  it('stops following once told to', async () => {
    const { clock, cluster } = setup();
    const source = new SimAgentSource(cluster);
    const unfollow = source.follow();
    expect(await tasksOf(source)).toBe(0);
    unfollow();
    expect(cluster.events.hasListeners).toBe(false);
    expect(cluster.createApp({ id: '/web', instances: 1, cpus: 1, mem: 128 }).ok).toBe(true);
    clock.advance(2_000);
    // Not told: the model of the first read stands (what the chaos harness once ran on).
    expect(await tasksOf(source)).toBe(0);
  });
});
