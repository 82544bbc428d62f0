import { afterEach, describe, expect, it } from 'vitest';
import { demoConfig, wireDemo } from '../../../src/cli/demo.js';
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
    const r = await runCli(['demo', '--duration', '12', '--speed', '600'], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emulated Mesos master http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/t\+00:0\d general +nodes \d+/);
    expect(r.stdout).toMatch(/cpu +\d+%/);
    expect(r.stdout).toMatch(/=> set-size general: set size \d+ -> \d+/);
    expect(r.stdout).toMatch(/demo stopped after t\+00:1\d simulated: \d+ cycles/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const r = await runCli(['demo', '--speed', '60'], { timeoutMs: 30_000, until: (out) => /t\+00:02/.test(out.stdout) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo stopped after/);
  });
});
