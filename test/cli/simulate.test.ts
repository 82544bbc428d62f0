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
    const r = await runCli(['simulate', '--trace', trace, '--compare', 'original,demand-aware', '--out', out, '--node-cpus', '8', '--node-mem', '32768', '--max', '8'], { timeoutMs: 30_000 });
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
  });

  it('generates a trace and takes a YAML config file as a policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const policy = join(dir, 'wide-band.yaml');
    writeFileSync(policy, 'groups:\n  - name: agents\n    policies: [target, pending]\n    targetUtilization: { low: 50, high: 70 }\n');
    const r = await runCli(['simulate', '--trace', 'generate:4:1:8:400', '--hours', '6', '--compare', `threshold,${policy}`, '--out', join(dir, 'out')], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/threshold +wide-band/);
    expect(r.stdout).toMatch(/wrote .*report\.json and .*report\.svg/);
  });

  it('exits 2 naming an unknown policy', async () => {
    const r = await runCli(['simulate', '--trace', 'generate:1:1:5:100', '--policy', 'magic', '--out', mkdtempSync(join(tmpdir(), 'simulate-'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown policy "magic"/);
  });
});
