import { afterEach, describe, expect, it } from 'vitest';
import type { AppSpec } from '../../src/sim/cluster/types.js';
import { runCli } from '../support/cli.js';
import { agentOn, agentStateOf, onWorkload, runCliUntil, startE2eCluster, writeConfig, type E2eCluster } from '../support/e2e-cluster.js';
import { startFakeGce, type FakeGce } from '../support/fake-gce/index.js';

const PROJECT = 'mesos-test-project';
const ZONE = 'us-central1-a';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

interface Setup {
  readonly cluster: E2eCluster;
  readonly fake: FakeGce;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  /** instance URL -> private IP, as the group started. */
  readonly ipOf: Map<string, string>;
}

/** GCE's internal DNS name of an instance, which its Mesos agent registers with. */
const fqdn = (name: string): string => `${name}.${ZONE}.c.${PROJECT}.internal`;

/**
 * Stateless agents on `ips`, each backed by an instance of the managed instance group with the
 * same private IP and named as the agent's host; one agent of another workload outside the group.
 */
async function setup(ips: string[], apps: AppSpec[], group: Record<string, unknown> = {}): Promise<Setup> {
  const names = ips.map((_, i) => `mesos-agents-${String(i).padStart(4, '0')}`);
  const cluster = await startE2eCluster([...ips.map((ip, i) => agentOn(ip, fqdn(names[i] ?? ''))), agentOn('10.2.0.4', 'public-0', 'public')], apps);
  cleanup.push(() => cluster.close());
  const fake = await startFakeGce({ migs: [{ project: PROJECT, zone: ZONE, name: 'mesos-agents', instances: ips }] });
  cleanup.push(() => fake.close());
  const config = await writeConfig({
    timer: 1,
    mesos: { masters: [cluster.masterUrl] },
    marathon: { url: cluster.emu.marathonUrl },
    gce: { apiEndpoint: fake.apiEndpoint },
    groups: [
      {
        name: 'stateless',
        selector: { workload: 'stateless' },
        min: 3,
        max: 10,
        provider: { kind: 'gce-mig', project: PROJECT, zone: ZONE, name: 'mesos-agents' },
        scaleDown: { unneededTime: 0, delayAfterAdd: 0 },
        ...group,
      },
    ],
  });
  cleanup.push(config.remove);
  // Application Default Credentials from a key file; the custom endpoint makes the client sign its own JWTs.
  const env = { GOOGLE_APPLICATION_CREDENTIALS: fake.account.keyFile, GCE_METADATA_HOST: '127.0.0.1:9', NO_GCE_CHECK: 'true' };
  const url = (name: string): string => `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${ZONE}/instances/${name}`;
  const ipOf = new Map(fake.state.mig('mesos-agents').instances.map((i) => [url(i.name), i.networkIP]));
  return { cluster, fake, configPath: config.path, env, ipOf };
}

const resizes = (fake: FakeGce) => fake.calls('POST').filter((r) => r.path.endsWith('/resize'));
const deletes = (fake: FakeGce) => fake.calls('POST').filter((r) => r.path.endsWith('/deleteInstances'));

describe('run with a gce-mig config file, against an emulated Mesos and a local Compute API', () => {
  it('at 83% cpu on 3 agents resizes the managed instance group to 5', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vvv'], s.env, () => resizes(s.fake).length > 0, 45_000);
    if (resizes(s.fake).length === 0) console.log(out.stderr.slice(-3000));
    expect(out.stderr).toMatch(/"level":20/);
    expect(resizes(s.fake).map((r) => [r.path, r.query['size']])).toEqual([
      [`/compute/v1/projects/${PROJECT}/zones/${ZONE}/instanceGroupManagers/mesos-agents/resize`, '5'],
    ]);
    expect(deletes(s.fake)).toHaveLength(0);
    expect(out.stderr).toMatch(/cpus 83\.3% on 3 agents/);
    expect(`${out.stdout}${out.stderr}`).not.toContain(s.fake.account.privateKeyPem.split('\n')[1] ?? 'unreachable');
  }, 60_000);

  it('at 10% cpu on 5 agents deletes exactly one idle instance, only once Mesos reports its agent DRAINED (or its machine down)', async () => {
    const ips = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7', '10.1.0.8'];
    const s = await setup(ips, [onWorkload('/web', 1, 1)]);
    const busyIp = [...s.cluster.emu.cluster.agents()].find((a) => a.tasks.size > 0)?.ip;
    expect(busyIp).toBeDefined();
    // What Mesos said of the instance's agent at the moment GCE was asked to delete it.
    const atDelete: { agent: string; masterCalls: string[] }[] = [];
    s.fake.onDeleteInstances = (urls) => atDelete.push({ agent: agentStateOf(s.cluster, s.ipOf.get(urls[0] ?? '')), masterCalls: [...s.cluster.masterCalls] });
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, () => deletes(s.fake).length > 0, 45_000);
    if (deletes(s.fake).length === 0) console.log(out.stderr.slice(-4000));
    expect(deletes(s.fake)).toHaveLength(1);
    const urls = (deletes(s.fake)[0]?.body as { instances: string[] }).instances;
    expect(urls).toHaveLength(1);
    const ip = s.ipOf.get(urls[0] ?? '');
    expect(ip).toBeDefined();
    expect(ip).not.toBe(busyIp);
    expect(resizes(s.fake)).toHaveLength(0);
    expect(s.fake.state.mig('mesos-agents').targetSize).toBe(4);
    // Drained by Mesos before the instance went: its agent DRAINED with no task (DRAIN_AGENT) or gone (maintenance, machine down).
    expect(atDelete).toHaveLength(1);
    expect(atDelete[0]?.agent).toMatch(/^(DRAINED\/0 tasks|gone)$/);
    const calls = atDelete[0]?.masterCalls ?? [];
    const drained = calls.some((c) => /DRAIN_AGENT -> 200/.test(c));
    const downed = calls.some((c) => /UPDATE_MAINTENANCE_SCHEDULE|POST \/master\/maintenance\/schedule/.test(c)) && calls.some((c) => /START_MAINTENANCE|POST \/master\/machine\/down/.test(c));
    expect(drained || downed).toBe(true);
  }, 60_000);

  it('deletes the instances that never register within provisionTimeout, exactly those, and backs scale-up off', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)], { provisionTimeout: 3 });
    const deleted = () => deletes(s.fake).filter((r) => r.status === 200).flatMap((r) => (r.body as { instances: string[] }).instances);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => deleted().length >= 2 && /backed off/.test(stderr), 50_000);
    if (deleted().length < 2) console.log(out.stderr.slice(-4000));
    // The group made two instances for the new size; they never became Mesos agents.
    const made = s.fake.state.mig('mesos-agents').instances.length + deleted().length - 3;
    expect(made).toBe(2);
    expect(deleted().sort()).toEqual([
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${ZONE}/instances/mesos-agents-0003`,
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${ZONE}/instances/mesos-agents-0004`,
    ]);
    expect(out.stderr).toMatch(/never registered as agents within 3 s/);
    expect(out.stderr).toMatch(/scale-up backed off/);
  }, 60_000);

  it('at 50% cpu changes nothing', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8', '10.1.0.9'], [onWorkload('/web', 4, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], s.env, (stderr) => (stderr.match(/decision stateless: none/g) ?? []).length >= 3, 30_000);
    expect((out.stderr.match(/decision stateless: none/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(resizes(s.fake)).toHaveLength(0);
    expect(deletes(s.fake)).toHaveLength(0);
    // Maintenance may be read; nothing is drained, scheduled or taken down.
    expect(s.cluster.masterCalls.filter((c) => /^POST .*(DRAIN_AGENT|MAINTENANCE|\/maintenance\/|\/machine\/)/.test(c))).toEqual([]);
    expect(s.fake.calls('GET').filter((r) => r.path.endsWith('/instanceGroupManagers/mesos-agents')).length).toBeGreaterThanOrEqual(3);
  }, 45_000);
});

describe('the original flag style with --provider-name gce', () => {
  it('is listed in run --help', async () => {
    const r = await runCli(['run', '--help']);
    for (const flag of ['--gce-project', '--gce-zone', '--gce-region', '--gce-mig-name', '--gce-api-endpoint']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/GCE, OpenStack/);
  });

  it('scales a 3-agent group at 83% cpu to 5 without a config file', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const args = ['run', '--provider-name', 'GCE', '--timer', '1', '--endpoint-path', `${s.cluster.masterUrl}/slaves`, '--attribute-key', 'workload', '--attribute-value', 'stateless'];
    const env = { ...s.env, GCE_PROJECT: PROJECT, GCE_ZONE: ZONE, AS_GCE_MIG_NAME: 'mesos-agents', GCE_API_ENDPOINT: s.fake.apiEndpoint };
    const out = await runCliUntil(args, env, () => resizes(s.fake).length > 0, 45_000);
    if (resizes(s.fake).length === 0) console.log(out.stderr.slice(-3000));
    expect(resizes(s.fake).map((r) => r.query['size'])).toEqual(['5']);
  }, 60_000);
});

describe('validate with a gce-mig config', () => {
  const base = { mesos: { masters: ['http://127.0.0.1:5050'] }, gce: { apiEndpoint: 'http://127.0.0.1:8089' } };

  it('accepts a zonal and a regional group', async () => {
    const c = await writeConfig({
      ...base,
      groups: [
        { name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'gce-mig', project: PROJECT, zone: ZONE, name: 'mesos-agents' } },
        { name: 'gpu', selector: { workload: 'gpu' }, provider: { kind: 'gce-mig', project: PROJECT, region: 'us-central1', name: 'gpu-agents' } },
      ],
    });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 2 node group\(s\): agents, gpu/);
  });

  it('rejects a group with both zone and region, and a malformed zone, naming the fields', async () => {
    const c = await writeConfig({
      ...base,
      groups: [
        { name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'gce-mig', project: PROJECT, zone: ZONE, region: 'us-central1', name: 'mesos-agents' } },
        { name: 'other', selector: { workload: 'other' }, provider: { kind: 'gce-mig', project: PROJECT, zone: 'Central', name: 'mesos-agents' } },
      ],
    });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.zone: give exactly one of zone/);
    expect(r.stderr).toMatch(/groups\.1\.provider\.zone: a GCE zone/);
  });
});
