import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { computeFigures } from '../../../src/sim/metrics/figures.js';
import type { MetricSample } from '../../../src/sim/metrics/series.js';
import { bootAwareCounts, oracleSeries, oracleTasksFromTrace } from '../../../src/sim/metrics/oracle.js';
import { offeredCpus } from '../../../src/sim/trace/demand.js';
import { generateTrace } from '../../../src/sim/trace/generator.js';
import { buildReport } from '../../../src/sim/report/build.js';
import { reportsToJson } from '../../../src/sim/report/json.js';
import { formatDefinitions } from '../../../src/sim/report/definitions.js';
import { headline } from '../../../src/sim/report/headline.js';
import { createProgress } from '../../../src/sim/report/progress.js';
import type { SimulationReport } from '../../../src/sim/report/report.js';
import { renderChartSvg, renderChartsSvg } from '../../../src/sim/report/svg.js';
import { formatReportTable } from '../../../src/sim/report/table.js';

const H = 3_600_000;

function report(policy: string, supply: readonly number[], withOracle: boolean): SimulationReport {
  const demand = [2, 4, 8, 3, 4];
  const samples: MetricSample[] = demand.map((d, i) => ({ t: i * H, supply: supply[i] ?? 0, demand: d, nodesByGroup: { a: supply[i] ?? 0 }, pendingInstances: 0 }));
  const figures = computeFigures({
    samples,
    tasks: [{ id: 'x', submittedAt: 0, placedAt: 5000 }],
    endMs: 5 * H,
    pricePerNodeHour: 0.5,
    ...(withOracle ? { oracle: { nodeHours: 20, lowerBoundNodeHours: 19, cost: 10 } } : {}),
  });
  return {
    policy,
    figures,
    series: { unit: 'nodes', t: samples.map((s) => s.t), demand, supply: [...supply], ...(withOracle ? { oracle: [2, 4, 8, 3, 4] } : {}) },
  };
}

const a = report('threshold', [4, 4, 6, 6, 2], true);
const b = report('target <util> & co', [8, 8, 8, 8, 8], true);

/** A tiny well-formedness check: one root <svg>, every tag closed in order; returns the opening tags. */
function checkXml(text: string): { ok: boolean; tags: string[] } {
  const stack: string[] = [];
  const tags: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    // Between tags: only text, no stray "<".
    if (text.slice(last, m.index).includes('<')) return { ok: false, tags };
    last = re.lastIndex;
    const [, close, name = '', , selfClose] = m;
    if (close !== '/') tags.push(name);
    if (close === '/') {
      if (stack.pop() !== name) return { ok: false, tags };
    } else if (selfClose !== '/') stack.push(name);
    if (stack.length === 0 && re.lastIndex < text.trimEnd().length) return { ok: false, tags };
  }
  return { ok: stack.length === 0 && !text.slice(last).includes('<'), tags };
}

describe('report table', () => {
  it('puts policies side by side, aligned', () => {
    const table = formatReportTable([a, b]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+threshold\s+target <util> & co$/);
    // Right-aligned numbers: every row ends in the same column.
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1);
    // threshold: node-hours 4+4+6+6+2 = 22, cost 11.
    expect(table).toMatch(/node-hours\s+22\.0\s+40\.0/);
    expect(table).toMatch(/cost\s+11\.00\s+20\.00/);
    expect(table).toMatch(/wait p50 \(s\)\s+5\.0\s+5\.0/);
    expect(table).toMatch(/θU under-prov\. acc\. %\s+15\.0\s+0\.0/);
  });

  it('prints the strict lower bound beside the packing oracle, and node-hours as a multiple of it', () => {
    const table = formatReportTable([a, b]);
    // Oracle 20 node-hours, strict bound 19; threshold 22 node-hours, the other 40.
    expect(table).toMatch(/strict lower bound node-hours\s+19\.0\s+19\.0\n/);
    expect(table).toMatch(/oracle node-hours \(packing\)\s+20\.0\s+20\.0\n\s+× strict bound\s+1\.05×\s+1\.05×\n/);
    expect(table).toMatch(/node-hours\s+22\.0\s+40\.0\n\s+× strict bound\s+1\.16×\s+2\.11×\n/);
    const rows = formatReportTable([a], { policiesAs: 'rows' });
    expect(rows).toMatch(/node-hours × bound/);
    expect(rows).toMatch(/oracle × bound/);
  });

  it('explains θ, τ, υ and the bounds in words wherever the table prints them', () => {
    const legend = formatDefinitions([a]);
    for (const symbol of ['θU', 'θO', 'τU', 'τO', 'υ instability', 'υ±', 'strict lower bound', 'packing oracle', 'scaling actions']) expect(legend).toContain(symbol);
    expect(formatDefinitions([report('p', [1, 1, 1, 1, 1], false)])).not.toContain('packing oracle');
  });

  it('words the headline figures exactly as the table rounds them', () => {
    const line = headline(a);
    expect(line).toBe('node-hours 22.0 = 1.16× strict bound; strict bound 19.0, packing oracle 20.0; pending 5 task-s; wait p95 5.0 s; never placed 0; scaling actions 2 (1 up, 1 down)');
    const table = formatReportTable([a]);
    expect(table).toMatch(/scaling actions\s+2\n/);
    expect(table).toMatch(/pending task-s\s+5\n/);
  });

  it('can put policies as rows, and leaves out figures nobody has', () => {
    const plain = report('p', [1, 1, 1, 1, 1], false);
    const table = formatReportTable([plain], { policiesAs: 'rows' });
    const [header, rule, row] = table.trimEnd().split('\n');
    expect(header).toMatch(/^policy\s+node-hours\s+cost/);
    expect(header).not.toMatch(/oracle/);
    expect(rule).toMatch(/^-+\s+-+/);
    expect(row).toMatch(/^p\s+5\.0\s+2\.50/);
  });
});

describe('JSON', () => {
  it('writes reports with NaN as null', () => {
    const none = { ...a, figures: { ...a.figures, waits: { ...a.figures.waits, p99: Number.NaN } } };
    const parsed: unknown = JSON.parse(reportsToJson([none]));
    expect(parsed).toMatchObject({ reports: [{ policy: 'threshold', figures: { nodeHours: 22, nodeHoursOverLowerBound: 22 / 19, waits: { p99: null } } }] });
    expect(parsed).toHaveProperty('definitions.thetaU', expect.stringContaining('under-provisioning'));
  });
});

describe('SVG chart', () => {
  it('is well-formed with one path per series, axes, legend and title', () => {
    const svg = renderChartSvg(b);
    expect(svg.startsWith('<svg')).toBe(true);
    const check = checkXml(svg);
    expect(check.ok).toBe(true);
    expect(check.tags.filter((t) => t === 'path')).toHaveLength(3);
    expect(svg).toContain('target &lt;util&gt; &amp; co: demand vs capacity');
    expect(svg).toContain('time (hours)');
    for (const name of ['demand', 'capacity', 'oracle']) expect(svg).toContain(`>${name}</text>`);
    // The headline figures, as the table words them.
    expect(svg).toContain('node-hours 40.0 = 2.11× strict bound');
    expect(svg).toContain('pending 5 task-s; wait p95 5.0 s; never placed 0; scaling actions 0 (0 up, 0 down)');
    // Paths are real step curves: start with a move, then lines.
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+"/);
  });

  it('stacks one chart per policy; two series without an oracle', () => {
    const plain = report('p', [1, 1, 1, 1, 1], false);
    const svg = renderChartsSvg([a, plain]);
    const check = checkXml(svg);
    expect(check.ok).toBe(true);
    expect(check.tags.filter((t) => t === 'path')).toHaveLength(3 + 2);
    expect(check.tags.filter((t) => t === 'svg')).toHaveLength(1);
  });

  it('the checker itself rejects broken markup', () => {
    expect(checkXml('<svg><g></svg>').ok).toBe(false);
    expect(checkXml('<svg></svg><svg></svg>').ok).toBe(false);
  });
});

describe('progress bar', () => {
  it('stays silent when the stream is not a TTY or when disabled', () => {
    for (const [isTTY, enabled] of [[false, true], [true, false]] as const) {
      const stream = Object.assign(new PassThrough(), { isTTY });
      let written = 0;
      stream.on('data', (chunk: Buffer) => (written += chunk.length));
      const bar = createProgress({ total: 10, stream, enabled });
      bar.update(5);
      bar.increment();
      bar.stop();
      expect(written).toBe(0);
    }
  });

  it('names the policy it is running on a terminal', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const bar = createProgress({ total: 10, stream, label: 'original (1/2)' });
    bar.update(5, 'demand-aware (2/2)');
    bar.stop();
    await new Promise((r) => setImmediate(r));
    expect(text).toContain('original (1/2)');
    expect(text).toContain('demand-aware (2/2)');
  });
});

describe('buildReport', () => {
  it('turns the samples, records and oracle of a replay into a report', () => {
    const trace = generateTrace({ seed: 2, days: 1, targetNodes: 10, nodeShape: { cpus: 8, mem: 32768 }, tasks: 400 });
    const step = 10 * 60_000;
    const end = 24 * H;
    const demand = offeredCpus(trace, step, end);
    const times = Array.from(demand, (_, i) => i * step);
    const samples: MetricSample[] = times.map((t, i) => ({ t, supply: 80, demand: demand[i] ?? 0, nodesByGroup: { g: 10 }, pendingInstances: 0 }));
    const oracle = oracleSeries(oracleTasksFromTrace(trace), times, { cpus: 8, mem: 32768, disk: 0, gpus: 0 });
    const r = buildReport({ policy: 'fixed', samples, tasks: [], endMs: end, pricePerNodeHour: 0.25, unit: 'cpus', oracle: { series: oracle, pricePerNodeHour: 0.25, unitsPerNode: 8 } });
    // 10 nodes for 24 h.
    expect(r.figures.nodeHours).toBe(240);
    expect(r.figures.cost).toBe(60);
    expect(r.figures.oracle?.nodeHours).toBeGreaterThan(0);
    expect(r.figures.oracle?.cost).toBeCloseTo((r.figures.oracle?.nodeHours ?? 0) * 0.25);
    expect(r.series.oracle).toEqual(oracle.nodes.map((n) => n * 8));
    expect(r.series.lowerBound).toEqual(oracle.lowerBound.map((n) => n * 8));
    // Demand, capacity, oracle and strict bound: four curves.
    expect(checkXml(renderChartSvg(r)).tags.filter((t) => t === 'path')).toHaveLength(4);
    expect(renderChartSvg(r)).toContain('>strict bound</text>');
    expect(r.series.t).toHaveLength(144);
    expect(checkXml(renderChartSvg(r)).ok).toBe(true);
    expect(formatReportTable([r])).toMatch(/oracle node-hours/);
    // With the cloud's boot delay: the boot-aware bound, as figures, series and a fifth curve.
    const booted = buildReport({ policy: 'fixed', samples, tasks: [], endMs: end, pricePerNodeHour: 0.25, unit: 'cpus', oracle: { series: oracle, pricePerNodeHour: 0.25, unitsPerNode: 8, bootDelayMs: 3 * step } });
    expect(booted.series.bootAware).toEqual(bootAwareCounts(oracle, 3 * step).map((n) => n * 8));
    expect(booted.figures.oracle?.bootAware?.delayMs).toBe(3 * step);
    expect(booted.figures.nodeHoursOverBootAwareBound).toBeCloseTo(240 / (booted.figures.oracle?.bootAware?.lowerBoundNodeHours ?? 0), 12);
    expect(checkXml(renderChartSvg(booted)).tags.filter((t) => t === 'path')).toHaveLength(5);
    expect(renderChartSvg(booted)).toContain('>boot-aware bound</text>');
    // The legend's entries do not overlap and the last ends inside the 900 px chart (11 px text: at
    // most ~6.5 px a character), each as wide as its label.
    const legend = [...renderChartSvg(booted).matchAll(/<text x="([\d.]+)" y="[\d.]+" dominant-baseline="middle" font-size="11">([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), label: m[2] ?? '' }));
    expect(legend.map((e) => e.label)).toEqual(['demand', 'capacity', 'oracle', 'strict bound', 'boot-aware bound']);
    legend.forEach((e, i) => {
      const end = e.x + e.label.length * 6.5;
      expect(end).toBeLessThanOrEqual(legend[i + 1]?.x ?? 900);
    });
    expect(r.series.bootAware).toBeUndefined();
  });
});
