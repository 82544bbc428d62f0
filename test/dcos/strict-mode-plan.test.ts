/**
 * Strict mode end to end: `mesos-autoscaler plan` with DCOS_SERVICE_ACCOUNT_CREDENTIAL, against
 * the emulated Mesos master and Marathon behind a stand-in adminrouter that lets through only
 * requests carrying a token the stand-in IAM issued (as adminrouter checks `Authorization: token=`).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { runCli } from '../support/cli.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { startStandInIam, type StandInIam } from './stand-in-iam.js';

const IPS = ['10.1.0.4', '10.1.0.5'];
let emu: EmulatedCluster;
let fake: FakeAzure;
let iam: StandInIam;
let publicKey: KeyObject;
let privatePem: string;
const proxies: Server[] = [];
const refused: string[] = [];
const passed: string[] = [];

/**
 * Forwards to `upstream` what carries a valid token, with `prefix` removed (adminrouter serves the
 * master at /mesos); 401 for the rest.
 */
async function guard(upstream: string, prefix = ''): Promise<string> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    void iam.verify(req.headers.authorization).then((ok) => {
      if (!ok) {
        refused.push(req.url ?? '');
        req.resume();
        res.writeHead(401).end();
        return;
      }
      const path = (req.url ?? '/').startsWith(prefix) ? (req.url ?? '/').slice(prefix.length) || '/' : (req.url ?? '/');
      passed.push(path);
      const fwd = request({ host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.writeHead(502).end());
      req.pipe(fwd);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxies.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
}

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = pair.publicKey;
  privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  iam = await startStandInIam({ 'mesos-autoscaler': publicKey }, { lifetimeSeconds: 3600 });
  emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    agents: IPS.map((ip) => ({ hostname: ip, ip, resources: { cpus: 2, mem: 7168, disk: 50_000 }, attributes: { workload: 'stateless' } })),
    apps: [{ id: '/web', instances: 6, cpus: 1, mem: 256, constraints: [{ field: 'workload', operator: 'LIKE', value: 'stateless' }] }],
  });
  emu.clock.advance(30_000);
  fake = await startFakeAzure({ vmss: [{ resourceGroup: 'rg', name: 'agents', capacity: 2, vms: IPS.map((ip, i) => ({ instanceId: String(i), computerName: `vm${i}`, privateIp: ip })) }] });
});

afterAll(async () => {
  for (const p of proxies) await new Promise<void>((r) => p.close(() => r()));
  await iam?.close();
  await emu?.close();
  await fake?.close();
});

describe('plan in DC/OS strict mode', () => {
  it('logs in once as the service account and reads Mesos and Marathon with the issued token', async () => {
    const master = await guard(emu.masterUrl, '/mesos');
    const marathon = await guard(emu.marathonUrl);
    const configFile = join(mkdtempSync(join(tmpdir(), 'strict-')), 'c.yaml');
    writeFileSync(
      configFile,
      `
mesos: { masters: [${master}], stateFrom: poll }
marathon: { url: ${marathon} }
azure: { subscriptionId: ${fake.subscriptionId}, tenantId: t, clientId: c, clientSecret: s, resourceGroup: rg, armEndpoint: ${fake.armEndpoint} }
groups:
  - name: stateless
    selector: { workload: stateless }
    min: 1
    max: 10
    template: { cpus: 2, mem: 7168, disk: 50000, instanceType: Standard_D2_v2 }
    provider: { kind: azure-vmss, vmssName: agents }
`,
    );
    const credential = JSON.stringify({ scheme: 'RS256', uid: 'mesos-autoscaler', private_key: privatePem, login_endpoint: iam.loginUrl });
    const r = await runCli(['plan', '--config', configFile], {
      env: { NODE_EXTRA_CA_CERTS: fake.caFile, AZURE_AUTHORITY_HOST: fake.authorityHost, DCOS_SERVICE_ACCOUNT_CREDENTIAL: credential },
      timeoutMs: 30_000,
    });
    expect(r.stderr).not.toContain('PRIVATE KEY');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stateless: up 2 -> /m);
    expect(iam.logins).toHaveLength(1);
    expect(refused).toEqual([]);
    expect(passed.some((p) => p.startsWith('/v2/queue'))).toBe(true);
    // Every Mesos read went through the guard (behind adminrouter there is no redirect to follow).
    expect(passed.some((p) => p.startsWith('/api/v1') || p.startsWith('/master/slaves') || p.startsWith('/master/state'))).toBe(true);
    expect(passed).not.toContain('/master/redirect');
  });
});
