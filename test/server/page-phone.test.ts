import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { DescribedGate, LeaderStatus } from '../../src/controller/leader-gate.js';
import { HttpServer } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { CHROMIUM_ARGS, findChromium } from '../support/services.js';
import { busyReport, groupPlan, report, testConfig } from './fixtures.js';

/** A gate whose leadership the test sets. */
class TestGate implements DescribedGate {
  status: LeaderStatus = { mode: 'zookeeper', role: 'follower', term: 0, replicaId: 'replica-b:4242' };
  isLeader(): boolean {
    return this.status.role === 'leader';
  }
  term(): number {
    return this.status.term;
  }
  describe(): LeaderStatus {
    return this.status;
  }
}

let browser: Browser;
const servers: HttpServer[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

async function serve(store: StatusStore): Promise<string> {
  const s = new HttpServer({ handle: createHandle({ store, dryRun: () => Promise.reject(new Error('unused')) }), metrics: new Metrics({ processMetrics: false }), port: 0 });
  servers.push(s);
  return (await s.listen()).url;
}

describe('status page at phone width (390 px) in Chromium', () => {
  it('fits the screen without sideways scrolling, with every chart inside it', async () => {
    const store = new StatusStore({ groups: testConfig().groups });
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 6; i++) store.record(busyReport(t0 + i * 10_000));
    store.setInFlight([{ group: 'web', kind: 'drain', detail: 'a-very-long-hostname-without-spaces.eu-west-1.compute.internal (instance i-0123456789abcdef0): draining, next wait for tasks', since: Date.now() }]);
    const url = await serve(store);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await page.goto(url + '/');
    await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined);
    const sizes = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      charts: [...document.querySelectorAll('[data-testid^="chart-"] .uplot')].map((c) => c.getBoundingClientRect().right),
    }));
    expect(sizes.scroll).toBeLessThanOrEqual(390);
    expect(sizes.charts).toHaveLength(2);
    for (const right of sizes.charts) expect(right).toBeLessThanOrEqual(390);
    const dir = join(tmpdir(), 'mesos-autoscaler-screens');
    mkdirSync(dir, { recursive: true });
    const shot = await page.screenshot({ path: join(dir, 'status-390.png'), fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });

  it('plots pending instances on an axis of their own, not on the nodes axis', async () => {
    const store = new StatusStore({ groups: testConfig().groups });
    const t0 = Date.now() - 60_000;
    store.record(report(t0, [groupPlan({ group: 'web', figures: { 'util.cpus': 0.9, 'nodes.active': 3, 'pending.instances': 200 } })]));
    store.record(report(t0 + 10_000, [groupPlan({ group: 'web', figures: { 'util.cpus': 0.9, 'nodes.active': 3, 'pending.instances': 180 } })]));
    const url = await serve(store);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url + '/');
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-web"] canvas') !== null);
    const scales = await page.getByTestId('chart-web').getAttribute('data-scales');
    expect(scales?.split(',')).toEqual(['nodes:n', 'target:n', 'pending:p', 'cpus %:%']);
    await expect(page.getByTestId('chart-web').locator('.u-legend').innerText()).resolves.toContain('pending');
    await page.close();
  });

  it('says who leads: this replica with its term, or that another replica does', async () => {
    const gate = new TestGate();
    const store = new StatusStore({ groups: testConfig().groups, gate });
    const url = await serve(store);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url + '/');
    await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined);
    await expect(page.getByTestId('leader').innerText()).resolves.toBe('leader: another replica; this one (replica-b:4242) follows');
    gate.status = { mode: 'zookeeper', role: 'leader', term: 7, replicaId: 'replica-b:4242' };
    await page.waitForFunction(() => document.querySelector('[data-testid="leader"]')?.textContent?.includes('term 7') ?? false, undefined, { timeout: 10_000 });
    await expect(page.getByTestId('leader').innerText()).resolves.toBe('leader: this replica (replica-b:4242), term 7');
    await page.close();
  });
});
