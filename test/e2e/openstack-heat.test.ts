import { afterEach, describe, expect, it } from 'vitest';
import type { AppSpec } from '../../src/sim/cluster/types.js';
import { runCli } from '../support/cli.js';
import { agentOn, agentStateOf, onWorkload, runCliUntil, startE2eCluster, writeConfig, type E2eCluster } from '../support/e2e-cluster.js';
import { startFakeOpenStack, type FakeOpenStack } from '../support/fake-openstack/index.js';

const PASSWORD = 'Heat-e2e-Pa55word-never-shown';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

interface Setup {
  readonly cluster: E2eCluster;
  readonly fake: FakeOpenStack;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** member name -> private IP, as the group started. */
  readonly ipOf: Map<string, string>;
}

/**
 * Stateless agents on `ips`, each a member of the stack's ResourceGroup whose Nova server has the
 * same fixed IP and the agent's host name; one agent of another workload outside the group.
 */
async function setup(ips: string[], apps: AppSpec[], group: Record<string, unknown> = {}): Promise<Setup> {
  const fake = await startFakeOpenStack({ stacks: [{ name: 'mesos', ips, memberTemplate: true }], users: { user: { name: 'autoscaler', password: PASSWORD, project: 'mesos' } } });
  cleanup.push(() => fake.close());
  const stack = fake.stack('mesos');
  const hostOf = new Map(stack.members.map((m) => [stack.servers.get(m.serverId)?.ip ?? '', stack.servers.get(m.serverId)?.name ?? '']));
  const cluster = await startE2eCluster([...ips.map((ip) => agentOn(ip, hostOf.get(ip) ?? ip)), agentOn('10.2.0.4', 'public-0', 'public')], apps);
  cleanup.push(() => cluster.close());
  const config = await writeConfig({
    timer: 1,
    mesos: { masters: [cluster.masterUrl] },
    marathon: { url: cluster.emu.marathonUrl },
    groups: [
      {
        name: 'stateless',
        selector: { workload: 'stateless' },
        min: 3,
        max: 10,
        provider: { kind: 'openstack-heat', stack: 'mesos', resource: 'agents', countParameter: 'agent_count' },
        scaleDown: { unneededTime: 0, delayAfterAdd: 0 },
        ...group,
      },
    ],
  });
  cleanup.push(config.remove);
  const env = {
    OS_AUTH_URL: fake.authUrl,
    OS_USERNAME: 'autoscaler',
    OS_PASSWORD: PASSWORD,
    OS_PROJECT_NAME: 'mesos',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: fake.region,
  };
  const ipOf = new Map(stack.members.map((m) => [m.name, stack.servers.get(m.serverId)?.ip ?? '']));
  return { cluster, fake, configPath: config.path, env, ipOf };
}

const patches = (fake: FakeOpenStack) => fake.calls('orchestration', 'PATCH');

describe('run with an openstack-heat config file, against an emulated Mesos and a local Keystone/Heat/Nova', () => {
  it('at 83% cpu on 3 agents sets the stack\'s count parameter to 5', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vvv'], s.env, () => patches(s.fake).length > 0, 45_000);
    if (patches(s.fake).length === 0) console.log(out.stderr.slice(-3000));
    expect(patches(s.fake).map((p) => p.body)).toEqual([{ parameters: { agent_count: 5 } }]);
    expect(out.stderr).toMatch(/cpus 83\.3% on 3 agents/);
    const all = `${out.stdout}${out.stderr}`;
    expect(all).not.toContain(PASSWORD);
    for (const t of s.fake.issuedTokens) expect(all).not.toContain(t);
  }, 60_000);

  it('at 10% cpu on 5 agents removes exactly one idle member, only once Mesos reports its agent DRAINED (or its machine down)', async () => {
    const ips = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7', '10.1.0.8'];
    const s = await setup(ips, [onWorkload('/web', 1, 1)]);
    const busyIp = [...s.cluster.emu.cluster.agents()].find((a) => a.tasks.size > 0)?.ip;
    expect(busyIp).toBeDefined();
    // What Mesos said of the member's agent at the moment Heat was asked to remove it.
    const atRemoval: { agent: string; masterCalls: string[] }[] = [];
    s.fake.onRemoval = (members) => atRemoval.push({ agent: agentStateOf(s.cluster, s.ipOf.get(members[0] ?? '')), masterCalls: [...s.cluster.masterCalls] });
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, () => patches(s.fake).length > 0, 45_000);
    if (patches(s.fake).length === 0) console.log(out.stderr.slice(-4000));
    expect(patches(s.fake)).toHaveLength(1);
    const body = patches(s.fake)[0]?.body as { parameters: { agent_count: number; removal_policies: { resource_list: string[] }[] } };
    expect(body.parameters.agent_count).toBe(4);
    const removed = body.parameters.removal_policies.flatMap((p) => p.resource_list);
    expect(removed).toHaveLength(1);
    const ip = s.ipOf.get(removed[0] ?? '');
    expect(ip).toBeDefined();
    expect(ip).not.toBe(busyIp);
    // Drained by Mesos before the member went: its agent DRAINED with no task (DRAIN_AGENT) or gone (maintenance, machine down).
    expect(atRemoval).toHaveLength(1);
    expect(atRemoval[0]?.agent).toMatch(/^(DRAINED\/0 tasks|gone)$/);
    const calls = atRemoval[0]?.masterCalls ?? [];
    const drained = calls.some((c) => /DRAIN_AGENT -> 200/.test(c));
    const downed = calls.some((c) => /UPDATE_MAINTENANCE_SCHEDULE|POST \/master\/maintenance\/schedule/.test(c)) && calls.some((c) => /START_MAINTENANCE|POST \/master\/machine\/down/.test(c));
    expect(drained || downed).toBe(true);
  }, 60_000);

  it('removes the members that never register within provisionTimeout, exactly those, and backs scale-up off', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)], { provisionTimeout: 3 });
    const removed = () => patches(s.fake).filter((p) => p.status === 202).flatMap((p) => ((p.body as { parameters: { removal_policies?: { resource_list: string[] }[] } }).parameters.removal_policies ?? []).flatMap((x) => x.resource_list));
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => removed().length >= 2 && /backed off/.test(stderr), 50_000);
    if (removed().length < 2) console.log(out.stderr.slice(-4000));
    // Heat made members 3 and 4 for the new count; they never became Mesos agents.
    expect(removed().sort()).toEqual(['3', '4']);
    expect(s.fake.stack('mesos').members.map((m) => m.name)).toEqual(['0', '1', '2']);
    expect(out.stderr).toMatch(/never registered as agents within 3 s/);
    expect(out.stderr).toMatch(/scale-up backed off/);
  }, 60_000);

  it('at 50% cpu changes nothing', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8', '10.1.0.9'], [onWorkload('/web', 4, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => (stderr.match(/decision stateless: none/g) ?? []).length >= 3, 30_000);
    expect((out.stderr.match(/decision stateless: none/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(patches(s.fake)).toHaveLength(0);
    expect(s.cluster.masterCalls.filter((c) => /^POST .*(DRAIN_AGENT|MAINTENANCE|\/maintenance\/|\/machine\/)/.test(c))).toEqual([]);
    // One token for the whole run.
    expect(s.fake.calls('identity')).toHaveLength(1);
  }, 45_000);
});

describe('the original flag style with --provider-name openstack', () => {
  it('is listed in run --help', async () => {
    const r = await runCli(['run', '--help']);
    for (const flag of ['--openstack-stack', '--openstack-resource', '--openstack-count-parameter', '--openstack-removal-policy-parameter']) expect(r.stdout).toContain(flag);
  });

  it('scales a 3-agent group at 83% cpu to 5 without a config file', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const args = ['run', '--provider-name', 'OpenStack', '--timer', '1', '--endpoint-path', `${s.cluster.masterUrl}/slaves`, '--openstack-stack', 'mesos', '--openstack-resource', 'agents', '--openstack-count-parameter', 'agent_count'];
    const out = await runCliUntil(args, s.env, () => patches(s.fake).length > 0, 45_000);
    if (patches(s.fake).length === 0) console.log(out.stderr.slice(-3000));
    expect(patches(s.fake).map((p) => p.body)).toEqual([{ parameters: { agent_count: 5 } }]);
  }, 60_000);
});

describe('validate with an openstack-heat config', () => {
  const base = { mesos: { masters: ['http://127.0.0.1:5050'] } };

  it('accepts a group naming the stack, its ResourceGroup and the count parameter', async () => {
    const c = await writeConfig({
      ...base,
      groups: [
        { name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'openstack-heat', stack: 'mesos', resource: 'agents', countParameter: 'agent_count' } },
        { name: 'compute', selector: { workload: 'compute' }, provider: { kind: 'openstack-heat', stack: 'overcloud', resource: 'Compute', countParameter: 'ComputeCount', removalPolicyParameter: 'ComputeRemovalPolicies' } },
      ],
    });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 2 node group\(s\): agents, compute/);
  });

  it('rejects a group without countParameter, naming the field', async () => {
    const c = await writeConfig({ ...base, groups: [{ name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'openstack-heat', stack: 'mesos', resource: 'agents', count: 'agent_count' } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.countParameter/);
  });
});
