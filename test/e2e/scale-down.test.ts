import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import type { AgentSpec, AppSpec } from '../../src/sim/cluster/types.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { runCli } from '../support/cli.js';

/**
 * Scale-down end to end: the CLI against the emulated master (which enforces the master's own
 * MachineID and drain rules) and the real Azure SDK against a local ARM. The VM is deleted only
 * after Mesos itself has shut its agent down or reported it DRAINED.
 */
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function cluster(agents: AgentSpec[], apps: AppSpec[]): Promise<{ emu: EmulatedCluster; fake: FakeAzure; config: string }> {
  const emu = await startEmulatedCluster({ clock: new VirtualClock(Date.now()), realtimeSpeed: 1, agents, apps });
  cleanup.push(() => emu.close());
  emu.clock.advance(10_000);
  const fake = await startFakeAzure({
    vmss: [{ resourceGroup: 'rg', name: 'pool', capacity: agents.length, vms: agents.map((a, i) => ({ instanceId: String(i), computerName: `vm-${i}`, privateIp: a.ip ?? a.hostname })) }],
  });
  cleanup.push(() => fake.close());
  const config = join(mkdtempSync(join(tmpdir(), 'scale-down-')), 'c.yaml');
  return { emu, fake, config };
}

function writeConfig(file: string, emu: EmulatedCluster, fake: FakeAzure, group: string): void {
  writeFileSync(file, `
timer: 1
mesos: { masters: [${emu.masterUrl}] }
marathon: { url: ${emu.marathonUrl} }
azure: { subscriptionId: ${fake.subscriptionId}, tenantId: t, clientId: c, clientSecret: s, resourceGroup: rg, armEndpoint: ${fake.armEndpoint} }
groups:
${group}
`);
}

const env = (fake: FakeAzure) => ({ NODE_EXTRA_CA_CERTS: fake.caFile, AZURE_AUTHORITY_HOST: fake.authorityHost });
const deletedIds = (fake: FakeAzure): string[] =>
  fake.requests.filter((r) => r.method === 'POST' && r.path.includes('/delete') && r.status < 300).flatMap((r) => (r.body as { instanceIds: string[] }).instanceIds);

describe('scale-down against a master as strict as Mesos', () => {
  it('on a 1.9 master drains through DRAIN_AGENT and deletes the VM only once Mesos reports the agent DRAINED', async () => {
    const ips = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7'];
    const agents = ips.map((ip) => ({ hostname: `agent-${ip.split('.')[3]}.example`, ip, version: '1.9.0', resources: { cpus: 2, mem: 4096, disk: 20_000 }, attributes: { workload: 'stateless' } }));
    const { emu, fake, config } = await cluster(agents, [{ id: '/web', instances: 1, cpus: 0.8, mem: 128, constraints: [{ field: 'workload', operator: 'CLUSTER', value: 'stateless' }] }]);
    writeConfig(config, emu, fake, `
  - name: pool
    selector: { workload: stateless }
    min: 3
    max: 10
    scaleDown: { unneededTime: 0, delayAfterAdd: 0, drainTimeout: 60 }
    provider: { kind: azure-vmss, vmssName: pool }`);
    const stateAtDelete: string[] = [];
    const r = await runCli(['run', '--config', config, '-vv'], {
      env: env(fake),
      timeoutMs: 45_000,
      until: () => {
        const ids = deletedIds(fake);
        if (ids.length && stateAtDelete.length === 0) {
          const ip = ips[Number(ids[0])];
          const a = [...emu.cluster.agents()].find((x) => x.ip === ip);
          stateAtDelete.push(a ? `${a.drain?.state ?? 'not draining'}/${a.tasks.size} tasks` : 'gone');
        }
        return ids.length > 0;
      },
    });
    if (!deletedIds(fake).length) console.log(r.stderr.slice(-3000));
    expect(deletedIds(fake)).toHaveLength(1);
    const ip = ips[Number(deletedIds(fake)[0])];
    const busy = [...emu.cluster.agents()].find((a) => a.tasks.size > 0)?.ip;
    expect(ip).not.toBe(busy);
    // DRAIN_AGENT, not maintenance; the VM went only once the master said DRAINED.
    expect(emu.cluster.maintenance.windows).toEqual([]);
    expect(stateAtDelete[0]).toMatch(/^(DRAINED\/0 tasks|gone)$/);
    expect(r.stderr).toMatch(/DRAIN_AGENT agent-\d\.example \(10\.1\.0\.\d\)/);
  }, 60_000);

  it('an idle DC/OS public-agent pool (static slave_public reservations) shrinks; an agent with a persistent volume never does', async () => {
    const ips = ['10.3.0.1', '10.3.0.2', '10.3.0.3', '10.3.0.4'];
    const pub = (ip: string): AgentSpec => ({
      hostname: ip,
      ip,
      version: '1.8.0',
      resources: { cpus: 2, mem: 4096, disk: 20_000 },
      reservations: { slave_public: { cpus: 2, mem: 4096, disk: 20_000 } },
      attributes: { public_ip: 'true' },
    });
    const agents = [...ips.map(pub), { ...pub('10.3.0.9'), reservations: {}, volumes: [{ id: 'pg-data', role: 'db', diskMb: 1000, principal: 'ops' }] }];
    const { emu, fake, config } = await cluster(agents, []);
    writeConfig(config, emu, fake, `
  - name: public
    selector: { public_ip: 'true' }
    min: 1
    max: 10
    scaleDownStep: 4
    scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 4 }
    provider: { kind: azure-vmss, vmssName: pool }`);
    const r = await runCli(['run', '--config', config], { env: env(fake), timeoutMs: 45_000, until: () => deletedIds(fake).length >= 4 });
    if (deletedIds(fake).length < 4) console.log(r.stderr.slice(-3000));
    expect(deletedIds(fake).sort()).toEqual(['0', '1', '2', '3']);
    // The agent holding a volume was never drained (no window, never DOWN) nor deleted.
    expect(emu.cluster.maintenance.windows.flatMap((w) => w.machines.map((m) => m.ip))).not.toContain('10.3.0.9');
    expect([...emu.cluster.agents()].some((a) => a.ip === '10.3.0.9' && a.active)).toBe(true);
  }, 60_000);
});
