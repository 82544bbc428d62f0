import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../../src/cli/service.js';
import { createLogger } from '../../../src/util/logger.js';
import { waitFor } from '../../support/services.js';
import { serviceConfig, startCluster } from '../../service/fixtures.js';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Accepts TCP connections and never sends a byte: not even the TLS handshake completes. */
async function silentEndpoint(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a silent ARM and token endpoint', () => {
  it('does not stall the loop: the Azure read is given up at its deadline, logged and counted, and the cycle ends', async () => {
    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const silent = await silentEndpoint();
    const base = serviceConfig(emu);
    const config = serviceConfig(emu, {
      azure: { subscriptionId: 'sub', tenantId: 'tenant', clientId: 'client', clientSecret: 'silent-arm-secret', resourceGroup: 'rg', armEndpoint: silent },
      groups: [
        ...base.groups.map((g) => ({ ...g, provider: { kind: 'simulated' as const } })),
        { name: 'azure', selector: { pool: 'azure' }, min: 0, max: 3, provider: { kind: 'azure-vmss', vmssName: 'agents' }, template: { cpus: 4, mem: 8192, disk: 10_000 } },
      ],
    });
    let logged = '';
    const logger = createLogger('info', { write: (line: string) => void (logged += line) });
    // The token endpoint is the silent one too; the credential reads AZURE_AUTHORITY_HOST when it is made.
    const saved = process.env['AZURE_AUTHORITY_HOST'];
    process.env['AZURE_AUTHORITY_HOST'] = silent;
    const started = Date.now();
    let service;
    try {
      service = await startService({ config, logger, simulated: emu.provider, processMetrics: false, events: false, cloudDeadlines: { readMs: 1_500, writeMs: 1_500 } });
    } finally {
      if (saved === undefined) delete process.env['AZURE_AUTHORITY_HOST'];
      else process.env['AZURE_AUTHORITY_HOST'] = saved;
    }
    const running = service;
    cleanup.push(() => running.stop());
    const cycle = await waitFor('first cycle', () => running.store.view().lastCycle, 10_000);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(cycle.ok).toBe(true); // the other group was planned
    expect(logged).toContain('cloud call deadline passed');
    expect(logged).toContain('could not read node group from the cloud');
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/mesos_autoscaler_errors_total\{kind="cloud-deadline"\} [1-9]/);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  }, 20_000);
});
