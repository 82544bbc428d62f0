import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { runCli } from '../support/cli.js';

let emu: EmulatedCluster;
let fake: FakeAzure;
let configFile: string;
const IPS = ['10.1.0.4', '10.1.0.5'];

beforeAll(async () => {
  emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    agents: IPS.map((ip) => ({ hostname: ip, ip, resources: { cpus: 2, mem: 7168, disk: 50_000 }, attributes: { workload: 'stateless' } })),
    apps: [
      { id: '/api', instances: 2, cpus: 1.5, mem: 512, constraints: [{ field: 'workload', operator: 'CLUSTER', value: 'stateless' }] },
      { id: '/web', instances: 6, cpus: 1, mem: 256, constraints: [{ field: 'workload', operator: 'LIKE', value: 'stateless' }] },
    ],
  });
  emu.clock.advance(30_000);
  fake = await startFakeAzure({ vmss: [{ resourceGroup: 'rg', name: 'agents', capacity: 2, vms: IPS.map((ip, i) => ({ instanceId: String(i), computerName: `vm${i}`, privateIp: ip })) }] });
  configFile = join(mkdtempSync(join(tmpdir(), 'plan-')), 'c.yaml');
  writeFileSync(configFile, `
mesos: { masters: [${emu.masterUrl}] }
marathon: { url: ${emu.marathonUrl} }
azure: { subscriptionId: ${fake.subscriptionId}, tenantId: t, clientId: c, clientSecret: s, resourceGroup: rg, armEndpoint: ${fake.armEndpoint} }
groups:
  - name: stateless
    selector: { workload: stateless }
    min: 1
    max: 10
    template: { cpus: 2, mem: 7168, disk: 50000, instanceType: Standard_D2_v2 }
    provider: { kind: azure-vmss, vmssName: agents }
`);
});

afterAll(async () => {
  await emu?.close();
  await fake?.close();
});

const env = () => ({ NODE_EXTRA_CA_CERTS: fake.caFile, AZURE_AUTHORITY_HOST: fake.authorityHost });

describe('mesos-autoscaler plan', () => {
  it('explains the plan per group with the waiting work and the nodes that hold it', async () => {
    const r = await runCli(['plan', '--config', configFile], { env: env(), timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stateless: up 2 -> 5 \(now 2\)/m);
    expect(r.stdout).toMatch(/6 instance\(s\) of \/web waiting, need cpus 6, mem 1536 with workload:stateless; 3 node\(s\) of Standard_D2_v2 hold them/);
    // One dry cycle: nothing changed in the cloud.
    expect(fake.armCalls('PATCH')).toHaveLength(0);
  });

  it('prints JSON for machines', async () => {
    const r = await runCli(['plan', '--config', configFile, '--json'], { env: env(), timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { groups: { group: string; target: number; direction: string; reasons: string[]; figures: Record<string, number> }[] };
    expect(plan.groups[0]).toMatchObject({ group: 'stateless', target: 5, direction: 'up' });
    expect(plan.groups[0]?.figures['pending.instances']).toBe(6);
  });
});
