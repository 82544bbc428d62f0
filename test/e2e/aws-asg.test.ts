import { afterEach, describe, expect, it } from 'vitest';
import type { AppSpec } from '../../src/sim/cluster/types.js';
import { runCli } from '../support/cli.js';
import { agentOn, onWorkload, runCliUntil, startE2eCluster, writeConfig, type E2eCluster } from '../support/e2e-cluster.js';
import { privateDnsFor, startFakeAws, type FakeAws } from '../support/fake-aws/index.js';

const ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKE0001';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYE2EKEYSECRET';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

interface Setup {
  readonly cluster: E2eCluster;
  readonly fake: FakeAws;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** instance id -> private IP, as the group started. */
  readonly ipOf: Map<string, string>;
}

/**
 * Stateless agents on `ips`, each backed by an ASG instance with the same private IP and the
 * private DNS name the agent registered with; one agent of another workload outside the group.
 */
async function setup(ips: string[], apps: AppSpec[], drainMethod?: 'maintenance', group: Record<string, unknown> = {}): Promise<Setup> {
  const cluster = await startE2eCluster([...ips.map((ip) => agentOn(ip, privateDnsFor(ip))), agentOn('10.2.0.4', privateDnsFor('10.2.0.4'), 'public')], apps);
  cleanup.push(() => cluster.close());
  const fake = await startFakeAws({
    groups: [{ name: 'mesos-agents', min: 1, max: 10, desired: ips.length, instances: ips.map((ip) => ({ privateIp: ip })) }],
    secretAccessKey: SECRET_ACCESS_KEY,
  });
  cleanup.push(() => fake.close());
  const config = await writeConfig({
    timer: 1,
    mesos: { masters: [cluster.masterUrl], ...(drainMethod ? { drainMethod } : {}) },
    marathon: { url: cluster.emu.marathonUrl },
    aws: { region: 'us-east-1' },
    groups: [
      {
        name: 'stateless',
        selector: { workload: 'stateless' },
        min: 3,
        max: 10,
        provider: { kind: 'aws-asg', asgName: 'mesos-agents' },
        scaleDown: { unneededTime: 0, delayAfterAdd: 0 },
        ...group,
      },
    ],
  });
  cleanup.push(config.remove);
  const env = {
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };
  const ipOf = new Map(fake.state.group('mesos-agents').instances.map((i) => [i.id, i.privateIp ?? '']));
  return { cluster, fake, configPath: config.path, env, ipOf };
}

describe('run with an aws-asg config file, against an emulated Mesos and a local AWS API', () => {
  it('at 83% cpu on 3 agents sets the group\'s desired capacity to 5', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vvv'], s.env, () => s.fake.callsOf('SetDesiredCapacity').length > 0, 40_000);
    if (s.fake.callsOf('SetDesiredCapacity').length === 0) console.log(out.stderr.slice(-3000));
    expect(s.fake.callsOf('SetDesiredCapacity').map((c) => [c.params['AutoScalingGroupName'], c.params['DesiredCapacity'], c.params['HonorCooldown']])).toEqual([
      ['mesos-agents', '5', 'false'],
    ]);
    expect(s.fake.callsOf('TerminateInstanceInAutoScalingGroup')).toHaveLength(0);
    expect(out.stderr).toMatch(/cpus 83\.3% on 3 agents/);
    expect(`${out.stdout}${out.stderr}`).not.toContain(SECRET_ACCESS_KEY);
  }, 60_000);

  it.each([
    ['auto (DRAIN_AGENT on this Mesos, or maintenance)', undefined],
    ['maintenance (the machine taken down)', 'maintenance' as const],
  ])('with drainMethod %s, cpus at 10%, on 5 agents: terminates exactly one idle instance, after Mesos drained its agent', async (_how, drainMethod) => {
    const ips = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7', '10.1.0.8'];
    const s = await setup(ips, [onWorkload('/web', 1, 1)], drainMethod);
    const busyIp = [...s.cluster.emu.cluster.agents()].find((a) => a.tasks.size > 0)?.ip;
    expect(busyIp).toBeDefined();
    // What Mesos looked like at the moment AWS was asked to terminate.
    const atTerminate: { ip: string; agent?: { drain?: string; tasks: number }; masterCalls: string[] }[] = [];
    s.fake.onTerminate = (inst) => {
      const a = [...s.cluster.emu.cluster.agents()].find((x) => x.ip === inst.privateIp);
      atTerminate.push({
        ip: inst.privateIp ?? '',
        ...(a ? { agent: { ...(a.drain ? { drain: a.drain.state } : {}), tasks: a.tasks.size } } : {}),
        masterCalls: [...s.cluster.masterCalls],
      });
    };
    const terminations = () => s.fake.callsOf('TerminateInstanceInAutoScalingGroup');
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, () => terminations().length > 0, 45_000);
    if (terminations().length === 0) console.log(out.stderr.slice(0, 6000));
    expect(terminations()).toHaveLength(1);
    const id = terminations()[0]?.params['InstanceId'] ?? '';
    expect(terminations()[0]?.params['ShouldDecrementDesiredCapacity']).toBe('true');
    const ip = s.ipOf.get(id);
    expect(ip).toBeDefined();
    expect(ip).not.toBe(busyIp);
    expect(s.fake.callsOf('SetDesiredCapacity')).toHaveLength(0);
    expect(s.fake.state.group('mesos-agents').desired).toBe(4);
    // Drained by Mesos before the instance went: its agent was either no longer registered (its
    // machine taken down through maintenance) or DRAINED with no task (DRAIN_AGENT, Mesos 1.9+).
    expect(atTerminate).toHaveLength(1);
    const calls = atTerminate[0]?.masterCalls ?? [];
    if (drainMethod === 'maintenance') expect(atTerminate[0]?.agent).toBeUndefined();
    if (atTerminate[0]?.agent === undefined) {
      expect(calls.some((c) => /UPDATE_MAINTENANCE_SCHEDULE|POST \/master\/maintenance\/schedule/.test(c))).toBe(true);
      expect(calls.some((c) => /START_MAINTENANCE|POST \/master\/machine\/down/.test(c))).toBe(true);
    } else {
      expect(atTerminate[0].agent).toEqual({ drain: 'DRAINED', tasks: 0 });
      expect(calls.some((c) => /DRAIN_AGENT -> 200/.test(c))).toBe(true);
    }
  }, 60_000);

  it('removes instances that never register within provisionTimeout, exactly those, and backs scale-up off', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)], undefined, { provisionTimeout: 3 });
    const original = new Set(s.ipOf.keys());
    const terminations = () => s.fake.callsOf('TerminateInstanceInAutoScalingGroup').filter((c) => c.status === 200);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => terminations().length >= 2 && /backed off/.test(stderr), 45_000);
    if (terminations().length < 2) console.log(out.stderr.slice(-4000));
    // AWS launched two instances for the new capacity; they never became Mesos agents.
    const launched = [...s.fake.state.instances.keys()].filter((id) => !original.has(id));
    expect(launched).toHaveLength(2);
    expect(terminations().map((c) => c.params['InstanceId']).sort()).toEqual([...launched].sort());
    expect(terminations().every((c) => c.params['ShouldDecrementDesiredCapacity'] === 'true')).toBe(true);
    expect(out.stderr).toMatch(/never registered as agents within 3 s/);
    expect(out.stderr).toMatch(/scale-up backed off/);
  }, 60_000);

  it('at 50% cpu changes nothing', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8', '10.1.0.9'], [onWorkload('/web', 4, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => (stderr.match(/decision stateless: none/g) ?? []).length >= 3, 30_000);
    expect((out.stderr.match(/decision stateless: none/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(s.fake.callsOf('SetDesiredCapacity')).toHaveLength(0);
    expect(s.fake.callsOf('TerminateInstanceInAutoScalingGroup')).toHaveLength(0);
    // Reading the maintenance schedule is fine; changing it or draining is not.
    expect(s.cluster.masterCalls.filter((c) => c.startsWith('POST') && /DRAIN_AGENT|MAINTENANCE|\/maintenance\/|\/machine\//.test(c))).toEqual([]);
    expect(s.fake.callsOf('DescribeAutoScalingGroups').length).toBeGreaterThanOrEqual(3);
  }, 45_000);
});

describe('run with the original flag style for AWS', () => {
  it('--provider-name aws --aws-asg-name --aws-region: at 83% cpu on 3 agents sets the desired capacity to 5', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const args = ['run', '--provider-name', 'AWS', '--aws-asg-name', 'mesos-agents', '--aws-region', 'us-east-1', '--timer', '1', '--master', s.cluster.masterUrl, '--marathon-url', s.cluster.emu.marathonUrl, '-vv'];
    const out = await runCliUntil(args, s.env, () => s.fake.callsOf('SetDesiredCapacity').length > 0, 40_000);
    if (s.fake.callsOf('SetDesiredCapacity').length === 0) console.log(out.stderr.slice(-3000));
    expect(s.fake.callsOf('SetDesiredCapacity').map((c) => c.params['DesiredCapacity'])).toEqual(['5']);
    expect(s.fake.calls.every((c) => c.region === 'us-east-1')).toBe(true);
  }, 60_000);

  it('lists the AWS flags in run --help', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.stdout).toMatch(/--provider-name <name> .*AWS/);
    expect(r.stdout).toMatch(/--aws-asg-name <name>/);
    expect(r.stdout).toMatch(/--aws-region <region>/);
  });

  it('validate --provider-name aws without --aws-asg-name names the missing field', async () => {
    const r = await runCli(['validate', '--provider-name', 'aws', '--master', 'http://127.0.0.1:5050']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.asgName/);
  });
});

describe('validate with an aws-asg config', () => {
  const base = { mesos: { masters: ['http://127.0.0.1:5050'] }, aws: { region: 'eu-west-1' } };

  it('accepts a group with asgName and a region from aws or the group', async () => {
    const c = await writeConfig({ ...base, groups: [{ name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'aws-asg', asgName: 'mesos-agents' } }, { name: 'gpu', selector: { workload: 'gpu' }, provider: { kind: 'aws-asg', asgName: 'gpu-agents', region: 'us-west-2' } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 2 node group\(s\): agents, gpu/);
  });

  it('rejects a region that is not an AWS region code, naming the field', async () => {
    const c = await writeConfig({ ...base, aws: { region: 'us-east1' }, groups: [{ name: 'agents', provider: { kind: 'aws-asg', asgName: 'mesos-agents', region: 'Frankfurt' } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aws\.region: an AWS region, e\.g\. us-east-1/);
    expect(r.stderr).toMatch(/groups\.0\.provider\.region: an AWS region/);
  });

  it('rejects a group without asgName, naming the field', async () => {
    const c = await writeConfig({ ...base, groups: [{ name: 'agents', provider: { kind: 'aws-asg', asgname: 'mesos-agents' } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.asgName/);
  });
});
