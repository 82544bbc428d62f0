/**
 * The status page behind DC/OS adminrouter, which serves a Marathon app labelled
 * DCOS_SERVICE_NAME=<name> at /service/<name>/ and forwards requests with that prefix removed
 * (DC/OS docs, "Service endpoints" / adminrouter's `location /service/` in dcos/adminrouter
 * nginx.master.conf). A stand-in proxy does the same, and answers 404 to anything outside the
 * prefix, so a single absolute path in the page shows up as a failed request.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { CHROMIUM_ARGS, findChromium } from '../support/services.js';
import { busyReport, testConfig } from '../server/fixtures.js';

const PREFIX = '/service/mesos-autoscaler';

let server: HttpServer;
let proxy: Server;
let browser: Browser;
let proxyUrl: string;
const outside: string[] = [];

/** Forwards /service/mesos-autoscaler/<rest> to the autoscaler as /<rest>; 404 for anything else. */
function prefixProxy(upstream: URL): Server {
  return createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === PREFIX) {
      res.writeHead(307, { location: `${PREFIX}/` }).end();
      return;
    }
    if (!path.startsWith(`${PREFIX}/`)) {
      outside.push(path);
      res.writeHead(404).end('not behind the service prefix');
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: path.slice(PREFIX.length), headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
}

beforeAll(async () => {
  const store = new StatusStore({ groups: testConfig().groups });
  store.record(busyReport(Date.now() - 5_000));
  server = new HttpServer({ handle: createHandle({ store, dryRun: () => Promise.reject(new Error('unused')) }), metrics: new Metrics(), port: 0 });
  const { url } = await server.listen();
  proxy = prefixProxy(new URL(url));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  await server?.close();
});

describe('status page behind adminrouter', () => {
  it('loads its scripts, styles and status through /service/mesos-autoscaler/ and asks for nothing outside it', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('requestfailed', (r) => failures.push(`${r.url()} failed`));
    page.on('response', (r) => {
      if (r.status() >= 400) failures.push(`${r.url()} answered ${r.status()}`);
    });
    await page.goto(`${proxyUrl}${PREFIX}/`);
    await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined, undefined, { timeout: 15_000 });
    await expect(page.getByTestId('group-web').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('chart-web').locator('canvas').count()).resolves.toBe(1);
    await expect(page.getByTestId('connection').innerText()).resolves.toBe('');
    expect(failures).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it('reaches the page when the service URL is typed without its trailing slash', async () => {
    const page = await browser.newPage();
    await page.goto(`${proxyUrl}${PREFIX}`);
    await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined, undefined, { timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/`);
    expect(outside).toEqual([]);
    await page.close();
  });
});
