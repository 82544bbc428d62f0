/**
 * The Grafana dashboard in deploy/grafana: every query is valid PromQL (promtool parses it as a
 * recording rule) and names only metrics /metrics exports, and the panels do not overlap.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Metrics } from '../../src/server/metrics.js';

const PROMTOOL = '/usr/bin/promtool';
const DASHBOARD = join(import.meta.dirname, '../../deploy/grafana/mesos-autoscaler.json');

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly { readonly expr: string }[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[]; templating: { list: { name: string; query: unknown }[] } };
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const variableQueries = dashboard.templating.list.map((v) => v.query).flatMap((q) => (typeof q === 'object' && q !== null && 'query' in q ? [String(q.query)] : []));

/** Grafana's variables as Prometheus would receive them after interpolation. */
const interpolate = (e: string): string => e.replaceAll('$__rate_interval', '1m').replace(/\$(job|instance|group)\b/g, '.*');

describe('Grafana dashboard', () => {
  it('has queries in every graph and stat panel', () => {
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(10);
    for (const p of graphs) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('writes every query in valid PromQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    try {
      const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: interpolate(e) })) }] };
      writeFileSync(join(dir, 'rules.yml'), stringify(rules));
      const r = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names only metrics the service exports', async () => {
    const text = await new Metrics({ groups: [{ name: 'web', min: 1, max: 3 }] }).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1]}_bucket`] : [m[1] ?? ''])));
    const named = new Set([...exprs, ...variableQueries].flatMap((e) => e.match(/\b(?:mesos_autoscaler|process|nodejs)_[a-z0-9_]+/g) ?? []));
    expect(named.size).toBeGreaterThan(20);
    for (const n of named) expect(exported.has(n), n).toBe(true);
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const g = p.gridPos;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});
