import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/server/http-server.js';
import { Metrics } from '../../src/server/metrics.js';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { startPrometheus, waitFor, type PrometheusService } from '../support/services.js';
import { busyReport, groupPlan, report, testConfig } from '../server/fixtures.js';

let server: HttpServer;
let metrics: Metrics;
let prometheus: PrometheusService;

beforeAll(async () => {
  const config = testConfig();
  const store = new StatusStore({ groups: config.groups });
  metrics = new Metrics();
  server = new HttpServer({ handle: createHandle({ store, dryRun: () => Promise.reject(new Error('unused')) }), metrics, port: 0 });
  const { host, port } = await server.listen();
  prometheus = await startPrometheus([`${host}:${port}`]);
});

afterAll(async () => {
  await prometheus?.stop();
  await server?.close();
});

describe('a real Prometheus scraping /metrics', () => {
  it('sees our gauges and counters, and follows a new cycle', async () => {
    metrics.recordCycle(busyReport(Date.now()));
    const desired = await waitFor(
      'desired_nodes in Prometheus',
      async () => {
        const r = await prometheus.query('mesos_autoscaler_desired_nodes');
        return r.length === 2 ? r : undefined;
      },
      20_000,
      250,
    );
    const byGroup = Object.fromEntries(desired.map((s) => [s.metric['group'], s.value[1]]));
    expect(byGroup).toEqual({ web: '5', batch: '1' });
    expect(desired[0]?.metric['job']).toBe('mesos-autoscaler');

    const util = await prometheus.query('mesos_autoscaler_utilization_ratio{group="web",resource="cpus"}');
    expect(util[0]?.value[1]).toBe('0.85');
    const up = await prometheus.query('up{job="mesos-autoscaler"}');
    expect(up[0]?.value[1]).toBe('1');

    metrics.recordCycle(report(Date.now(), [groupPlan({ group: 'web', current: 5, target: 7, direction: 'up' })]));
    await waitFor(
      'the new target in Prometheus',
      async () => ((await prometheus.query('mesos_autoscaler_desired_nodes{group="web"}'))[0]?.value[1] === '7' ? true : undefined),
      20_000,
      250,
    );
    const decisions = await prometheus.query('sum(mesos_autoscaler_decisions_total{group="web"})');
    expect(decisions[0]?.value[1]).toBe('2');

    // The standard process metrics arrive unprefixed, next to ours.
    const cpu = await prometheus.query('process_cpu_seconds_total{job="mesos-autoscaler"}');
    expect(cpu).toHaveLength(1);
    const leader = await prometheus.query('mesos_autoscaler_is_leader{job="mesos-autoscaler"}');
    expect(leader[0]?.value[1]).toBe('1');
    const lastCycle = await prometheus.query('time() - mesos_autoscaler_last_successful_cycle_timestamp_seconds');
    expect(Number(lastCycle[0]?.value[1])).toBeLessThan(120);
  });
});
