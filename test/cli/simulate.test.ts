import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const TRACE = `submit_s,duration_s,instances,cpus,mem,disk,gpus,constraints,kind,app
0,inf,4,2,4096,0,0,,service,/web
60,1800,6,4,8192,0,0,,batch,etl
900,600,10,1,1024,0,0,,batch,burst
3000,600,2,8,16384,0,0,,batch,big
`;

describe('simulate CLI', () => {
  it('--compare prints one table and writes JSON and SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const trace = join(dir, 'trace.csv');
    writeFileSync(trace, TRACE);
    const out = join(dir, 'out');
    const r = await runCli(['simulate', '--trace', trace, '--compare', 'original,demand-aware', '--out', out, '--node-cpus', '8', '--node-mem', '32768', '--max', '8'], { timeoutMs: 25_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +original +demand-aware\n/);
    expect(r.stdout).toMatch(/node-hours +[\d.,]+ +[\d.,]+/);
    expect(r.stdout).toMatch(/oracle cost/);
    expect(r.stdout).toMatch(/wait p95 \(s\)/);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { reports: { policy: string; figures: { nodeHours: number } }[] };
    expect(json.reports.map((x) => x.policy)).toEqual(['original', 'demand-aware']);
    expect(json.reports.every((x) => x.figures.nodeHours > 0)).toBe(true);
    const svg = readFileSync(join(out, 'report.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // The policies scale here, and the summary line gives the table's scaling-actions figures.
    const table = /scaling actions +(\d+) +(\d+)\n/.exec(r.stdout)?.slice(1, 3);
    expect(table?.some((n) => Number(n) > 0)).toBe(true);
    expect([...r.stdout.matchAll(/^(?:original|demand-aware): .*scaling actions (\d+) /gm)].map((m) => m[1])).toEqual(table);
  });

  it('generates a trace and takes a YAML config file as a policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const policy = join(dir, 'wide-band.yaml');
    writeFileSync(policy, 'groups:\n  - name: agents\n    policies: [target, pending]\n    targetUtilization: { low: 50, high: 70 }\n');
    const r = await runCli(['simulate', '--trace', 'generate:4:1:8:400', '--hours', '6', '--compare', `threshold,${policy}`, '--out', join(dir, 'out')], { timeoutMs: 25_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/threshold +wide-band/);
    expect(r.stdout).toMatch(/wrote .*report\.json and .*report\.svg/);
  });

  it('prints the strict and boot-aware bounds beside the oracle, explains θ/τ/υ, and gives one scaling-actions figure in table and summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const r = await runCli(['simulate', '--trace', 'test/fixtures/traces/sample.swf', '--format', 'swf', '--compare', 'original,demand-aware', '--out', dir, '--node-cpus', '8', '--node-mem', '32768'], { timeoutMs: 25_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/strict lower bound node-hours +[\d.,]+ +[\d.,]+\nboot-aware bound node-hours +[\d.,]+ +[\d.,]+\noracle node-hours \(packing\)/);
    expect(r.stdout).toMatch(/node-hours +[\d.,]+ +[\d.,]+\n +× strict bound +[\d.]+× +[\d.]+×\n +× boot-aware bound +[\d.]+× +[\d.]+×/);
    expect(r.stdout).toContain('boot-aware bound: the strict bound with each sample raised');
    for (const word of ['θU under-provisioning accuracy', 'τO over-provisioning timeshare', 'υ instability']) expect(r.stdout).toContain(word);
    const table = /scaling actions +(\d+) +(\d+)\n/.exec(r.stdout);
    const summary = [...r.stdout.matchAll(/^(original|demand-aware): .*scaling actions (\d+) /gm)].map((m) => m[2]);
    expect(table?.slice(1, 3)).toEqual(summary);
    expect(r.stdout).toMatch(/5 tasks over [\d.]+ h \(2 rows or tasks skipped\)/);
    expect(readFileSync(join(dir, 'report.svg'), 'utf8')).toMatch(/× strict bound; strict bound [\d.,]+, packing oracle/);
  });

  it('--json prints exactly the report on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const r = await runCli(['simulate', '--trace', 'test/fixtures/traces/azure-2017-vmtable-sample.csv', '--format', 'azure2017', '--hours', '2', '--json', '--out', dir], { timeoutMs: 25_000 });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { reports: { policy: string; figures: { nodeHoursOverLowerBound: number } }[]; definitions: Record<string, string> };
    expect(printed.reports.map((x) => x.policy)).toEqual(['demand-aware']);
    expect(printed.reports[0]?.figures.nodeHoursOverLowerBound).toBeGreaterThanOrEqual(1);
    expect(r.stdout).toBe(readFileSync(join(dir, 'report.json'), 'utf8'));
  });

  it('takes the node shape from Google machine_events: the most common machine, sized against the largest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const r = await runCli(['simulate', '--trace', 'test/fixtures/traces/google-task-events-sample.csv', '--format', 'google2011', '--machines', 'test/fixtures/traces/google-machine-events-sample.csv', '--node-cpus', '32', '--node-mem', '131072', '--out', dir], { timeoutMs: 25_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nodes of 16 cpus / 65470 MB');
    expect(r.stdout).toContain('node shape 16 cpus / 65470 MB: 0.5 cpu / 0.4995 mem of the largest machine, 60.0 % of 5 machines');
  });

  it('exits 2 saying why when a trace has no data rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'submit_s,duration_s,instances,cpus,mem,disk,gpus,constraints,kind\n');
    const r = await runCli(['simulate', '--trace', empty, '--out', dir], { timeoutMs: 25_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/empty\.csv \(format csv\): no data rows/);
  });

  it('exits 2 listing the reasons when no row of a trace is usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const unusable = join(dir, 'unusable.swf');
    writeFileSync(unusable, '; all jobs were cancelled before they ran\n1 0 -1 -1 -1 -1 -1 4 60 -1 5 1 1 1 1 1 -1 -1\n2 5 -1 -1 -1 -1 -1 2 60 -1 5 1 1 1 1 1 -1 -1\n');
    const r = await runCli(['simulate', '--trace', unusable, '--format', 'swf', '--out', dir], { timeoutMs: 25_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/none of its 2 rows or tasks is usable; the first of them:\n  line 2: job 1 has no run time\n  line 3: job 2 has no run time/);
  });

  it('exits 2 naming an unknown policy', async () => {
    const r = await runCli(['simulate', '--trace', 'generate:1:1:5:100', '--policy', 'magic', '--out', mkdtempSync(join(tmpdir(), 'simulate-'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown policy "magic"/);
  });
});
