import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusView } from '../../src/server/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startEmulatedCluster } from '../../src/sim/emulator/index.js';
import { startFakeAzure } from '../support/fake-azure/index.js';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { waitFor } from '../support/services.js';

const TENANT = '72f988bf-0000-0000-0000-000000000011';
const CLIENT_ID = '5308694f-0000-0000-0000-000000000012';
const SECRET = 'Cli-Service-Secret-Value-4c3b2a';
const TOKEN = 'cli-service-token-0e9d8c';
const IPS = ['10.1.0.4', '10.1.0.6'];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('mesos-autoscaler run as a service (CLI, v1 master, Marathon, Azure SDK)', () => {
  it('serves /status and /metrics, scales up on a Marathon event with a 60 s timer, pauses over HTTP, stops on SIGTERM', async () => {
    const emu = await startEmulatedCluster({
      clock: new VirtualClock(Date.now()),
      realtimeSpeed: 1,
      agents: IPS.map((ip) => ({ hostname: ip, ip, resources: { cpus: 2, mem: 4096, disk: 10_000 }, attributes: { workload: 'stateless' } })),
      apps: [{ id: '/web', instances: 2, cpus: 0.5, mem: 128 }],
    });
    cleanup.push(() => emu.close());
    emu.cluster.schedule();
    const fake = await startFakeAzure({
      vmss: [{ resourceGroup: 'dcos-rg', name: 'dcos-agents', capacity: IPS.length, vms: IPS.map((ip, i) => ({ instanceId: String(i), computerName: `dcos-agent-${i}`, privateIp: ip })) }],
      servicePrincipal: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET },
    });
    cleanup.push(() => fake.close());

    const args = [
      'run', '--provider-name', 'Azure', '--timer', '60', '--master', emu.masterUrl, '--marathon-url', emu.marathonUrl,
      '--azure-subscription-id', fake.subscriptionId, '--azure-tenant-id', TENANT, '--azure-client-id', CLIENT_ID, '--azure-client-secret', SECRET,
      '--azure-location', 'eastus', '--azure-resource-group', 'dcos-rg', '--azure-vmss-name', 'dcos-agents',
      '--scale-min', '1', '--scale-max', '6', '--listen', '127.0.0.1:0', '--server-token', TOKEN, '-vv',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_EXTRA_CA_CERTS: fake.caFile, AZURE_AUTHORITY_HOST: fake.authorityHost, AZURE_ARM_ENDPOINT: fake.armEndpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });

    const url = await waitFor('HTTP server', () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*HTTP server listening/.exec(output)?.[1], 30_000);
    const first = await waitFor('first cycle', async () => {
      const s = (await (await fetch(`${url}/status`)).json()) as StatusView;
      return s.lastCycle?.ok ? s : undefined;
    }, 30_000);
    expect(first.groups.map((g) => g.name)).toHaveLength(1);
    expect(first.groups[0]?.plan?.direction).toBe('none');
    expect(fake.armCalls('PATCH')).toHaveLength(0);

    // Four 1.5-cpu instances cannot fit on two 2-cpu agents: the Marathon event wakes the loop.
    const posted = Date.now();
    const res = await fetch(`${emu.marathonUrl}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/batch', instances: 4, cpus: 1.5, mem: 128 }) });
    expect(res.status).toBe(201);
    await waitFor('PATCH capacity', () => fake.armCalls('PATCH')[0], 15_000);
    // Far sooner than the 60 s timer (Azure token and ARM calls included).
    expect(Date.now() - posted).toBeLessThan(10_000);

    // The report (and so the metrics) follows the cloud call at the end of the cycle.
    const metrics = await waitFor('metrics of the scale-up cycle', async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /mesos_autoscaler_decisions_total\{group="[^"]+",direction="up"\} [1-9]/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/mesos_autoscaler_cloud_request_duration_seconds_count\{provider="azure-vmss",operation="setDesiredSize"\} [1-9]/);
    const group = first.groups[0]?.name ?? '';
    const pause = await fetch(`${url}/api/groups/${group}/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(pause.status).toBe(200);
    const status = (await (await fetch(`${url}/status`)).json()) as StatusView;
    expect(status.paused).toEqual([group]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('mesos-autoscaler stopped');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(TOKEN);
  }, 90_000);
});
