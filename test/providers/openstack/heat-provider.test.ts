import { afterEach, describe, expect, it } from 'vitest';
import { AC_SECRET, heatGroup, openrc, startOsHarness, type OsHarness } from './helpers.js';

let h: OsHarness | undefined;
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
});

describe('OpenStackHeatProvider against a local Keystone, Heat and Nova', () => {
  it('reads the count parameter and each member with its server name, fixed IP and state', async () => {
    h = await startOsHarness();
    const state = await h.provider.describe(heatGroup());
    expect(state.desired).toBe(3);
    expect(state.instances.map(({ createdAt: _c, ...i }) => i)).toEqual([
      { id: '0', hostname: 'mesos-agents-0-agent', privateIp: '10.1.0.4', state: 'running' },
      { id: '1', hostname: 'mesos-agents-1-agent', privateIp: '10.1.0.5', state: 'running' },
      { id: '2', hostname: 'mesos-agents-2-agent', privateIp: '10.1.0.6', state: 'running' },
    ]);
    // One token, from a password-scoped Keystone v3 request; Heat found through its 302; nested resources listed.
    expect(h.fake.calls('identity')).toHaveLength(1);
    expect(h.fake.calls('orchestration', 'GET').map((r) => r.path.replace(/[0-9a-f-]{36}/g, 'ID'))).toEqual([
      '/heat/v1/4f2c7d7a1c0e4b4b9a5c3a6e2d1b0f99/stacks/mesos',
      '/heat/v1/4f2c7d7a1c0e4b4b9a5c3a6e2d1b0f99/stacks/mesos/ID',
      '/heat/v1/4f2c7d7a1c0e4b4b9a5c3a6e2d1b0f99/stacks/mesos/ID/resources',
    ]);
    expect(h.fake.calls('orchestration').at(-1)?.query['nested_depth']).toBe('2');
  });

  it('finds the servers of members that are a nested template, and authenticates with an application credential', async () => {
    h = await startOsHarness({ stacks: [{ ips: ['10.1.0.4', '10.1.0.5'], memberTemplate: true }] }, {}, (fake) => ({
      OS_AUTH_URL: fake.authUrl,
      OS_APPLICATION_CREDENTIAL_ID: 'ac-1',
      OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET,
      OS_REGION_NAME: fake.region,
    }));
    const state = await h.provider.describe(heatGroup());
    expect(state.instances.map((i) => [i.id, i.privateIp, i.state])).toEqual([
      ['0', '10.1.0.4', 'running'],
      ['1', '10.1.0.5', 'running'],
    ]);
  });

  it('reports members being created or deleted as such', async () => {
    h = await startOsHarness();
    const s = h.fake.stack();
    const [m0, m1] = s.members;
    if (!m0 || !m1) throw new Error('members');
    m0.status = 'CREATE_IN_PROGRESS';
    m1.status = 'DELETE_IN_PROGRESS';
    const building = s.servers.get(s.members[2]?.serverId ?? '');
    if (building) building.status = 'BUILD';
    const state = await h.provider.describe(heatGroup());
    expect(state.instances.map((i) => i.state)).toEqual(['creating', 'deleting', 'creating']);
  });

  it('sets the count by a PATCH of that parameter alone and waits for the update', async () => {
    h = await startOsHarness({ updatePolls: 2 });
    await h.provider.setDesiredSize(heatGroup(), 5);
    const patches = h.fake.calls('orchestration', 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.body).toEqual({ parameters: { agent_count: 5 } });
    expect(h.fake.stack().status).toBe('UPDATE_COMPLETE');
    expect(h.fake.stack().members).toHaveLength(5);
    expect((await h.provider.describe(heatGroup())).desired).toBe(5);
  });

  it('waits for its own update when the engine starts it late, not taking the previous state for its end', async () => {
    h = await startOsHarness({ startLag: 2, updatePolls: 1 });
    await h.provider.setDesiredSize(heatGroup(), 5);
    expect(h.fake.stack().status).toBe('UPDATE_COMPLETE');
    await h.provider.setDesiredSize(heatGroup(), 4);
    expect(h.fake.stack().members).toHaveLength(4);
    expect((await h.provider.describe(heatGroup())).desired).toBe(4);
  });

  it('removes exactly the given member by lowering the count with removal_policies', async () => {
    h = await startOsHarness({ stacks: [{ ips: ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7', '10.1.0.8'] }] });
    await h.provider.deleteInstances(heatGroup(), ['1']);
    const patches = h.fake.calls('orchestration', 'PATCH');
    expect(patches.map((p) => p.body)).toEqual([{ parameters: { agent_count: 4, removal_policies: [{ resource_list: ['1'] }] } }]);
    const s = h.fake.stack();
    expect(s.members.map((m) => m.name)).toEqual(['0', '2', '3', '4']);
    const state = await h.provider.describe(heatGroup());
    expect(state.desired).toBe(4);
    expect(state.instances.map((i) => i.privateIp)).toEqual(['10.1.0.4', '10.1.0.6', '10.1.0.7', '10.1.0.8']);
  });

  it('takes a repeated removal of a member already removed as done, without another update', async () => {
    h = await startOsHarness({ stacks: [{ ips: ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7'] }] });
    await h.provider.deleteInstances(heatGroup(), ['2']);
    await h.provider.deleteInstances(heatGroup(), ['2']);
    expect(h.fake.calls('orchestration', 'PATCH')).toHaveLength(1);
    expect(h.fake.stack().members.map((m) => m.name)).toEqual(['0', '1', '3']);
  });

  it('refuses a member the group does not have, and a size that is not a whole number, changing nothing', async () => {
    h = await startOsHarness();
    await expect(h.provider.deleteInstances(heatGroup(), ['7'])).rejects.toMatchObject({ name: 'ProviderError', kind: 'invalid' });
    await expect(h.provider.setDesiredSize(heatGroup(), -2)).rejects.toMatchObject({ kind: 'invalid' });
    await h.provider.deleteInstances(heatGroup(), []);
    expect(h.fake.calls('orchestration', 'PATCH')).toHaveLength(0);
  });

  it('uses the endpoints of OS_REGION_NAME from the catalog', async () => {
    h = await startOsHarness({}, {}, (fake) => ({ ...openrc(fake), OS_REGION_NAME: 'Nowhere' }));
    await expect(h.provider.describe(heatGroup())).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('no orchestration endpoint for interface public, region Nowhere') });
  });
});
