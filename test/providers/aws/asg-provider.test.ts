import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCESS_KEY_ID, group, startHarness, stubAwsEnv, type Harness } from './helpers.js';
import { startFakeAws, type FakeAws } from '../../support/fake-aws/index.js';

let h: Harness | undefined;
let extra: FakeAws[] = [];
afterEach(async () => {
  await h?.fake.close();
  for (const f of extra) await f.close();
  h = undefined;
  extra = [];
  vi.unstubAllEnvs();
});

describe('AwsAsgProvider against a local AWS Query API (real SDK)', () => {
  it('reads desired, min and max from DescribeAutoScalingGroups and addresses from DescribeInstances', async () => {
    h = await startHarness({
      groups: [{ name: 'mesos-agents', min: 1, max: 8, desired: 3, instances: [{ privateIp: '10.0.1.10' }, { privateIp: '10.0.1.11' }, { privateIp: '10.0.1.12' }] }],
    });
    const state = await h.provider.describe(group());
    expect(state).toMatchObject({ desired: 3, min: 1, max: 8 });
    const ids = h.fake.state.group('mesos-agents').instances.map((i) => i.id);
    expect(state.instances).toEqual([
      { id: ids[0], hostname: 'ip-10-0-1-10.ec2.internal', privateIp: '10.0.1.10', state: 'running', createdAt: Date.UTC(2026, 0, 1) },
      { id: ids[1], hostname: 'ip-10-0-1-11.ec2.internal', privateIp: '10.0.1.11', state: 'running', createdAt: Date.UTC(2026, 0, 1) },
      { id: ids[2], hostname: 'ip-10-0-1-12.ec2.internal', privateIp: '10.0.1.12', state: 'running', createdAt: Date.UTC(2026, 0, 1) },
    ]);
    // Signed by the SDK with the key from the environment, for the right service and region.
    const [asgCall, ec2Call] = [h.fake.callsOf('DescribeAutoScalingGroups')[0], h.fake.callsOf('DescribeInstances')[0]];
    expect(asgCall).toMatchObject({ service: 'autoscaling', region: 'us-east-1', accessKeyId: ACCESS_KEY_ID, status: 200 });
    expect(asgCall?.params['AutoScalingGroupNames.member.1']).toBe('mesos-agents');
    expect(ec2Call).toMatchObject({ service: 'ec2', region: 'us-east-1', status: 200 });
    // By an instance-id filter, not InstanceIds (which fails the whole call on one unknown id).
    expect(ec2Call?.params['Filter.1.Name']).toBe('instance-id');
    expect([ec2Call?.params['Filter.1.Value.1'], ec2Call?.params['Filter.1.Value.2'], ec2Call?.params['Filter.1.Value.3']]).toEqual(ids);
    expect(Object.keys(ec2Call?.params ?? {}).some((k) => k.startsWith('InstanceId.'))).toBe(false);
  });

  it('reports pending, terminating, detaching, unhealthy and standby members as creating, deleting, deleting, failed and unknown', async () => {
    h = await startHarness({
      groups: [
        {
          name: 'mesos-agents',
          desired: 5,
          instances: [
            { privateIp: '10.0.1.20', lifecycleState: 'Pending:Wait', ec2State: 'pending' },
            { privateIp: '10.0.1.21', lifecycleState: 'Terminating:Wait' },
            { privateIp: '10.0.1.22', lifecycleState: 'Detaching' },
            { privateIp: '10.0.1.23', lifecycleState: 'InService', healthStatus: 'Unhealthy' },
            { privateIp: '10.0.1.24', lifecycleState: 'Standby' },
            { privateIp: '10.0.1.25', lifecycleState: 'InService', ec2State: 'shutting-down' },
          ],
        },
      ],
    });
    const state = await h.provider.describe(group());
    expect(state.instances.map((i) => [i.privateIp, i.state])).toEqual([
      ['10.0.1.20', 'creating'],
      ['10.0.1.21', 'deleting'],
      ['10.0.1.22', 'deleting'],
      ['10.0.1.23', 'failed'],
      ['10.0.1.24', 'unknown'],
      ['10.0.1.25', 'deleting'],
    ]);
  });

  it('follows NextToken pages of DescribeInstances', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', desired: 5 }], pageSize: 2 });
    const state = await h.provider.describe(group());
    expect(state.instances).toHaveLength(5);
    expect(state.instances.every((i) => i.privateIp !== undefined && i.hostname !== undefined)).toBe(true);
    expect(h.fake.callsOf('DescribeInstances')).toHaveLength(3);
  });

  it('reports a member that EC2 does not know yet without addresses instead of failing', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', desired: 2 }] });
    const [known, fresh] = h.fake.state.group('mesos-agents').instances;
    if (!known || !fresh) throw new Error('two instances expected');
    h.fake.state.instances.delete(fresh.id); // Auto Scaling lists it; EC2 is not consistent yet.
    const state = await h.provider.describe(group());
    expect(state.instances).toEqual([
      expect.objectContaining({ id: known.id, privateIp: known.privateIp }),
      { id: fresh.id, state: 'running' },
    ]);
  });

  it('reports an unknown group as not-found, naming it and the region', async () => {
    h = await startHarness();
    const e = await h.provider.describe(group('nope')).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ProviderError', kind: 'not-found', retryable: false });
    expect((e as Error).message).toBe('describe nope: auto scaling group nope not found in us-east-1');
  });

  it('sets the desired capacity with HonorCooldown false', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', min: 1, max: 10, desired: 3 }] });
    await h.provider.setDesiredSize(group(), 5);
    const writes = h.fake.calls.filter((c) => c.action !== 'DescribeAutoScalingGroups' && c.action !== 'DescribeInstances');
    expect(writes.map((c) => c.params)).toEqual([
      { Action: 'SetDesiredCapacity', Version: '2011-01-01', AutoScalingGroupName: 'mesos-agents', DesiredCapacity: '5', HonorCooldown: 'false' },
    ]);
    expect(h.fake.state.group('mesos-agents').desired).toBe(5);
    expect((await h.provider.describe(group())).desired).toBe(5);
  });

  it('rejects a size that is not a whole number without calling AWS', async () => {
    h = await startHarness();
    await expect(h.provider.setDesiredSize(group(), -1)).rejects.toMatchObject({ name: 'ProviderError', kind: 'invalid' });
    await expect(h.provider.setDesiredSize(group(), 2.5)).rejects.toMatchObject({ kind: 'invalid' });
    expect(h.fake.calls).toHaveLength(0);
  });

  it('classifies a size above the group maximum (ValidationError) as invalid, with AWS\'s reason', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', min: 1, max: 4, desired: 3 }] });
    const e = await h.provider.setDesiredSize(group(), 6).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ProviderError', kind: 'invalid', retryable: false });
    expect((e as Error).message).toBe(
      'setDesiredSize mesos-agents: ValidationError (HTTP 400): New SetDesiredCapacity value 6 is above max value 4 for the AutoScalingGroup.',
    );
    expect(h.fake.callsOf('SetDesiredCapacity')).toHaveLength(1); // not retried
    expect(h.fake.state.group('mesos-agents').desired).toBe(3);
  });

  it('terminates exactly the given instances, each decrementing the desired capacity', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', min: 1, max: 10, desired: 5 }] });
    const ids = h.fake.state.group('mesos-agents').instances.map((i) => i.id);
    await h.provider.deleteInstances(group(), [ids[3] ?? '', ids[1] ?? '']);
    const terminations = h.fake.callsOf('TerminateInstanceInAutoScalingGroup');
    expect(terminations.map((c) => c.params)).toEqual([
      { Action: 'TerminateInstanceInAutoScalingGroup', Version: '2011-01-01', InstanceId: ids[3], ShouldDecrementDesiredCapacity: 'true' },
      { Action: 'TerminateInstanceInAutoScalingGroup', Version: '2011-01-01', InstanceId: ids[1], ShouldDecrementDesiredCapacity: 'true' },
    ]);
    expect(h.fake.callsOf('SetDesiredCapacity')).toHaveLength(0);
    expect(h.fake.state.group('mesos-agents').desired).toBe(3);
    // Auto Scaling lists them as Terminating for a while: reported as deleting, then gone.
    const after = await h.provider.describe(group());
    expect(after.desired).toBe(3);
    expect(after.instances.map((i) => [i.id, i.state])).toEqual([
      [ids[0], 'running'],
      [ids[1], 'deleting'],
      [ids[2], 'running'],
      [ids[3], 'deleting'],
      [ids[4], 'running'],
    ]);
    await h.provider.describe(group());
    expect((await h.provider.describe(group())).instances.map((i) => i.id)).toEqual([ids[0], ids[2], ids[4]]);
  });

  it('refuses an instance of another group and terminates nothing', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', desired: 3 }, { name: 'other', desired: 2, instances: [{ privateIp: '10.0.2.1' }, { privateIp: '10.0.2.2' }] }] });
    const mine = h.fake.state.group('mesos-agents').instances[0]?.id ?? '';
    const theirs = h.fake.state.group('other').instances[0]?.id ?? '';
    const e = await h.provider.deleteInstances(group(), [mine, theirs]).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ProviderError', kind: 'invalid', retryable: false });
    expect((e as Error).message).toBe(`deleteInstances mesos-agents: ${theirs} is not in the group; nothing terminated`);
    expect(h.fake.callsOf('TerminateInstanceInAutoScalingGroup')).toHaveLength(0);
    expect(h.fake.state.group('other').instances).toHaveLength(2);
    expect(h.fake.state.group('mesos-agents').instances).toHaveLength(3);
  });

  it('counts an instance that already left the group terminated as deleted, and asks nothing for it', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', desired: 3 }], terminatingReads: 0 });
    const [first, second] = h.fake.state.group('mesos-agents').instances;
    await h.provider.deleteInstances(group(), [first?.id ?? '']);
    expect(h.fake.state.group('mesos-agents').instances.map((i) => i.id)).not.toContain(first?.id);
    // The controller asks again (its last answer was lost): nothing more is terminated.
    await h.provider.deleteInstances(group(), [first?.id ?? '', second?.id ?? '']);
    expect(h.fake.callsOf('TerminateInstanceInAutoScalingGroup').map((c) => c.params['InstanceId'])).toEqual([first?.id, second?.id]);
    expect(h.fake.state.group('mesos-agents').desired).toBe(1);
  });

  it('does not ask again for an instance that is already terminating', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', desired: 3, instances: [{ privateIp: '10.0.1.10', lifecycleState: 'Terminating' }, { privateIp: '10.0.1.11' }, { privateIp: '10.0.1.12' }] }] });
    const [leaving, staying] = h.fake.state.group('mesos-agents').instances;
    await h.provider.deleteInstances(group(), [leaving?.id ?? '', staying?.id ?? '']);
    expect(h.fake.callsOf('TerminateInstanceInAutoScalingGroup').map((c) => c.params['InstanceId'])).toEqual([staying?.id]);
  });

  it('classifies a termination that would go below the group minimum as invalid', async () => {
    h = await startHarness({ groups: [{ name: 'mesos-agents', min: 3, max: 10, desired: 3 }] });
    const id = h.fake.state.group('mesos-agents').instances[0]?.id ?? '';
    const e = await h.provider.deleteInstances(group(), [id]).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'invalid', retryable: false });
    expect((e as Error).message).toMatch(/^deleteInstances mesos-agents: terminate i-\w+: ValidationError \(HTTP 400\): Currently, desiredSize equals minSize \(3\)/);
    expect(h.fake.state.group('mesos-agents').instances).toHaveLength(3);
  });

  it('does nothing for an empty delete list', async () => {
    h = await startHarness();
    await h.provider.deleteInstances(group(), []);
    expect(h.fake.calls).toHaveLength(0);
  });

  it('uses the group\'s region over aws.region', async () => {
    h = await startHarness();
    await h.provider.describe(group('mesos-agents', 'eu-west-1'));
    expect(h.fake.calls.map((c) => c.region)).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it('takes the region from AWS_REGION when neither the group nor aws.region names one', async () => {
    h = await startHarness({}, {}, {});
    vi.stubEnv('AWS_REGION', 'ap-southeast-2');
    await h.provider.describe(group());
    expect(h.fake.calls.map((c) => c.region)).toEqual(['ap-southeast-2', 'ap-southeast-2']);
  });

  it('says which settings to give when no region is known at all', async () => {
    h = await startHarness({}, {}, {});
    const e = await h.provider.describe(group()).catch((x: unknown) => x);
    expect((e as Error).message).toBe("describe mesos-agents: no AWS region: set the group's provider.region, aws.region or AWS_REGION");
    expect(h.fake.calls).toHaveLength(0);
  });

  it('follows the SDK\'s per-service endpoint variables', async () => {
    const asgOnly = await startFakeAws({ groups: [{ name: 'mesos-agents', desired: 2 }] });
    const ec2Only = await startFakeAws({ groups: [{ name: 'mesos-agents', desired: 2 }] });
    extra = [asgOnly, ec2Only];
    h = await startHarness();
    stubAwsEnv('http://127.0.0.1:9', { AWS_ENDPOINT_URL_AUTO_SCALING: asgOnly.endpoint, AWS_ENDPOINT_URL_EC2: ec2Only.endpoint });
    const state = await h.provider.describe(group());
    expect(state.desired).toBe(2);
    expect(asgOnly.calls.map((c) => c.action)).toEqual(['DescribeAutoScalingGroups']);
    expect(ec2Only.calls.map((c) => c.action)).toEqual(['DescribeInstances']);
    expect(h.fake.calls).toHaveLength(0);
  });
});
