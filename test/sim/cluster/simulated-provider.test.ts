import { describe, expect, it } from 'vitest';
import { ProviderError, type NodeGroupRef } from '../../../src/providers/provider.js';
import { SimulatedProvider } from '../../../src/providers/simulated/simulated-provider.js';
import { hostsOf, newCluster } from './helpers.js';

const ref: NodeGroupRef = { name: 'stateless', target: {} };

function setup(extra: Partial<ConstructorParameters<typeof SimulatedProvider>[0]> = {}) {
  const cluster = newCluster();
  const provider = new SimulatedProvider({
    cluster,
    groups: [
      {
        name: 'stateless',
        template: { resources: { cpus: 2, mem: 4096, disk: 1000 }, attributes: { workload: 'stateless' } },
        min: 0,
        max: 10,
        initial: 2,
        provisioningDelayMs: 120_000,
      },
    ],
    ...extra,
  });
  return { cluster, provider };
}

describe('SimulatedProvider', () => {
  it('starts with registered initial instances whose hostname and IP match the agents', async () => {
    const { cluster, provider } = setup();
    const state = await provider.describe(ref);
    expect(state).toMatchObject({ min: 0, max: 10, desired: 2 });
    expect(state.instances.map((i) => i.state)).toEqual(['running', 'running']);
    for (const i of state.instances) {
      const agent = cluster.agentByHostname(i.hostname ?? '');
      expect(agent?.ip).toBe(i.privateIp);
      expect(agent?.attributes).toEqual({ workload: 'stateless' });
    }
  });

  it('registers new instances only after the provisioning delay, in virtual time', async () => {
    const { cluster, provider } = setup();
    await provider.setDesiredSize(ref, 4);
    let state = await provider.describe(ref);
    expect(state.desired).toBe(4);
    expect(state.instances.filter((i) => i.state === 'creating')).toHaveLength(2);
    expect(cluster.agentCount).toBe(2);
    cluster.clock.advance(119_999);
    expect(cluster.agentCount).toBe(2);
    cluster.clock.advance(1);
    expect(cluster.agentCount).toBe(4);
    state = await provider.describe(ref);
    expect(state.instances.every((i) => i.state === 'running')).toBe(true);
  });

  it('removes newest instances first when the desired size drops', async () => {
    const { cluster, provider } = setup();
    await provider.setDesiredSize(ref, 3);
    cluster.clock.advance(120_000);
    await provider.setDesiredSize(ref, 1);
    const state = await provider.describe(ref);
    expect(state.instances.map((i) => i.id)).toEqual(['stateless-000000']);
    expect(cluster.agentCount).toBe(1);
  });

  it('deletes exactly the named instances, lowering the desired size and requeueing their services', async () => {
    const { cluster, provider } = setup();
    cluster.createApp({ id: 'web', instances: 2, cpus: 2, mem: 10 });
    cluster.clock.advance(2000);
    expect(hostsOf(cluster, '/web').sort()).toEqual(['stateless-000000', 'stateless-000001']);
    await provider.deleteInstances(ref, ['stateless-000000']);
    const state = await provider.describe(ref);
    expect(state.desired).toBe(1);
    expect(state.instances.map((i) => i.id)).toEqual(['stateless-000001']);
    const app = cluster.getApp('/web');
    expect(app && cluster.waitingCount(app)).toBe(1);
    await expect(provider.deleteInstances(ref, ['nope'])).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('enforces the cloud limits', async () => {
    const { provider } = setup();
    await expect(provider.setDesiredSize(ref, 11)).rejects.toBeInstanceOf(ProviderError);
  });

  it('injects instances that never join, API errors and throttling', async () => {
    const { cluster, provider } = setup({ faults: { neverJoin: 1, throttle: { maxCalls: 3, windowMs: 10_000 } } });
    await provider.setDesiredSize(ref, 4);
    cluster.clock.advance(120_000);
    expect(cluster.agentCount).toBe(3);
    const state = await provider.describe(ref);
    expect(state.instances).toHaveLength(4);
    // The setDesiredSize call has left the 10 s window; these are calls 2 and 3 within it.
    await provider.describe(ref);
    await provider.describe(ref);
    await expect(provider.describe(ref)).rejects.toMatchObject({ kind: 'throttled', retryable: true });
    cluster.clock.advance(10_000);
    provider.faults.failNext(new ProviderError('boom', 'unavailable', true));
    await expect(provider.describe(ref)).rejects.toThrow('boom');
    await expect(provider.describe(ref)).resolves.toMatchObject({ desired: 4 });
  });
});
