import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { demoConfig, runDemo, wireDemo } from '../../../src/cli/demo.js';
import { actionLine, DemoNarrator, WIDTH as DEMO_WIDTH, wrap } from '../../../src/cli/demo-output.js';
import { waitFor } from '../../support/services.js';
import { VirtualClock } from '../../../src/sim/cluster/virtual-clock.js';
import { modelAgents, modelPending } from '../../../src/sim/cluster/model-view.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../../src/sim/emulator/index.js';
import { scenarioConfig, simGroupsFor } from '../../../src/sim/replay/index.js';
import { createLogger } from '../../../src/util/logger.js';
import { runCli } from '../../support/cli.js';

let emu: EmulatedCluster | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

// The width the issue asks for, independent of the constant in the code.
const WIDTH = 120;

describe('demo', () => {
  it('the real Mesos and Marathon clients read the emulator as the in-process view sees it', async () => {
    const clock = new VirtualClock(Date.now());
    const probe = scenarioConfig([{ name: 'general', cpus: 8, mem: 32768, min: 2, max: 6 }]);
    emu = await startEmulatedCluster({ clock, groups: simGroupsFor(probe, { initial: { general: 3 } }), cluster: { seed: 3 } });
    emu.cluster.createApp({ id: '/web', instances: 4, cpus: 1, mem: 1024 });
    emu.cluster.createApp({ id: '/big', instances: 2, cpus: 12, mem: 4096 });
    clock.advance(5_000);
    // Dry run: the cycle observes and plans over HTTP but changes nothing.
    const config = { ...demoConfig(emu.masterUrl, emu.marathonUrl), dryRun: true };
    const controller = wireDemo(config, emu, createLogger('silent'));
    const report = await controller.cycle();
    expect(report.error).toBeUndefined();
    expect(report.plan?.groups.map((g) => g.group)).toEqual(['general', 'large']);
    const snap = controller.snapshot();
    expect(snap).toBeDefined();
    if (!snap) return;
    const model = modelAgents(emu.cluster);
    expect(snap.agents.map((a) => a.hostname).sort()).toEqual(model.map((a) => a.hostname).sort());
    for (const a of model) {
      const read = snap.agents.find((x) => x.hostname === a.hostname);
      expect(read?.used.cpus).toBeCloseTo(a.used.cpus, 9);
      expect(read?.total.cpus).toBe(a.total.cpus);
      expect(read?.attributes['node-group']).toBe('general');
    }
    const waiting = modelPending(emu.cluster);
    expect(snap.pending.map((p) => [p.id, p.count])).toEqual(waiting.map((p) => [p.id, p.count]));
    expect(snap.pending.find((p) => p.id === '/big')?.resources.cpus).toBe(12);
    expect(snap.groups['general']?.instances.length).toBe(3);
  });

  it('demo --duration runs the real path briefly and prints decisions, then exits', async () => {
    // 50 minutes: demand-aware keeps 3 % headroom, so its first scale-up comes after about half an hour
    // of work arriving, in whichever group fills first (since the 97 % cap, `large`; `general` at 92 %).
    const r = await runCli(['demo', '--duration', '50', '--speed', '480'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emulated Mesos master http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/t\+00:0\d general +nodes \d+/);
    expect(r.stdout).toMatch(/cpu +\d+%/);
    expect(r.stdout).toMatch(/=> set-size (general|large): set size \d+ -> \d+/);
    expect(r.stdout).toMatch(/demo stopped after t\+00:\d\d simulated: \d+ cycles/);
    // The final summary: what the run paid for and how long work waited.
    expect(r.stdout).toMatch(/^node-hours \d+\.\d \(general \d+\.\d, large \d+\.\d\); cost \d+\.\d\d at general 0\.4\/h, large 1\.6\/h$/m);
    expect(r.stdout).toMatch(/^waits before launch: \d+ instances placed, p50 \d+ s, p95 \d+ s, max \d+ s; \d+ never placed; \d+ instance-seconds/m);
    // The status page's URL comes first, on loopback with a free port.
    expect(r.stdout.split('\n')[0]).toMatch(/^status page: http:\/\/127\.0\.0\.1:\d+\/ /);
    expect(r.stdout).toMatch(/times are simulated/);
    for (const line of r.stdout.split('\n')) {
      expect(line.length, line).toBeLessThanOrEqual(WIDTH);
      expect(line).not.toContain('…');
    }
  });

  it('prints changes and a periodic summary, not a line per group per cycle', async () => {
    const r = await runCli(['demo', '--duration', '8', '--speed', '120', '--summary-every', '60', '--no-listen'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    const cycles = Number(/simulated: (\d+) cycles/.exec(r.stdout)?.[1]);
    expect(cycles).toBeGreaterThan(3);
    // One summary (at the start) in 8 simulated minutes with a summary every 60.
    expect(r.stdout.match(/summary \(simulated time\)/g)).toHaveLength(1);
    expect(r.stdout.match(/^t\+\d\d:\d\d general +nodes \d+.* cpu /gm)).toHaveLength(1);
    expect(r.stdout).not.toMatch(/^status page:/m);
  });

  it('serves the status page while it runs, with the demo\'s groups and their history', async () => {
    const lines: string[] = [];
    const ac = new AbortController();
    let pageUrl: string | undefined;
    const done = runDemo({ speed: 60, seed: 7, listen: '127.0.0.1:0', signal: ac.signal, write: (l) => lines.push(l) });
    try {
      await waitFor('a first summary', () => (lines.some((l) => l.includes('summary')) ? true : undefined), 20_000);
      pageUrl = /^status page: (\S+)/.exec(lines[0] ?? '')?.[1];
      expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const status = (await (await fetch(`${pageUrl}status`)).json()) as { groups: { name: string; history: unknown[] }[]; leader: { role: string } };
      expect(status.groups.map((g) => g.name)).toEqual(['general', 'large']);
      expect(status.groups[0]?.history.length).toBeGreaterThan(0);
      expect(status.leader.role).toBe('leader');
      const metrics = await (await fetch(`${pageUrl}metrics`)).text();
      expect(metrics).toMatch(/mesos_autoscaler_desired_nodes\{group="general"\} \d+/);
      expect((await fetch(pageUrl ?? '')).headers.get('content-type')).toContain('text/html');
    } finally {
      ac.abort();
      await done;
    }
    // Stopped: the page is gone with the demo.
    await expect(fetch(`${pageUrl}status`)).rejects.toThrow();
  });
  it('answers a bad --listen as a usage error (exit 2) naming the address', async () => {
    const r = await runCli(['demo', '--listen', 'nonsense'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nonsense" is not host:port');
  });

  it('stops cleanly on SIGTERM', async () => {
    const r = await runCli(['demo', '--speed', '60'], { timeoutMs: 30_000, until: (out) => /t\+00:0\d general +nodes \d+/.test(out.stdout) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo stopped after/);
  });
});

describe('demo output', () => {
  it('wraps long text to 120 columns under its first line, without losing a character', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9/:.()-]{1,150}$/), { minLength: 1, maxLength: 60 }), (words) => {
        const text = `t+00:00 general  ${words.join(' ')}`;
        const lines = wrap(text);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(WIDTH);
        lines.slice(1).forEach((l) => expect(l.startsWith(' '.repeat(10))).toBe(true));
        expect(lines.map((l) => l.trim()).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }),
    );
    expect(wrap('short line')).toEqual(['short line']);
    expect(DEMO_WIDTH).toBe(WIDTH);
  });

  it('never prints a failure with the success marker', () => {
    const failed = actionLine({ at: 0, group: 'general', kind: 'set-size', detail: 'set size 3 -> 5: cloud said no', ok: false, dryRun: false }, 't+00:01');
    expect(failed.join('\n')).toMatch(/^t\+00:01 +!! set-size general FAILED: set size 3 -> 5: cloud said no$/);
    expect(failed.join('\n')).not.toContain('=>');
    const done = actionLine({ at: 0, group: 'general', kind: 'set-size', detail: 'set size 3 -> 5', ok: true, dryRun: false }, 't+00:01');
    expect(done.join('\n')).toMatch(/=> set-size general: set size 3 -> 5$/);
    const narrator = new DemoNarrator(demoConfig('http://127.0.0.1:1', 'http://127.0.0.1:2'), 30 * 60_000);
    const out = narrator.cycle({ at: 0, durationMs: 1, actions: [], error: { kind: 'mesos-unreachable', message: 'connect ECONNREFUSED' } }, undefined, 0);
    expect(out).toEqual(['t+00:00 !! observation failed (mesos-unreachable): connect ECONNREFUSED']);
    // The same failure again is not repeated; the recovery is said once.
    expect(narrator.cycle({ at: 1, durationMs: 1, actions: [], error: { kind: 'mesos-unreachable', message: 'connect ECONNREFUSED' } }, undefined, 60_000)).toEqual([]);
    const back = narrator.cycle({ at: 2, durationMs: 1, actions: [], plan: { at: 2, groups: [] } }, undefined, 120_000);
    expect(back).toEqual(['t+00:02    observation is back after 2 failed or skipped cycle(s)']);
  });
});
