import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { HttpServer } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { CHROMIUM_ARGS, findChromium } from '../support/services.js';
import { busyReport, groupPlan, report, testConfig } from './fixtures.js';

let server: HttpServer;
let store: StatusStore;
let browser: Browser;
let url: string;

beforeAll(async () => {
  store = new StatusStore({
    groups: testConfig().groups,
    sources: () => ({
      mesos: { mode: 'events', connected: true, refused: false, events: 12, syncs: 1 },
      marathon: { mode: 'poll', connected: false, refused: true, events: 0, syncs: 0 },
    }),
  });
  server = new HttpServer({ handle: createHandle({ store, dryRun: () => Promise.reject(new Error('unused')) }), metrics: new Metrics(), port: 0 });
  ({ url } = await server.listen());
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('status page in Chromium', () => {
  it('shows every group with a chart and plan, and redraws after a new cycle', async () => {
    const t0 = Date.now() - 10_000;
    store.record(busyReport(t0));
    store.record(busyReport(t0 + 5_000));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url + '/');
    await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined);

    for (const g of ['web', 'batch']) {
      await expect(page.getByTestId(`group-${g}`).isVisible()).resolves.toBe(true);
      // uPlot drew a canvas with the series legend.
      await expect(page.getByTestId(`chart-${g}`).locator('canvas').count()).resolves.toBe(1);
    }
    await expect(page.getByTestId('chart-web').locator('.u-legend').innerText()).resolves.toContain('pending');
    await expect(page.getByTestId('plan-web').innerText()).resolves.toContain('4 instances of /web pending');
    await expect(page.getByTestId('plan-batch').innerText()).resolves.toContain('remove b-2.local (i-2)');
    await expect(page.getByTestId('event-log').innerText()).resolves.toContain('drain failed: drain b-2.local');
    await expect(page.getByTestId('leader').innerText()).resolves.toContain('leader');
    await expect(page.getByTestId('sources').innerText()).resolves.toBe('Mesos: events · Marathon: polled (no event stream served)');

    const before = await page.evaluate(() => document.body.dataset.lastUpdate);
    const reason = `12 instances of /api pending at ${Date.now()}`;
    store.record(report(Date.now(), [groupPlan({ group: 'web', current: 5, target: 9, direction: 'up', reasons: [reason] })]));
    store.setInFlight([{ group: 'web', kind: 'scale-up', detail: 'waiting for 4 agents', since: Date.now() }]);
    await page.waitForFunction((r) => document.querySelector('[data-testid="plan-web"]')?.textContent?.includes(r) ?? false, reason, { timeout: 10_000 });
    const after = await page.evaluate(() => document.body.dataset.lastUpdate);
    expect(after).not.toBe(before);
    await expect(page.getByTestId('in-flight').innerText()).resolves.toContain('waiting for 4 agents');
    await expect(page.getByTestId('direction-web').innerText()).resolves.toContain('5 → 9');
    // The chart was updated in place, not stacked.
    await expect(page.getByTestId('chart-web').locator('canvas').count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows groups before the first cycle', async () => {
    const fresh = new StatusStore({ groups: testConfig().groups });
    const s = new HttpServer({ handle: createHandle({ store: fresh, dryRun: () => Promise.reject(new Error('unused')) }), metrics: new Metrics(), port: 0 });
    const { url: u } = await s.listen();
    try {
      const page = await browser.newPage();
      await page.goto(u + '/');
      await page.waitForFunction(() => document.body.dataset.lastUpdate !== undefined);
      await expect(page.getByTestId('plan-batch').innerText()).resolves.toContain('waiting for the first cycle');
      await expect(page.getByTestId('last-cycle').innerText()).resolves.toContain('none yet');
      await page.close();
    } finally {
      await s.close();
    }
  });
});
