import { afterEach, describe, expect, it } from 'vitest';
import { EventTriggers, MARATHON_EVENT_TYPES, marathonEventReason, mesosEventReason, type MarathonEventSource } from '../../src/controller/triggers.js';
import { MarathonClient } from '../../src/marathon/client.js';
import { parseMarathonEvent, type MarathonEvent } from '../../src/marathon/events.js';
import { MesosClient } from '../../src/mesos/client.js';
import { parseEvent, type MesosEvent } from '../../src/mesos/events.js';
import type { Subscribable } from '../../src/mesos/subscribe.js';
import { err, ok } from '../../src/util/result.js';
import { mesosSchema } from '../../src/config/schema.js';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { startServer } from '../mesos/servers.js';
import { startEmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
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

describe('events of every supported version wake the controller', () => {
  it('Marathon 1.8-1.10: a Scheduled instance with "agentId": null and "host": null wakes it at once', () => {
    const r = parseMarathonEvent({
      event: 'instance_changed_event',
      data: JSON.stringify({ instanceId: 'web.instance-1', condition: 'Scheduled', runSpecId: '/web', agentId: null, host: null, runSpecVersion: 'v', timestamp: 't', eventType: 'instance_changed_event' }),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(marathonEventReason(r.value)).toBe('marathon instance Scheduled');
  });

  it('Marathon: health kills, unknown instances ending, pods and failed steps wake it; health changes do not; all are asked for', () => {
    const wake: MarathonEvent[] = [
      { type: 'unhealthy_instance_kill_event', appId: '/a', taskId: 't' },
      { type: 'unknown_instance_terminated_event', instanceId: 'i', runSpecId: '/a', condition: 'Killed' },
      { type: 'pod_created_event' },
      { type: 'pod_updated_event' },
      { type: 'pod_deleted_event' },
      { type: 'deployment_step_failure' },
    ];
    for (const e of wake) {
      expect(marathonEventReason(e)).toBe(`marathon ${e.type}`);
      expect(MARATHON_EVENT_TYPES).toContain(e.type);
    }
    expect(marathonEventReason({ type: 'instance_health_changed_event', instanceId: 'i', runSpecId: '/a', healthy: false })).toBeUndefined();
  });

  it('Mesos 1.0: a TASK_UPDATED with the ids at the top level wakes it like the newer shape', () => {
    const r = parseEvent({ type: 'TASK_UPDATED', task_updated: { task_id: { value: 't' }, framework_id: { value: 'f' }, agent_id: { value: 'S0' }, state: 'TASK_LOST' } });
    if (!r.ok) throw new Error(r.error.message);
    expect(mesosEventReason(r.value)).toBe('mesos TASK_UPDATED TASK_LOST');
  });
});

/** A scripted master: SUBSCRIBED (with or without a heartbeat interval), silence, then one event, then waits to be dropped. */
function scriptedMaster(heartbeatIntervalSeconds: number | undefined, silenceMs: number): Subscribable & { calls: number } {
  const m = {
    calls: 0,
    subscribe: async (onEvent: (e: MesosEvent) => void | Promise<void>, opts: { signal?: AbortSignal }) => {
      m.calls++;
      const state = { agents: [], recoveredAgents: [], frameworks: [] };
      await onEvent(heartbeatIntervalSeconds === undefined ? { type: 'SUBSCRIBED', state } : { type: 'SUBSCRIBED', state, heartbeatIntervalSeconds });
      const aborted = new Promise<void>((r) => opts.signal?.addEventListener('abort', () => r(), { once: true }));
      const quiet = new Promise<'quiet'>((r) => setTimeout(() => r('quiet'), silenceMs));
      if ((await Promise.race([aborted, quiet])) === 'quiet') await onEvent({ type: 'AGENT_ADDED', agent: agent({ id: 'late' }) });
      await aborted;
      return ok('aborted' as const);
    },
  };
  return m;
}

describe('EventTriggers and heartbeats', () => {
  it('a Mesos master before 1.5 (no heartbeats) keeps its stream through a silence longer than the heartbeat watchdog, and still triggers', async () => {
    // Over HTTP, so the transport's own idle timeout is exercised too.
    let opened = 0;
    const server = await startServer((req, res, body) => {
      if (req.url !== '/api/v1' || (JSON.parse(body) as { type: string }).type !== 'SUBSCRIBE') {
        res.writeHead(404);
        return res.end();
      }
      opened++;
      res.writeHead(200, { 'content-type': 'application/json' });
      // master.proto @1.4.0: SUBSCRIBED has no heartbeat_interval_seconds, and no HEARTBEAT follows.
      res.write(encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { get_state: { get_tasks: {}, get_executors: {}, get_frameworks: {}, get_agents: {} } } })));
      const t = setTimeout(() => res.write(encodeRecord(JSON.stringify({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'S1' } } }))), 700);
      res.on('close', () => clearTimeout(t));
    });
    cleanup.push(() => server.close());
    const mesos = new MesosClient(mesosSchema.parse({ masters: [server.url], timeoutMs: 2000 }), quietLogger());
    cleanup.push(() => mesos.close());
    const reasons: string[] = [];
    const t = new EventTriggers({ trigger: (r) => reasons.push(r), logger: quietLogger(), mesos, mesosIdleTimeoutMs: 100, initialDelayMs: 10, minIntervalMs: 0 });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('late event', () => (reasons.includes('mesos AGENT_REMOVED') ? true : undefined), 3_000, 5);
    expect(opened).toBe(1);
    expect(t.stats().mesos).toMatchObject({ connects: 1, disconnects: 0, connected: true });
  });

  it('a master that announced heartbeats and sends none is dropped and subscribed again', async () => {
    const mesos = scriptedMaster(0.02, 10_000);
    const disconnects: string[] = [];
    const t = new EventTriggers({
      trigger: () => undefined,
      logger: quietLogger(),
      mesos,
      initialDelayMs: 10,
      minIntervalMs: 0,
      onDisconnect: (_stream, message) => disconnects.push(message),
    });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('re-subscribed', () => (mesos.calls >= 2 ? true : undefined), 3_000, 5);
    expect(disconnects[0]).toContain('heartbeat');
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

describe('EventTriggers against an emulated Mesos 1.4 master (no heartbeats)', () => {
  it('the stream stays subscribed through a quiet spell longer than the heartbeat watchdog, then wakes the controller on new tasks', async () => {
    const emu = await startEmulatedCluster({
      clock: new VirtualClock(Date.now()),
      realtimeSpeed: 1,
      cluster: { mesosVersion: '1.4.0' },
      groups: [{ name: 'web', template: { resources: { cpus: 4, mem: 8192, disk: 10_000 } }, initial: 1, max: 5 }],
    });
    cleanup.push(() => emu.close());
    emu.cluster.schedule();
    const logger = quietLogger();
    const mesos = new MesosClient(mesosSchema.parse({ masters: [emu.masterUrl], timeoutMs: 2000 }), logger);
    cleanup.push(() => mesos.close());
    const reasons: string[] = [];
    const t = new EventTriggers({ trigger: (r) => reasons.push(r), logger, mesos, mesosIdleTimeoutMs: 100, initialDelayMs: 10, minIntervalMs: 0 });
    t.start();
    cleanup.push(() => t.stop());
    await waitFor('subscribed', () => (t.stats().mesos.connected ? true : undefined));
    await new Promise((r) => setTimeout(r, 600));
    expect(t.stats().mesos).toMatchObject({ connects: 1, disconnects: 0, connected: true });
    await postApp(emu, '/after-quiet', 1, 0.5);
    await waitFor('mesos task event', () => (reasons.some((r) => r.startsWith('mesos TASK')) ? true : undefined), 5_000);
    expect(t.stats().mesos.disconnects).toBe(0);
  });
});
