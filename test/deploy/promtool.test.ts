/**
 * Prometheus' own linter and rule tester over what we ship: every metric name of /metrics
 * (`promtool check metrics`), the alert rules (`promtool check rules`) and their unit tests
 * (`promtool test rules`). promtool comes with Debian's `prometheus` package (scripts/test-setup.sh).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/server/metrics.js';
import { busyReport } from '../server/fixtures.js';

const PROMTOOL = '/usr/bin/promtool';
const RULES_DIR = join(import.meta.dirname, '../../deploy/prometheus');

/**
 * prom-client's standard Node.js gauges whose names end in `_total` (prom-client lib/metrics/
 * processHandles.js, processRequests.js, processResources.js). promtool flags them, but they keep
 * these names so the common Node.js dashboards find them; nothing of ours is exempt.
 */
const UPSTREAM_NAMES = new Set(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']);

function promtool(args: readonly string[], stdin = ''): Promise<{ code: number | null; out: string }> {
  if (!existsSync(PROMTOOL)) throw new Error(`promtool not found at ${PROMTOOL}: install Debian's prometheus package (npm test does it)`);
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { cwd: RULES_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

describe('promtool', () => {
  it('finds no problem in any metric name or help of ours, after a busy cycle and with process metrics on', async () => {
    const m = new Metrics({ groups: [{ name: 'web', min: 1, max: 10 }, { name: 'batch', min: 0, max: 5 }] });
    m.recordCycle(busyReport(Date.now()));
    m.observeMesos('agents', 0.1);
    m.observeMarathon('queue', 0.2);
    m.observeCloud('azure-vmss', 'describe', 1.2);
    const text = await m.text();
    const { out } = await promtool(['check', 'metrics'], text);
    const problems = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .filter((l) => !UPSTREAM_NAMES.has(l.split(' ')[0] ?? ''));
    expect(problems).toEqual([]);
    // The check saw our series, not an empty page.
    expect(text).toContain('mesos_autoscaler_desired_nodes{group="web"} 5');
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('accepts the alert rules', async () => {
    const r = await promtool(['check', 'rules', 'mesos-autoscaler.rules.yml']);
    expect(r.out).toContain('SUCCESS: 5 rules found');
    expect(r.code).toBe(0);
  });

  it('passes the rules\' unit tests: each alert fires when it should and not before', async () => {
    const r = await promtool(['test', 'rules', 'mesos-autoscaler.rules.test.yml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('finds every metric an alert rule names in what /metrics exports', async () => {
    const { readFile } = await import('node:fs/promises');
    const rules = await readFile(join(RULES_DIR, 'mesos-autoscaler.rules.yml'), 'utf8');
    const named = new Set(rules.match(/\b(?:mesos_autoscaler_[a-z_]+|process_start_time_seconds)\b/g) ?? []);
    const text = await new Metrics({ groups: [{ name: 'web', min: 1, max: 10 }] }).text();
    for (const name of named) expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
  });
});
