import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/service.js';
import { waitFor } from '../support/services.js';
import { postApp, quietLogger, recording, serviceConfig, startCluster, type ProviderCall } from '../service/fixtures.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A loopback proxy in front of the emulated master that counts v1 calls by type (it is its own leader). */
async function countingProxy(target: string): Promise<{ url: string; calls: Map<string, number>; server: Server }> {
  const calls = new Map<string, number>();
  const up = new URL(target);
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.url === '/master/redirect') {
        res.writeHead(307, { location: `//127.0.0.1:${(server.address() as AddressInfo).port}`, 'content-length': 0 });
        return res.end();
      }
      if (req.url === '/api/v1') {
        const type = (JSON.parse(body.toString('utf8')) as { type: string }).type;
        calls.set(type, (calls.get(type) ?? 0) + 1);
      }
      const out = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

async function run(stateFrom: 'auto' | 'poll') {
  const emu = await startCluster();
  cleanup.push(() => emu.close());
  const proxy = await countingProxy(emu.masterUrl);
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        proxy.server.close(() => r());
        proxy.server.closeAllConnections();
      }),
  );
  const calls: ProviderCall[] = [];
  const base = serviceConfig(emu);
  const config = { ...base, mesos: { ...base.mesos, masters: [proxy.url], stateFrom } };
  const service = await startService({ config, logger: quietLogger(), simulated: recording(emu.provider, calls), processMetrics: false });
  cleanup.push(() => service.stop());
  await waitFor('first cycle', () => service.store.view().lastCycle);
  await waitFor('mesos stream', () => (service.triggers?.stats().mesos.connected ? true : undefined));
  const before = proxy.calls.get('GET_STATE') ?? 0;
  await postApp(emu, '/wide', 2, 3);
  await waitFor('scale-up call', () => calls.find((c) => c.op === 'setDesiredSize'), 5_000, 5);
  return { getStates: (proxy.calls.get('GET_STATE') ?? 0) - before, subscribes: proxy.calls.get('SUBSCRIBE') ?? 0 };
}

describe('the service with mesos.stateFrom', () => {
  it('auto: cycles plan from the event-fed model, without reading GET_STATE, over one SUBSCRIBE shared with the triggers', async () => {
    const r = await run('auto');
    expect(r.getStates).toBe(0);
    expect(r.subscribes).toBe(1);
  });

  it('poll: every cycle reads GET_STATE, as before', async () => {
    const r = await run('poll');
    expect(r.getStates).toBeGreaterThan(0);
    expect(r.subscribes).toBe(1);
  });
});
