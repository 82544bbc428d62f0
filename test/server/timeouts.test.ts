import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer, type HttpServerOptions } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { busyReport, testConfig } from './fixtures.js';

const servers: HttpServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(extra: Partial<HttpServerOptions> = {}): Promise<number> {
  const store = new StatusStore({ groups: testConfig().groups });
  const handle = createHandle({ store, dryRun: () => Promise.resolve(busyReport(5).plan!) });
  const server = new HttpServer({ handle, metrics: new Metrics({ processMetrics: false }), port: 0, ...extra });
  servers.push(server);
  return (await server.listen()).port;
}

/** Sends raw bytes and resolves with what came back and how long until the server closed the connection. */
function raw(port: number, data: string): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    sockets.push(socket);
    let text = '';
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
  });
}

describe('HTTP server limits on slow and large requests', () => {
  it('answers 413 and closes at once when a request declares 1 MB (and sends 10 bytes)', async () => {
    const port = await start();
    const r = await raw(port, 'POST /api/groups/web/pause HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n0123456789');
    expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.closedAfterMs).toBeLessThan(2_000);
  });

  it('answers 408 and closes when a body stops arriving, within the body timeout', async () => {
    const port = await start({ bodyTimeoutMs: 500 });
    const r = await raw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(r.text).toContain('request body not received within 500 ms');
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(r.closedAfterMs).toBeLessThan(3_000);
  });

  it('refuses a chunked body that grows past the limit', async () => {
    const port = await start({ maxBodyBytes: 64 });
    const chunk = 'x'.repeat(100);
    const r = await raw(port, `POST /api/groups/web/pause HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('disconnects a client that never finishes its headers, within the headers timeout', async () => {
    const port = await start({ headersTimeoutMs: 600 });
    const r = await raw(port, 'GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(r.closedAfterMs).toBeLessThan(3_000);
    expect(r.text).not.toContain('200 OK');
  });

  it('still serves a request with a small complete body', async () => {
    const port = await start();
    const r = await raw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}');
    expect(r.text).toMatch(/^HTTP\/1\.1 200 /);
  });
});
