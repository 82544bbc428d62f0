import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import type { AgentSpec, AppSpec } from '../../src/sim/cluster/types.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { CLI, REPO_ROOT } from '../support/cli.js';

const TENANT = '72f988bf-0000-0000-0000-000000000001';
const CLIENT_ID = '5308694f-0000-0000-0000-000000000002';
const SECRET = 'Sup3r-Secret-Client-Value-9f8e7d';

/**
 * A master as old as the original tool knew it: only the classic endpoints. The
 * v1 operator API and /state answer 404, so the autoscaler reads `/slaves`
 * (agents without tasks) and uses the maintenance endpoints to drain.
 */
async function classicOnlyProxy(target: string): Promise<{ url: string; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/api/v1') || req.url?.startsWith('/state') || req.url?.startsWith('/master/state')) {
      res.writeHead(404).end();
      return;
    }
    if (req.url?.startsWith('/master/redirect')) {
      // This proxy is the leading master as far as the autoscaler can tell.
      res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, server };
}

const agentSpec = (ip: string, workload: string | undefined): AgentSpec => ({
  hostname: ip,
  ip,
  resources: { cpus: 2, mem: 5943, disk: 26460 },
  attributes: workload ? { workload, type: 'private' } : { type: 'public' },
});

interface Scenario {
  stateless: string[];
  apps: AppSpec[];
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(s: Scenario): Promise<{ emu: EmulatedCluster; fake: FakeAzure; endpoint: string; proxyPaths: string[] }> {
  const emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    realtimeSpeed: 1,
    agents: [...s.stateless.map((ip) => agentSpec(ip, 'stateless')), agentSpec('10.0.0.5', 'statefull'), agentSpec('10.0.0.6', 'statefull'), agentSpec('10.2.0.4', undefined)],
    apps: s.apps,
  });
  cleanup.push(() => emu.close());
  // Let the emulated Marathon place the apps.
  emu.clock.advance(10_000);
  const proxy = await classicOnlyProxy(emu.masterUrl);
  cleanup.push(() => new Promise((r) => proxy.server.close(() => r())));
  const fake = await startFakeAzure({
    vmss: [{ resourceGroup: 'dcos-rg', name: 'dcos-agents', capacity: s.stateless.length, vms: s.stateless.map((ip, i) => ({ instanceId: String(i), computerName: `dcos-agent-${i}`, privateIp: ip })) }],
    servicePrincipal: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET },
  });
  cleanup.push(() => fake.close());
  return { emu, fake, endpoint: `${proxy.url}/slaves`, proxyPaths: proxy.paths };
}

/** The original tool's command line, verbatim but for the endpoints. */
function originalFlags(endpoint: string, fake: FakeAzure, extra: string[] = []): string[] {
  return [
    '--provider-name', 'Azure', '--timer', '1', '--endpoint-path', endpoint,
    '--azure-subscription-id', fake.subscriptionId, '--azure-tenant-id', TENANT, '--azure-client-id', CLIENT_ID,
    '--azure-client-secret', SECRET, '--azure-location', 'eastus', '--azure-resource-group', 'dcos-rg', '--azure-vmss-name', 'dcos-agents',
    ...extra,
  ];
}

/** Runs the CLI until `done()` or the timeout; returns its output. */
async function runUntil(args: string[], fake: FakeAzure, done: (stderr: string) => boolean, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_EXTRA_CA_CERTS: fake.caFile, AZURE_AUTHORITY_HOST: fake.authorityHost, AZURE_ARM_ENDPOINT: fake.armEndpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const started = Date.now();
  while (!done(stderr) && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  await exited;
  return { stdout, stderr };
}

const onStateless = (id: string, instances: number, cpus: number): AppSpec => ({ id, instances, cpus, mem: 128, constraints: [{ field: 'workload', operator: 'CLUSTER', value: 'stateless' }] });
const onStateful = (id: string, instances: number): AppSpec => ({ id, instances, cpus: 1, mem: 256, constraints: [{ field: 'workload', operator: 'CLUSTER', value: 'statefull' }] });

describe('the CLI with the original flags, against a classic master and the Azure SDK', () => {
  it('at 83% cpu on 3 stateless agents (stateful agents busy too) asks Azure for capacity 5', async () => {
    const { fake, endpoint, proxyPaths } = await setup({ stateless: ['10.1.0.4', '10.1.0.6', '10.1.0.8'], apps: [onStateless('/web', 5, 1), onStateful('/db', 4)] });
    const out = await runUntil(originalFlags(endpoint, fake, ['-vv']), fake, () => fake.armCalls('PATCH').length > 0, 40_000);
    if (!fake.armCalls('PATCH').length) console.log(out.stderr.slice(-3000));
    expect(fake.armCalls('PATCH').map((c) => c.body)).toEqual([{ sku: { capacity: 5 } }]);
    expect(proxyPaths.some((p) => p.startsWith('GET /slaves'))).toBe(true);
    expect(out.stderr).toMatch(/cpus 83\.3% on 3 agents/);
  }, 60_000);

  it('with --scale-max 4 asks for 4, not 5', async () => {
    const { fake, endpoint } = await setup({ stateless: ['10.1.0.4', '10.1.0.6', '10.1.0.8'], apps: [onStateless('/web', 5, 1), onStateful('/db', 4)] });
    await runUntil(originalFlags(endpoint, fake, ['--scale-max', '4']), fake, () => fake.armCalls('PATCH').length > 0, 40_000);
    expect(fake.armCalls('PATCH').map((c) => c.body)).toEqual([{ sku: { capacity: 4 } }]);
  }, 60_000);

  it('at 10% cpu drains and deletes one specific idle instance', async () => {
    // 4 stateless agents (8 cpus), one 0.8-cpu task: 10%. The task's agent is busy; the others idle.
    const { emu, fake, endpoint, proxyPaths } = await setup({ stateless: ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7'], apps: [onStateless('/web', 1, 0.8), onStateful('/db', 4)] });
    const busyIp = [...emu.cluster.agents()].find((a) => a.tasks.size > 0 && a.attributes['workload'] === 'stateless')?.ip;
    const deletes = () => fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/delete'));
    await runUntil(originalFlags(endpoint, fake, ['-vv']), fake, () => deletes().length > 0, 40_000);
    expect(deletes()).toHaveLength(1);
    const deleted = (deletes()[0]?.body as { instanceIds: string[] }).instanceIds;
    expect(deleted).toHaveLength(1);
    const ipOf = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7'];
    const deletedIp = ipOf[Number(deleted[0])];
    expect(deletedIp).toBeDefined();
    expect(deletedIp).not.toBe(busyIp);
    expect(fake.armCalls('PATCH')).toHaveLength(0);
    // Drained through Mesos maintenance before the delete.
    expect(proxyPaths.some((p) => p.startsWith('POST /master/maintenance/schedule'))).toBe(true);
    expect(proxyPaths.some((p) => p.startsWith('POST /master/machine/down'))).toBe(true);
  }, 60_000);

  it('at 50% cpu does nothing', async () => {
    const { fake, endpoint, proxyPaths } = await setup({ stateless: ['10.1.0.4', '10.1.0.6', '10.1.0.8', '10.1.0.9'], apps: [onStateless('/web', 4, 1), onStateful('/db', 4)] });
    const out = await runUntil(originalFlags(endpoint, fake, ['-vv']), fake, (stderr) => (stderr.match(/decision stateless: none/g) ?? []).length >= 3, 30_000);
    expect(fake.armCalls('PATCH')).toHaveLength(0);
    expect(fake.requests.filter((r) => r.path.includes('/delete'))).toHaveLength(0);
    // The only POST is the read-only v1 GET_STATE probe, which this old master refuses.
    expect(proxyPaths.filter((p) => p.startsWith('POST') && p !== 'POST /api/v1')).toEqual([]);
    expect(out.stderr).toMatch(/cpus 50\.0% on 4 agents; between 20% and 80%/);
  }, 60_000);

  it('with --dry-run decides and logs, and changes nothing', async () => {
    const { fake, endpoint, proxyPaths } = await setup({ stateless: ['10.1.0.4', '10.1.0.6', '10.1.0.8'], apps: [onStateless('/web', 5, 1), onStateful('/db', 4)] });
    const out = await runUntil(originalFlags(endpoint, fake, ['--dry-run', '-vv']), fake, (stderr) => (stderr.match(/dry run: would set size 5/g) ?? []).length >= 2, 50_000);
    expect(out.stderr).toMatch(/dry run: would set size 5/);
    expect(fake.armCalls('PATCH')).toHaveLength(0);
    expect(proxyPaths.filter((p) => p.startsWith('POST') && p !== 'POST /api/v1')).toEqual([]);
  }, 75_000);

  it('shows the client secret nowhere at -vvv', async () => {
    const { fake, endpoint } = await setup({ stateless: ['10.1.0.4', '10.1.0.6', '10.1.0.8'], apps: [onStateless('/web', 5, 1), onStateful('/db', 4)] });
    const out = await runUntil(originalFlags(endpoint, fake, ['-vvv']), fake, () => fake.armCalls('PATCH').length > 0, 40_000);
    expect(out.stderr).toMatch(/"level":20/);
    expect(out.stderr).toMatch(/clientSecret/);
    expect(`${out.stdout}\n${out.stderr}`).not.toContain(SECRET);
  }, 60_000);
});
