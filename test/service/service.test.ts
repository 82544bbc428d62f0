import { afterEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/cli/service.js';
import type { StatusView } from '../../src/server/index.js';
import type { EmulatedCluster } from '../../src/sim/emulator/index.js';
import { waitFor } from '../support/services.js';
import { getJson, postApp, quietLogger, recording, serviceConfig, startCluster, TOKEN, type ProviderCall } from './fixtures.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(opts: { events?: boolean } = {}): Promise<{ emu: EmulatedCluster; service: Service; calls: ProviderCall[]; url: string }> {
  const emu = await startCluster();
  cleanup.push(() => emu.close());
  const calls: ProviderCall[] = [];
  const service = await startService({
    config: serviceConfig(emu),
    logger: quietLogger(),
    simulated: recording(emu.provider, calls),
    processMetrics: false,
    ...(opts.events !== undefined ? { events: opts.events } : {}),
  });
  cleanup.push(() => service.stop());
  if (!service.url) throw new Error('no server url');
  const url = service.url;
  // The first cycle runs at start; wait for it so later cycles are caused by events.
  await waitFor('first cycle', () => service.store.view().lastCycle);
  return { emu, service, calls, url };
}

const ups = (calls: readonly ProviderCall[]): ProviderCall[] => calls.filter((c) => c.op === 'setDesiredSize');

describe('the service against an emulated cluster', () => {
  it('a new waiting app triggers a scale-up within 1 s although the timer is 60 s', async () => {
    const { emu, service, calls } = await setup();
    await waitFor('both event streams connected', () => {
      const s = service.triggers?.stats();
      return s?.mesos.connected && s.marathon.connected ? true : undefined;
    });
    expect(ups(calls)).toEqual([]);
    const posted = await postApp(emu, '/wide', 2, 3);
    const call = await waitFor('scale-up call', () => ups(calls)[0], 5_000, 5);
    const reactionMs = call.at - posted;
    console.log(`reaction: ${reactionMs} ms from POST /v2/apps to setDesiredSize`);
    expect(call.size).toBeGreaterThan(1);
    expect(reactionMs).toBeLessThan(1_000);
  });

  it('without events the same app waits for the 60 s timer', async () => {
    const { emu, calls } = await setup({ events: false });
    await postApp(emu, '/wide', 2, 3);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(ups(calls)).toEqual([]);
  });

  it('/status shows the groups and the last plan; /metrics counts decisions', async () => {
    const { url, emu, calls } = await setup();
    await postApp(emu, '/wide', 2, 3);
    await waitFor('scale-up call', () => ups(calls)[0]);
    const status = await waitFor('status with a scale-up plan', async () => {
      const s = await getJson<StatusView>(`${url}/status`);
      return s.groups[0]?.plan?.direction === 'up' ? s : undefined;
    });
    expect(status.groups.map((g) => g.name)).toEqual(['web']);
    const web = status.groups[0];
    expect(web?.plan?.reasons.length).toBeGreaterThan(0);
    expect(web?.plan?.target).toBeGreaterThan(web?.plan?.current ?? 0);
    expect(status.leader).toMatchObject({ mode: 'single', role: 'leader' });
    expect(status.events.some((e) => e.message.includes('set-size done'))).toBe(true);
    expect(JSON.stringify(status)).not.toContain(TOKEN);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/mesos_autoscaler_decisions_total\{group="web",direction="up"\} [1-9]/);
    expect(metrics).toMatch(/mesos_autoscaler_scale_actions_total\{group="web",direction="up",result="ok"\} 1/);
    expect(metrics).toMatch(/mesos_autoscaler_mesos_request_duration_seconds_count\{endpoint="agents"\} [1-9]/);
    expect(metrics).toMatch(/mesos_autoscaler_cloud_request_duration_seconds_count\{provider="simulated",operation="setDesiredSize"\} 1/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('/status says whether agents and the launch queue are followed from events or polled', async () => {
    const { url } = await setup();
    const status = await waitFor('both models in sync', async () => {
      const s = await getJson<StatusView>(`${url}/status`);
      return s.sources?.mesos?.mode === 'events' && s.sources.marathon?.mode === 'events' ? s : undefined;
    });
    expect(status.sources?.mesos).toMatchObject({ connected: true, refused: false });
    expect(status.sources?.mesos?.syncs).toBeGreaterThanOrEqual(1);
    expect(status.sources?.marathon).toMatchObject({ connected: true, refused: false });

    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const polled = await startService({
      config: serviceConfig(emu, { mesos: { masters: [emu.masterUrl], stateFrom: 'poll' }, marathon: { url: emu.marathonUrl, queueFrom: 'poll' } }),
      logger: quietLogger(),
      simulated: recording(emu.provider, []),
      processMetrics: false,
    });
    cleanup.push(() => polled.stop());
    await waitFor('first cycle', () => polled.store.view().lastCycle);
    expect(polled.store.view().sources).toEqual({
      mesos: { mode: 'poll', connected: false, refused: false, events: 0, syncs: 0 },
      marathon: { mode: 'poll', connected: false, refused: false, events: 0, syncs: 0 },
    });
  });

  it('a paused group is not scaled; resumed, it is', async () => {
    const { url, emu, calls, service } = await setup();
    const noAuth = await fetch(`${url}/api/groups/web/pause`, { method: 'POST' });
    expect(noAuth.status).toBe(401);
    const paused = await fetch(`${url}/api/groups/web/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(paused.status).toBe(200);
    expect(service.controller.memory('web').paused).toBe(true);

    const cyclesBefore = service.store.view().lastCycle?.cycles ?? 0;
    await postApp(emu, '/wide', 2, 3);
    await waitFor('a cycle after the post', () => ((service.store.view().lastCycle?.cycles ?? 0) > cyclesBefore ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(ups(calls)).toEqual([]);
    const status = await getJson<StatusView>(`${url}/status`);
    expect(status.paused).toEqual(['web']);

    const resumed = await fetch(`${url}/api/groups/web/resume`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(resumed.status).toBe(200);
    // Resuming does not wake the loop by itself; the next event does (here: scaling the app).
    await fetch(`${emu.marathonUrl}/v2/apps/wide`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: 3 }) });
    await waitFor('scale-up after resume', () => ups(calls)[0], 5_000);
  });

  it('stopped while its first cycle runs, it stops at once rather than after a whole 60 s timer', async () => {
    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const service = await startService({ config: serviceConfig(emu), logger: quietLogger(), simulated: recording(emu.provider, []), processMetrics: false, events: false });
    // startService has begun the first cycle (its reads are on the wire); stop lands inside it.
    expect(service.store.view().lastCycle).toBeUndefined();
    const t0 = Date.now();
    await service.stop();
    await service.done;
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('stops cleanly: loop, streams and server', async () => {
    const { service, url } = await setup();
    await service.stop();
    await service.done;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // A second stop is harmless (SIGTERM after SIGINT).
    await service.stop();
  });
});
