import { afterEach, describe, expect, it } from 'vitest';
import { EventTriggers, marathonEventReason, mesosEventReason, type MarathonEventSource } from '../../src/controller/triggers.js';
import { MarathonClient } from '../../src/marathon/client.js';
import type { MarathonEvent } from '../../src/marathon/events.js';
import { MesosClient } from '../../src/mesos/client.js';
import type { MesosEvent } from '../../src/mesos/events.js';
import type { Subscribable } from '../../src/mesos/subscribe.js';
import { err, ok } from '../../src/util/result.js';
import { agent } from '../support/builders.js';
import { waitFor } from '../support/services.js';
import { postApp, quietLogger, serviceConfig, startCluster } from './fixtures.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('which events wake the controller', () => {
  it('Mesos: new tasks, tasks that end or start, agents coming and going', () => {
    const updated = (state: string): MesosEvent => ({ type: 'TASK_UPDATED', frameworkId: 'f', taskId: 't', state });
    expect(mesosEventReason(updated('TASK_FAILED'))).toContain('TASK_FAILED');
    expect(mesosEventReason(updated('TASK_STAGING'))).toContain('TASK_STAGING');
    expect(mesosEventReason(updated('TASK_RUNNING'))).toBeUndefined();
    expect(mesosEventReason({ type: 'AGENT_REMOVED', agentId: 'a' })).toBe('mesos AGENT_REMOVED');
    expect(mesosEventReason({ type: 'HEARTBEAT' })).toBeUndefined();
    expect(mesosEventReason({ type: 'FRAMEWORK_REMOVED', frameworkId: 'f' })).toBeUndefined();
  });

  it('Marathon: waiting or gone instances, deployments, apps posted or scaled', () => {
    const instance = (condition: string): MarathonEvent => ({ type: 'instance_changed_event', instanceId: 'i', runSpecId: '/a', condition });
    expect(marathonEventReason(instance('Scheduled'))).toBeDefined();
    expect(marathonEventReason(instance('Failed'))).toBeDefined();
    expect(marathonEventReason(instance('Running'))).toBeUndefined();
    expect(marathonEventReason({ type: 'status_update_event', appId: '/a', taskId: 't', taskStatus: 'TASK_KILLED' })).toBeDefined();
    expect(marathonEventReason({ type: 'status_update_event', appId: '/a', taskId: 't', taskStatus: 'TASK_RUNNING' })).toBeUndefined();
    expect(marathonEventReason({ type: 'deployment_info' })).toBe('marathon deployment_info');
    expect(marathonEventReason({ type: 'deployment_step_success' })).toBeDefined();
    expect(marathonEventReason({ type: 'other', eventType: 'api_post_event', data: {} })).toBe('marathon api_post_event');
    expect(marathonEventReason({ type: 'other', eventType: 'add_health_check_event', data: {} })).toBeUndefined();
    expect(marathonEventReason({ type: 'event_stream_attached' })).toBeUndefined();
  });
});

describe('EventTriggers with scripted streams', () => {
  it('a failing stream is retried with growing delays and triggers again once back', async () => {
    const attempts: number[] = [];
    let calls = 0;
    const mesos: Subscribable = {
      subscribe: async (onEvent, opts) => {
        attempts.push(Date.now());
        calls++;
        if (calls <= 3) return err({ kind: 'network', message: 'connection refused' });
        await onEvent({ type: 'SUBSCRIBED', state: { agents: [], recoveredAgents: [], frameworks: [] } });
        await onEvent({ type: 'AGENT_ADDED', agent: agent({ id: 'x' }) });
        await new Promise<void>((r) => opts.signal?.addEventListener('abort', () => r(), { once: true }));
        return ok('aborted');
      },
    };
    const reasons: string[] = [];
    const t = new EventTriggers({ trigger: (r) => reasons.push(r), logger: quietLogger(), mesos, initialDelayMs: 20, maxDelayMs: 1_000, minIntervalMs: 0 });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('trigger after reconnect', () => (reasons.includes('mesos AGENT_ADDED') ? true : undefined), 5_000, 5);
    expect(calls).toBe(4);
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? 0));
    expect(gaps[1]).toBeGreaterThanOrEqual(35); // 20 then 40 then 80 ms
    expect(gaps[2]).toBeGreaterThanOrEqual(75);
    expect(t.stats().mesos).toMatchObject({ connects: 1, disconnects: 3, connected: true });
  });

  it('a master without the v1 API is asked once, not retried forever', async () => {
    let calls = 0;
    const mesos: Subscribable = {
      subscribe: async () => {
        calls++;
        return err({ kind: 'http', status: 404, message: 'SUBSCRIBE: HTTP 404' });
      },
    };
    const t = new EventTriggers({ trigger: () => undefined, logger: quietLogger(), mesos, initialDelayMs: 10 });
    t.start();
    cleanup.push(() => t.stop());
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    expect(t.stats().mesos.disconnects).toBe(0);
  });

  it('bursts are throttled: the first event at once, the rest of the burst once at the end of the window', async () => {
    let push: ((e: MarathonEvent) => Promise<void> | void) | undefined;
    const marathon: MarathonEventSource = {
      events: async (onEvent, opts) => {
        push = onEvent;
        await onEvent({ type: 'event_stream_attached' });
        await new Promise<void>((r) => opts.signal?.addEventListener('abort', () => r(), { once: true }));
        return ok('aborted');
      },
    };
    const fired: number[] = [];
    const t = new EventTriggers({ trigger: () => fired.push(Date.now()), logger: quietLogger(), marathon, minIntervalMs: 300 });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('attached', () => push);
    const start = Date.now();
    for (let i = 0; i < 50; i++) await push?.({ type: 'deployment_info' });
    expect(fired.length).toBe(1);
    await waitFor('trailing trigger', () => (fired.length === 2 ? true : undefined), 2_000, 5);
    expect((fired[1] ?? 0) - start).toBeGreaterThanOrEqual(250);
    await new Promise((r) => setTimeout(r, 400));
    expect(fired.length).toBe(2);
  });
});

describe('EventTriggers against the emulated master and Marathon', () => {
  it('both streams come back after their connections are killed, and still trigger', async () => {
    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const config = serviceConfig(emu);
    const logger = quietLogger();
    const mesos = new MesosClient(config.mesos, logger);
    const marathon = new MarathonClient({ url: emu.marathonUrl }, logger);
    cleanup.push(async () => {
      await mesos.close();
      await marathon.close();
    });
    const reasons: string[] = [];
    const t = new EventTriggers({ trigger: (r) => reasons.push(r), logger, mesos, marathon, initialDelayMs: 50, minIntervalMs: 0 });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('connected', () => (t.stats().mesos.connected && t.stats().marathon.connected ? true : undefined));

    // Cut every open connection: the streams die, the servers keep listening.
    emu.master.server.closeAllConnections();
    emu.marathon.server.closeAllConnections();
    await waitFor('both re-connected', () => {
      const s = t.stats();
      return s.mesos.connects === 2 && s.marathon.connects === 2 && s.mesos.connected && s.marathon.connected ? s : undefined;
    });
    expect(t.stats().mesos.disconnects).toBeGreaterThanOrEqual(1);
    expect(t.stats().marathon.disconnects).toBeGreaterThanOrEqual(1);
    expect(reasons).toContain('mesos stream re-subscribed');

    reasons.length = 0;
    await postApp(emu, '/after-reconnect', 1, 0.5);
    await waitFor('marathon event after reconnect', () => (reasons.some((r) => r.startsWith('marathon')) ? true : undefined), 3_000);
    await waitFor('mesos event after reconnect', () => (reasons.some((r) => r.startsWith('mesos TASK')) ? true : undefined), 5_000);
  });
});
