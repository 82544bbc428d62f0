import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpServer, serverOptionsFromConfig, type HttpServerOptions } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { collectSecrets } from '../../src/server/secrets.js';
import { NO_TOKEN_MESSAGE } from '../../src/server/auth.js';
import type { Plan } from '../../src/model/plan.js';
import { SECRETS, busyReport, testConfig } from './fixtures.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Setup {
  url: string;
  store: StatusStore;
  metrics: Metrics;
  bodies: string[];
  get(path: string, init?: RequestInit): Promise<Response>;
}

async function setup(opts: { token?: boolean; dryRun?: () => Promise<Plan>; extra?: Partial<HttpServerOptions> } = {}): Promise<Setup> {
  const config = testConfig(opts.token ?? true);
  const store = new StatusStore({ groups: config.groups });
  const metrics = new Metrics({ processMetrics: false });
  const handle = createHandle({ store, dryRun: opts.dryRun ?? (() => Promise.resolve(busyReport(5).plan!)) });
  const server = new HttpServer({ handle, metrics, ...serverOptionsFromConfig(config.server), secrets: collectSecrets(config), ...opts.extra });
  servers.push(server);
  const { url } = await server.listen();
  const bodies: string[] = [];
  return {
    url,
    store,
    metrics,
    bodies,
    // Every body is kept so the test can check none of them carries a secret.
    get: async (path, init) => {
      const res = await fetch(url + path, init);
      const text = await res.text();
      bodies.push(text, JSON.stringify([...res.headers]));
      return new Response(res.status === 204 ? null : text, { status: res.status, headers: res.headers });
    },
  };
}

const post = (token?: string): RequestInit => ({ method: 'POST', ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}) });

describe('HTTP server', () => {
  it('binds 127.0.0.1 by default', async () => {
    expect(serverOptionsFromConfig(undefined)).toEqual({ host: '127.0.0.1', port: 8080 });
    const store = new StatusStore({ groups: testConfig().groups });
    const server = new HttpServer({ handle: createHandle({ store, dryRun: () => Promise.reject(new Error('x')) }), metrics: new Metrics(), port: 0 });
    servers.push(server);
    const addr = await server.listen();
    expect(addr.host).toBe('127.0.0.1');
    expect(addr.url).toBe(`http://127.0.0.1:${addr.port}`);
  });

  it('serves health, readiness, metrics and status', async () => {
    const s = await setup();
    expect((await s.get('/healthz')).status).toBe(200);
    const notReady = await s.get('/readyz');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, role: 'leader', term: 1 });

    const r = busyReport(Date.now());
    s.store.record(r);
    s.metrics.recordCycle(r);
    const ready = await s.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, role: 'leader', lastSuccessAt: r.at });

    const metrics = await s.get('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('mesos_autoscaler_desired_nodes{group="web"} 5');

    const status = await s.get('/status');
    expect(status.headers.get('content-type')).toContain('application/json');
    expect(status.headers.get('cache-control')).toBe('no-store');
    const body = (await status.json()) as { groups: { name: string; plan?: { reasons: string[] } }[]; events: unknown[]; leader: { role: string } };
    expect(body.groups.map((g) => g.name)).toEqual(['web', 'batch']);
    expect(body.groups[0]?.plan?.reasons[0]).toBe('4 instances of /web pending, need cpus 8');
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.leader.role).toBe('leader');
  });

  it('runs a dry cycle for /api/plan, sharing one run between concurrent requests', async () => {
    let runs = 0;
    const s = await setup({
      dryRun: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 50));
        return busyReport(9).plan!;
      },
    });
    const [a, b] = await Promise.all([s.get('/api/plan'), s.get('/api/plan')]);
    expect(a.status).toBe(200);
    expect(((await a.json()) as Plan).groups[0]?.target).toBe(5);
    expect(b.status).toBe(200);
    expect(runs).toBe(1);
  });

  it('requires the bearer token for pause and resume: 401 without, 403 wrong, 200 right', async () => {
    const compare = vi.spyOn(crypto, 'timingSafeEqual');
    const s = await setup();
    const none = await s.get('/api/groups/web/pause', post());
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await s.get('/api/groups/web/pause', { method: 'POST', headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await s.get('/api/groups/web/pause', post('wrong'))).status).toBe(403);
    expect((await s.get('/api/groups/web/pause', post(`${SECRETS.server}x`))).status).toBe(403);
    expect(s.store.isPaused('web')).toBe(false);

    const ok = await s.get('/api/groups/web/pause', post(SECRETS.server));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ group: 'web', paused: true });
    expect(s.store.isPaused('web')).toBe(true);
    expect(((await (await s.get('/status')).json()) as { paused: string[] }).paused).toEqual(['web']);

    expect((await s.get('/api/groups/web/resume', post(SECRETS.server))).status).toBe(200);
    expect(s.store.isPaused('web')).toBe(false);
    expect((await s.get('/api/groups/nope/pause', post(SECRETS.server))).status).toBe(404);
    expect((await s.get('/api/groups/web/pause')).status).toBe(405);

    // Every token check went through the constant-time compare, on equal-length digests.
    expect(compare).toHaveBeenCalledTimes(5);
    for (const [a, b] of compare.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  it('refuses state-changing calls with 403 when no token is configured', async () => {
    const s = await setup({ token: false });
    const res = await s.get('/api/groups/web/pause', post('anything'));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe(NO_TOKEN_MESSAGE);
    expect(NO_TOKEN_MESSAGE).toMatch(/configure/);
    expect(s.store.isPaused('web')).toBe(false);
  });

  it('serves the page and uPlot, 404s the rest, and rejects path tricks', async () => {
    const s = await setup();
    const page = await s.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Relative to the page since 086fdb8, so it works behind adminrouter's /service/<name>/ prefix.
    expect(await page.text()).toContain('src="assets/uPlot.iife.min.js"');
    const uplot = await s.get('/assets/uPlot.iife.min.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toContain('javascript');
    expect((await s.get('/assets/uPlot.min.css')).headers.get('content-type')).toContain('text/css');
    expect((await s.get('/assets/app.js')).status).toBe(200);
    expect((await s.get('/assets/../../package.json')).status).toBe(404);
    expect((await s.get('/assets/%2e%2e/http-server.ts')).status).toBe(404);
    expect((await s.get('/nope')).status).toBe(404);
    expect((await s.get('/status', { method: 'DELETE' })).status).toBe(405);
  });

  it('puts no configured secret in any response, even when errors quote them', async () => {
    const s = await setup({ dryRun: () => Promise.reject(new Error(`ARM said no to ${SECRETS.azure}`)) });
    s.store.record({ at: Date.now(), durationMs: 3, actions: [], error: { kind: 'provider', message: `bad secret ${SECRETS.azure}` } });
    s.store.record(busyReport(Date.now(), `reason with ${SECRETS.mesos}`));
    s.metrics.recordCycle(busyReport(Date.now()));
    s.metrics.error(`kind-${SECRETS.marathon}`);
    const failed = await s.get('/api/plan');
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('[redacted]');
    for (const path of ['/', '/healthz', '/readyz', '/metrics', '/status', '/assets/app.js'])
      expect((await s.get(path)).status).toBe(200);
    await s.get('/api/groups/web/pause', post());
    await s.get('/api/groups/web/pause', post('wrong'));
    await s.get('/api/groups/web/pause', post(SECRETS.server));
    await s.get('/api/groups/nope/resume', post(SECRETS.server));
    expect(s.bodies.length).toBeGreaterThan(20);
    for (const body of s.bodies) for (const secret of Object.values(SECRETS)) expect(body).not.toContain(secret);
  });
});
