import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/service.js';
import { configSchema } from '../../src/config/schema.js';
import { queryPrometheus, prometheusPolicy } from '../../src/signals/prometheus.js';
import { prometheusSignalSchema } from '../../src/signals/prometheus-config.js';
import { viewGroup } from '../../src/planner/group-view.js';
import type { SignalReading } from '../../src/model/snapshot.js';
import type { EmulatedCluster } from '../../src/sim/emulator/index.js';
import { agent, config as builderConfig, groupState, snapshot } from '../support/builders.js';
import { startPrometheus, waitFor, type PrometheusService } from '../support/services.js';
import { quietLogger, recording, serviceConfig, startCluster, type ProviderCall } from './fixtures.js';

/** A one-metric exporter whose value the test sets. */
let depth = 0;
let exporter: Server;
let prometheus: PrometheusService;
let emu: EmulatedCluster;

beforeAll(async () => {
  exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE work_queue_depth gauge\nwork_queue_depth{queue="jobs"} ${depth}\n`);
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  prometheus = await startPrometheus([`127.0.0.1:${(exporter.address() as AddressInfo).port}`]);
  emu = await startCluster();
});

afterAll(async () => {
  await emu?.close();
  await prometheus?.stop();
  await new Promise<void>((r) => (exporter ? exporter.close(() => r()) : r()));
});

const signal = (query: string, extra: Record<string, unknown> = {}) => prometheusSignalSchema.parse({ url: prometheus.url, query, ...extra });

describe('the prometheus policy', () => {
  const cfg = builderConfig({ policies: ['prometheus'], prometheus: { url: 'http://127.0.0.1:1', query: 'q', up: 30, down: 5 }, scaleUpStep: 2, scaleDownStep: 1 });
  const group = cfg.groups[0];
  const vote = (reading: SignalReading | undefined) => {
    if (!group) throw new Error('no group');
    const agents = [agent({ id: 'a1' }), agent({ id: 'a2' })];
    const snap = { ...snapshot(agents, { [group.name]: groupState(agents) }), ...(reading ? { signals: { [group.name]: reading } } : {}) };
    return prometheusPolicy({ view: viewGroup(snap, group), snapshot: snap, memory: {}, now: 0 });
  };

  it('votes like the threshold policy on the query value, and holds without a reading', () => {
    expect(vote({ value: 42, source: 'q', readAt: 0 }).target).toBe(4);
    expect(vote({ value: 3, source: 'q', readAt: 0 }).target).toBe(1);
    expect(vote({ value: 10, source: 'q', readAt: 0 }).target).toBe(2);
    expect(vote({ error: 'no data', source: 'q', readAt: 0 })).toMatchObject({ target: 2, reason: expect.stringContaining('no data') });
    expect(vote(undefined).target).toBe(2);
    expect(vote({ value: Number.NaN, source: 'q', readAt: 0 }).target).toBe(2);
  });

  it('is validated in the config: the policy needs the signal, down below up', () => {
    const base = { mesos: { masters: ['http://127.0.0.1:5050'] }, groups: [{ name: 'g', provider: { kind: 'simulated' }, policies: ['prometheus'] }] };
    expect(configSchema.safeParse(base).success).toBe(false);
    const bad = { ...base, groups: [{ ...base.groups[0], prometheus: { url: 'http://p:9090', query: 'q', up: 1, down: 2 } }] };
    expect(configSchema.safeParse(bad).success).toBe(false);
  });
});

describe('the prometheus signal against a real Prometheus', () => {
  it('reads a vector (largest value), a scalar, and reports no data and bad queries as errors', async () => {
    depth = 42;
    await waitFor('scraped', async () => ((await prometheus.query('work_queue_depth'))[0]?.value[1] === '42' ? true : undefined), 20_000, 250);
    expect(await queryPrometheus(signal('work_queue_depth'))).toEqual({ ok: true, value: 42 });
    expect(await queryPrometheus(signal('scalar(work_queue_depth) * 2'))).toEqual({ ok: true, value: 84 });
    expect(await queryPrometheus(signal('absent_metric_xyz'))).toEqual({ ok: false, error: 'no data' });
    const bad = await queryPrometheus(signal('sum(('));
    expect(bad.ok).toBe(false);
    const down = await queryPrometheus(prometheusSignalSchema.parse({ url: 'http://127.0.0.1:1', query: 'up', token: 'prom-secret-token' }));
    expect(down.ok).toBe(false);
    expect(JSON.stringify(down)).not.toContain('prom-secret-token');
  });

  it('the service scales a group up on the query and holds in the band', async () => {
    depth = 50;
    await waitFor('scraped 50', async () => ((await prometheus.query('work_queue_depth'))[0]?.value[1] === '50' ? true : undefined), 20_000, 250);
    const calls: ProviderCall[] = [];
    const base = serviceConfig(emu);
    const config = configSchema.parse({
      timer: 1,
      drain: false,
      mesos: { masters: [emu.masterUrl] },
      groups: [{ ...base.groups[0], provider: { kind: 'simulated' }, policies: ['prometheus'], scaleUpStep: 1, prometheus: { url: prometheus.url, query: 'max(work_queue_depth)', up: 30, down: 5 } }],
    });
    const service = await startService({ config, logger: quietLogger(), simulated: recording(emu.provider, calls), events: false, processMetrics: false });
    try {
      const up = await waitFor('scale-up on the signal', () => calls.find((c) => c.op === 'setDesiredSize'), 10_000);
      expect(up.size).toBe(2);
      const plan = service.store.view().groups[0]?.plan;
      expect(plan?.reasons.join(' ')).toContain('max(work_queue_depth) = 50, at or above 30');

      depth = 10;
      await waitFor('scraped 10', async () => ((await prometheus.query('work_queue_depth'))[0]?.value[1] === '10' ? true : undefined), 20_000, 250);
      const held = await waitFor('a plan in the band', () => {
        const p = service.store.view().groups[0]?.plan;
        return p?.reasons.some((r) => r.includes('between 5 and 30')) ? p : undefined;
      }, 10_000);
      expect(held.direction).toBe('none');
      // In the band the 1 s timer keeps cycling without scaling.
      const count = calls.length;
      const cycles = service.store.view().lastCycle?.cycles ?? 0;
      await new Promise((r) => setTimeout(r, 2_500));
      expect(service.store.view().lastCycle?.cycles ?? 0).toBeGreaterThan(cycles + 1);
      expect(calls).toHaveLength(count);
    } finally {
      await service.stop();
    }
  });
});
