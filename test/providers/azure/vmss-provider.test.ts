import { afterEach, describe, expect, it } from 'vitest';
import { group, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
});

describe('AzureVmssProvider against a fake ARM over HTTPS (real SDK)', () => {
  it('reads the desired size from sku.capacity', async () => {
    h = await startHarness({ vmss: [{ resourceGroup: 'rg-mesos', name: 'agents', capacity: 4 }] });
    const state = await h.provider.describe(group());
    expect(state.desired).toBe(4);
    expect(state.instances).toHaveLength(4);
    // The SDK authenticated with the service principal against the fake authority, for the ARM audience.
    expect(h.fake.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(h.fake.tokenRequests.every((t) => t.granted && t.clientId === h?.settings.clientId)).toBe(true);
    expect(h.fake.tokenRequests[0]?.scope).toContain(`${h.fake.armEndpoint}/.default`);
    expect([...h.fake.apiVersions]).toContain('2026-03-01');
  });

  it('maps each VM to an instance: id, computer name, private IP, state', async () => {
    h = await startHarness({
      vmss: [
        {
          resourceGroup: 'rg-mesos',
          name: 'agents',
          capacity: 4,
          vms: [
            { instanceId: '3', computerName: 'agents000003', privateIp: '10.1.0.7', provisioningState: 'Succeeded' },
            { instanceId: '7', computerName: 'agents000007', privateIp: '10.1.0.8', provisioningState: 'Creating' },
            { instanceId: '8', computerName: 'agents000008', privateIp: '10.1.0.9', provisioningState: 'Deleting' },
            { instanceId: '9', computerName: 'agents000009', privateIp: null, provisioningState: 'Failed' },
          ],
        },
      ],
    });
    const state = await h.provider.describe(group());
    expect(state.instances.map(({ createdAt: _c, ...i }) => i)).toEqual([
      { id: '3', hostname: 'agents000003', privateIp: '10.1.0.7', state: 'running' },
      { id: '7', hostname: 'agents000007', privateIp: '10.1.0.8', state: 'creating' },
      { id: '8', hostname: 'agents000008', privateIp: '10.1.0.9', state: 'deleting' },
      { id: '9', hostname: 'agents000009', state: 'failed' },
    ]);
    expect(state.instances[0]?.createdAt).toBe(Date.UTC(2026, 0, 1));
    // The VM list was asked with the instance view expanded.
    const list = h.fake.armCalls('GET').find((r) => r.path.endsWith('/virtualMachines'));
    expect(list?.query['$expand']).toBe('instanceView');
  });

  it('follows nextLink pages of VMs and NICs', async () => {
    h = await startHarness({ vmss: [{ resourceGroup: 'rg-mesos', name: 'agents', capacity: 5 }], pageSize: 2 });
    const state = await h.provider.describe(group());
    expect(state.instances.map((i) => i.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(state.instances.every((i) => i.privateIp !== undefined)).toBe(true);
    expect(h.fake.armCalls('GET').filter((r) => r.path.endsWith('/virtualMachines'))).toHaveLength(3);
  });

  it('resolves the resource group from azure.resourceGroup when the target has none', async () => {
    h = await startHarness();
    const state = await h.provider.describe({ name: 'private', target: { vmssName: 'agents' } });
    expect(state.desired).toBe(3);
  });

  it('PATCHes only sku.capacity and waits for the operation', async () => {
    h = await startHarness({ lroPolls: 2 });
    await h.provider.setDesiredSize(group(), 5);
    const writes = h.fake.armCalls().filter((r) => r.method !== 'GET');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.method).toBe('PATCH');
    expect(writes[0]?.path).toMatch(/\/resourceGroups\/rg-mesos\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/agents$/);
    expect(writes[0]?.body).toEqual({ sku: { capacity: 5 } });
    // Never a full PUT of the model.
    expect(h.fake.requests.some((r) => r.method === 'PUT')).toBe(false);
    // The poller followed Azure-AsyncOperation until Succeeded: new VMs are done, not Creating.
    const polls = h.fake.requests.filter((r) => r.path.includes('/operations/'));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const vmss = h.fake.state.vmss('rg-mesos', 'agents');
    expect(vmss.capacity).toBe(5);
    expect(vmss.vms.map((v) => v.provisioningState)).toEqual(Array(5).fill('Succeeded'));
    const after = await h.provider.describe(group());
    expect(after.desired).toBe(5);
  });

  it('rejects a size that is not a whole number without calling Azure', async () => {
    h = await startHarness();
    await expect(h.provider.setDesiredSize(group(), -1)).rejects.toMatchObject({ name: 'ProviderError', kind: 'invalid' });
    await expect(h.provider.setDesiredSize(group(), 2.5)).rejects.toMatchObject({ kind: 'invalid' });
    expect(h.fake.armCalls()).toHaveLength(0);
  });

  it('deletes exactly the given instance ids, which lowers the capacity', async () => {
    h = await startHarness({ vmss: [{ resourceGroup: 'rg-mesos', name: 'agents', capacity: 5 }] });
    await h.provider.deleteInstances(group(), ['3', '1']);
    const posts = h.fake.armCalls('POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.path).toMatch(/\/virtualMachineScaleSets\/agents\/delete$/);
    expect(posts[0]?.body).toEqual({ instanceIds: ['3', '1'] });
    expect(h.fake.armCalls().filter((r) => r.method !== 'GET' && r.method !== 'POST')).toHaveLength(0);
    const vmss = h.fake.state.vmss('rg-mesos', 'agents');
    expect(vmss.vms.map((v) => v.instanceId)).toEqual(['0', '2', '4']);
    expect(vmss.capacity).toBe(3);
  });

  it('does nothing for an empty delete list', async () => {
    h = await startHarness();
    await h.provider.deleteInstances(group(), []);
    expect(h.fake.armCalls()).toHaveLength(0);
  });

  it('reports an unknown scale set as not-found', async () => {
    h = await startHarness();
    const e = await h.provider.describe(group('nope')).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ProviderError', kind: 'not-found', retryable: false });
    expect((e as Error).message).toContain('rg-mesos/nope');
    expect((e as Error).message).toContain('ResourceNotFound');
  });

  it('reports deleting an instance id the scale set does not have as invalid', async () => {
    h = await startHarness();
    await expect(h.provider.deleteInstances(group(), ['42'])).rejects.toMatchObject({ kind: 'invalid', retryable: false });
    expect(h.fake.state.vmss('rg-mesos', 'agents').vms).toHaveLength(3);
  });
});
