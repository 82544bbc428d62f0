import { afterEach, describe, expect, it } from 'vitest';
import { COMPUTE_BASE } from '../../support/fake-gce/index.js';
import { regional, startGceHarness, zonal, type GceHarness } from './helpers.js';

let h: GceHarness | undefined;
afterEach(async () => {
  await h?.provider.close();
  await h?.fake.close();
  h = undefined;
});

const url = (zone: string, name: string): string => `${COMPUTE_BASE}/projects/mesos-test-project/zones/${zone}/instances/${name}`;

describe('GceMigProvider against a local Compute API (real @google-cloud/compute on REST)', () => {
  it('reads targetSize and maps each managed instance to its URL, name, private IP and state', async () => {
    h = await startGceHarness();
    const state = await h.provider.describe(zonal());
    expect(state.desired).toBe(3);
    expect(state.instances.map(({ createdAt: _c, ...i }) => i)).toEqual([
      { id: url('us-central1-a', 'agents-0000'), hostname: 'agents-0000', privateIp: '10.1.0.4', state: 'running' },
      { id: url('us-central1-a', 'agents-0001'), hostname: 'agents-0001', privateIp: '10.1.0.5', state: 'running' },
      { id: url('us-central1-a', 'agents-0002'), hostname: 'agents-0002', privateIp: '10.1.0.6', state: 'running' },
    ]);
    expect(state.instances[0]?.createdAt).toBe(Date.parse('2026-01-01T08:00:00Z'));
    // Every call carried a JWT signed by the throwaway key, with the compute scope: no token host was asked.
    expect(h.fake.requests.length).toBe(5);
    expect(h.fake.requests.every((r) => r.claims?.scope?.includes('https://www.googleapis.com/auth/compute'))).toBe(true);
  });

  it('reports instances being created or deleted by the group as creating and deleting', async () => {
    h = await startGceHarness({
      migs: [
        {
          zone: 'us-central1-a',
          name: 'agents',
          targetSize: 4,
          instances: [
            { networkIP: '10.1.0.4', currentAction: 'CREATING', status: 'PROVISIONING' },
            { networkIP: '10.1.0.5', currentAction: 'DELETING', status: 'RUNNING' },
            { networkIP: '10.1.0.6', currentAction: 'NONE', status: 'STAGING' },
            { networkIP: '10.1.0.7', currentAction: 'NONE', status: 'RUNNING', hostname: 'agent-7.example.internal' },
          ],
        },
      ],
    });
    const state = await h.provider.describe(zonal());
    expect(state.instances.map((i) => i.state)).toEqual(['creating', 'deleting', 'creating', 'running']);
    expect(state.instances[3]?.hostname).toBe('agent-7.example.internal');
  });

  it('reports an instance the group keeps failing to create for lack of quota as failed', async () => {
    h = await startGceHarness({
      migs: [{ zone: 'us-central1-a', name: 'agents', targetSize: 2, instances: [{ networkIP: '10.1.0.4' }, { networkIP: '10.1.0.5', currentAction: 'CREATING', status: '', lastAttemptError: 'QUOTA_EXCEEDED' }] }],
    });
    const state = await h.provider.describe(zonal());
    expect(state.instances.map((i) => i.state)).toEqual(['running', 'failed']);
  });

  it('follows pages of managed instances', async () => {
    h = await startGceHarness({ migs: [{ zone: 'us-central1-a', name: 'agents', targetSize: 5 }], pageSize: 2 });
    const state = await h.provider.describe(zonal());
    expect(state.instances).toHaveLength(5);
    expect(h.fake.calls('POST').filter((r) => r.path.endsWith('/listManagedInstances'))).toHaveLength(3);
  });

  it('reads a regional group, its instances spread over zones', async () => {
    h = await startGceHarness({ migs: [{ region: 'us-central1', name: 'agents', instances: ['10.2.0.4', '10.2.0.5'] }] });
    const state = await h.provider.describe(regional());
    expect(state.instances.map((i) => [i.id, i.privateIp])).toEqual([
      [url('us-central1-a', 'agents-0000'), '10.2.0.4'],
      [url('us-central1-b', 'agents-0001'), '10.2.0.5'],
    ]);
    expect(h.fake.calls('GET')[0]?.path).toBe('/compute/v1/projects/mesos-test-project/regions/us-central1/instanceGroupManagers/agents');
  });

  it('resizes with the size and a request id, and waits for the operation', async () => {
    h = await startGceHarness({ opPolls: 2 });
    await h.provider.setDesiredSize(zonal(), 5);
    const resizes = h.fake.calls('POST').filter((r) => r.path.endsWith('/resize'));
    expect(resizes).toHaveLength(1);
    expect(resizes[0]?.query['size']).toBe('5');
    expect(resizes[0]?.query['requestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.fake.requests.filter((r) => r.path.endsWith('/wait'))).toHaveLength(3);
    expect(h.fake.state.mig('agents').targetSize).toBe(5);
    expect((await h.provider.describe(zonal())).desired).toBe(5);
  });

  it('resizes a regional group through the region operation', async () => {
    h = await startGceHarness({ migs: [{ region: 'us-central1', name: 'agents', targetSize: 2 }] });
    await h.provider.setDesiredSize(regional(), 3);
    expect(h.fake.requests.some((r) => /\/regions\/us-central1\/operations\/[^/]+\/wait$/.test(r.path))).toBe(true);
    expect(h.fake.state.mig('agents').instances).toHaveLength(3);
  });

  it('deletes exactly the given instance URLs, which lowers the target size', async () => {
    h = await startGceHarness({ migs: [{ zone: 'us-central1-a', name: 'agents', targetSize: 5 }] });
    await h.provider.deleteInstances(zonal(), [url('us-central1-a', 'agents-0003'), url('us-central1-a', 'agents-0001')]);
    const posts = h.fake.calls('POST').filter((r) => r.path.endsWith('/deleteInstances'));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({ instances: [url('us-central1-a', 'agents-0003'), url('us-central1-a', 'agents-0001')], skipInstancesOnValidationError: false });
    expect(h.fake.calls('POST').some((r) => r.path.endsWith('/resize'))).toBe(false);
    const mig = h.fake.state.mig('agents');
    expect(mig.instances.map((i) => i.name)).toEqual(['agents-0000', 'agents-0002', 'agents-0004']);
    expect(mig.targetSize).toBe(3);
  });

  it('takes a repeated delete of an instance already gone as done, without asking again', async () => {
    h = await startGceHarness({ migs: [{ zone: 'us-central1-a', name: 'agents', targetSize: 4 }] });
    const gone = url('us-central1-a', 'agents-0002');
    await h.provider.deleteInstances(zonal(), [gone]);
    await h.provider.deleteInstances(zonal(), [gone]);
    expect(h.fake.calls('POST').filter((r) => r.path.endsWith('/deleteInstances'))).toHaveLength(1);
    expect(h.fake.state.mig('agents').targetSize).toBe(3);
  });

  it('refuses ids that are not instance URLs and a size that is not a whole number, without calling the API', async () => {
    h = await startGceHarness();
    await expect(h.provider.deleteInstances(zonal(), ['agents-0001'])).rejects.toMatchObject({ name: 'ProviderError', kind: 'invalid' });
    await expect(h.provider.setDesiredSize(zonal(), -1)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(h.provider.setDesiredSize(zonal(), 1.5)).rejects.toMatchObject({ kind: 'invalid' });
    await h.provider.deleteInstances(zonal(), []);
    expect(h.fake.requests).toHaveLength(0);
  });
});
