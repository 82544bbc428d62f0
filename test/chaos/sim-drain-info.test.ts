import { describe, expect, it } from 'vitest';
import { markedDurationNs } from '../../src/model/drain.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { modelAgent } from '../../src/sim/cluster/model-view.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { AgentModeler } from '../../src/sim/replay/agent-model.js';

/**
 * Found by the chaos suite: the simulator's in-process agents had no `drain_info`, so a DRAIN_AGENT
 * drain of ours (the default on the simulator's Mesos 1.9) was invisible to the step: never counted
 * against maxParallel, never carried to its VM's deletion, the VM kept forever.
 */
describe('in-process agent models', () => {
  const setup = () => {
    const cluster = new SimCluster({ clock: new VirtualClock(Date.UTC(2026, 0, 1)), mesosVersion: '1.9.0' });
    const a = cluster.addAgent({ hostname: 'a1', ip: '10.0.0.1', resources: { cpus: 4, mem: 4096 } });
    const grace = markedDurationNs(300_000);
    const r = cluster.drainAgent(a.id, { maxGracePeriodNs: BigInt(grace), markGone: false });
    expect(r.ok).toBe(true);
    return { cluster, a, grace };
  };

  it('carry drain_info with the grace period exactly as posted, as GET_STATE does', () => {
    const { cluster, a, grace } = setup();
    expect(modelAgent(cluster, a).drainInfo).toEqual({ state: 'DRAINED', maxGracePeriodNs: grace });
    expect(new AgentModeler(cluster).model(a).drainInfo).toEqual({ state: 'DRAINED', maxGracePeriodNs: grace });
  });

  it('carry no drain_info for an agent nobody drained', () => {
    const cluster = new SimCluster({ clock: new VirtualClock(Date.UTC(2026, 0, 1)) });
    const a = cluster.addAgent({ hostname: 'a1', ip: '10.0.0.1', resources: { cpus: 4, mem: 4096 } });
    expect(modelAgent(cluster, a).drainInfo).toBeUndefined();
    expect(new AgentModeler(cluster).model(a).drainInfo).toBeUndefined();
  });
});
