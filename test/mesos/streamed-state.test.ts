import { afterEach, describe, expect, it } from 'vitest';
import type { MesosError } from '../../src/mesos/errors.js';
import type { MesosEvent } from '../../src/mesos/events.js';
import type { MesosState } from '../../src/mesos/parse-v1.js';
import { StreamedState } from '../../src/mesos/state/streamed-source.js';
import type { Subscribable } from '../../src/mesos/subscribe.js';
import type { Agent, Task } from '../../src/model/agent.js';
import type { AgentSource } from '../../src/model/ports.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { ok, err, type Result } from '../../src/util/result.js';
import { mesosSchema } from '../../src/config/schema.js';
import { mesosAgentSource } from '../../src/mesos/agent-source.js';
import { MesosClient } from '../../src/mesos/client.js';
import { startEmulatedCluster } from '../../src/sim/emulator/index.js';
import { silentLogger } from './servers.js';

const R0 = { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 };
const agent = (id: string, tasks: Task[] = []): Agent => ({
  id: id as Agent['id'],
  hostname: `${id}.sim`,
  attributes: {},
  total: { ...R0, cpus: 4, mem: 4096 },
  used: { ...R0, cpus: tasks.length },
  reserved: R0,
  reservedRoles: [],
  persistentVolumes: [],
  tasks,
  active: true,
  draining: false,
});
const task = (id: string): Task => ({ id, name: id, frameworkId: 'fw', state: 'TASK_RUNNING', resources: { ...R0, cpus: 1 }, labels: {} });
const state = (agents: Agent[]): MesosState => ({ agents, recoveredAgents: [], frameworks: [] });

type Script = (emit: (e: MesosEvent) => Promise<void>, signal: AbortSignal, n: number) => Promise<Result<'aborted' | 'ended', MesosError>>;

/** A master whose n-th SUBSCRIBE plays `script`; a kicked (aborted) subscription ends as 'aborted'. */
function fakeMaster(script: Script): Subscribable & { subscriptions: number } {
  const m = {
    subscriptions: 0,
    subscribe: (onEvent: (e: MesosEvent) => void | Promise<void>, opts: { signal?: AbortSignal }) => {
      const n = ++m.subscriptions;
      const signal = opts.signal ?? new AbortController().signal;
      return script(async (e) => void (await onEvent(e)), signal, n);
    },
  };
  return m;
}

const untilAborted = (signal: AbortSignal): Promise<Result<'aborted', never>> =>
  new Promise((resolve) => (signal.aborted ? resolve(ok('aborted')) : signal.addEventListener('abort', () => resolve(ok('aborted')), { once: true })));

function countingPoll(agents: Agent[]): AgentSource & { reads: number } {
  const p = {
    reads: 0,
    getAgents: async () => {
      p.reads++;
      return ok({ agents, from: 'poll', readAt: Date.now(), api: 'v1' as const });
    },
  };
  return p;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const running: StreamedState[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function streamed(client: Subscribable, poll: AgentSource, extra: Partial<ConstructorParameters<typeof StreamedState>[0]> = {}): StreamedState {
  const s = new StreamedState({ client, poll, mode: 'auto', logger: silentLogger(), minResyncIntervalMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 20 }, ...extra });
  running.push(s);
  s.start();
  return s;
}

describe('agents from the event stream', () => {
  it('plan from the model after SUBSCRIBED, without reading the master again, and follow its events', async () => {
    const master = fakeMaster(async (emit, signal) => {
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1', [task('t1')])]), heartbeatIntervalSeconds: 15 });
      await emit({ type: 'TASK_ADDED', agentId: 'a1', task: task('t2') });
      await emit({ type: 'AGENT_ADDED', agent: agent('a2') });
      return untilAborted(signal);
    });
    const poll = countingPoll([]);
    const s = streamed(master, poll);
    await until(() => s.status().agents === 2);
    const read = await s.getAgents();
    expect(read.ok && read.value.agents.map((a) => [a.id, a.tasks.map((t) => t.id), a.used.cpus])).toEqual([
      ['a1', ['t1', 't2'], 2],
      ['a2', [], 0],
    ]);
    expect(read.ok && read.value.from).toBe('mesos event stream');
    expect(poll.reads).toBe(0);
  });

  it('report the time last heard from the master as the read time, so a silent stream goes stale', async () => {
    const master = fakeMaster(async (emit, signal) => {
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
      return untilAborted(signal);
    });
    let now = 1_000_000;
    const clock: Clock = { now: () => now, sleep: (ms, signal) => systemClock.sleep(Math.min(ms, 20), signal) };
    const s = streamed(master, countingPoll([]), { clock, reconnect: { initialDelayMs: 10, idleTimeoutMs: 1e9 } });
    await until(() => s.status().inSync);
    now += 90_000;
    const read = await s.getAgents();
    expect(read.ok && read.value.readAt).toBe(1_000_000);
  });

  it('read in full until the model is in sync, and again while the stream is down; re-sync on reconnect', async () => {
    const master = fakeMaster(async (emit, signal, n) => {
      if (n === 1) {
        await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
        return ok('ended');
      }
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1'), agent('a2')]), heartbeatIntervalSeconds: 15 });
      return untilAborted(signal);
    });
    const poll = countingPoll([agent('p')]);
    const s = streamed(master, poll);
    await until(() => s.status().syncs === 2 && s.status().inSync);
    const read = await s.getAgents();
    expect(read.ok && read.value.agents.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(master.subscriptions).toBe(2);
  });

  it('re-sync by subscribing again after an event that does not fit, polling meanwhile', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const master = fakeMaster(async (emit, signal, n) => {
      if (n === 1) {
        await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
        await emit({ type: 'TASK_ADDED', agentId: 'unknown', task: task('t9') });
        return untilAborted(signal);
      }
      await held;
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1'), agent('unknown', [task('t9')])]), heartbeatIntervalSeconds: 15 });
      return untilAborted(signal);
    });
    const poll = countingPoll([agent('polled')]);
    const s = streamed(master, poll);
    await until(() => s.status().gaps === 1);
    const meanwhile = await s.getAgents();
    expect(meanwhile.ok && meanwhile.value.agents.map((a) => a.id)).toEqual(['polled']);
    release();
    await until(() => s.status().syncs === 2 && s.status().inSync);
    const read = await s.getAgents();
    expect(read.ok && read.value.agents.map((a) => a.id)).toEqual(['a1', 'unknown']);
    expect(master.subscriptions).toBe(2);
  });

  it('re-sync on the safety timer', async () => {
    const master = fakeMaster(async (emit, signal) => {
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
      return untilAborted(signal);
    });
    const s = streamed(master, countingPoll([]), { resyncEveryMs: 50 });
    await until(() => s.status().syncs >= 3, 5000);
    expect(master.subscriptions).toBeGreaterThanOrEqual(3);
  });

  it('keep answering from the model during a routine re-sync, its read time ageing until the new SUBSCRIBED', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const master = fakeMaster(async (emit, signal, n) => {
      if (n > 1) await held;
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
      return untilAborted(signal);
    });
    const poll = countingPoll([agent('polled')]);
    const s = streamed(master, poll, { resyncEveryMs: 50 });
    await until(() => master.subscriptions === 2);
    const heard = s.status().lastHeardAt;
    const read = await s.getAgents();
    expect(read.ok && read.value.from).toBe('mesos event stream');
    expect(read.ok && read.value.readAt).toBe(heard);
    expect(poll.reads).toBe(0);
    release();
    await until(() => s.status().syncs === 2);
  });

  it('keep polling a master that refuses SUBSCRIBE, and tell the stream consumers so', async () => {
    const master = fakeMaster(async () => err({ kind: 'http', status: 404, message: 'SUBSCRIBE: HTTP 404' }));
    const poll = countingPoll([agent('p')]);
    const s = streamed(master, poll);
    await until(() => s.status().refused);
    const read = await s.getAgents();
    expect(read.ok && read.value.from).toBe('poll');
    expect(await s.events.subscribe(() => undefined, {})).toMatchObject({ ok: false, error: { status: 404 } });
    expect(master.subscriptions).toBe(1);
  });

  it('on auto, poll a master that announces no heartbeats (before 1.5): the model’s age cannot be known', async () => {
    const master = fakeMaster(async (emit, signal) => {
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]) });
      return untilAborted(signal);
    });
    const poll = countingPoll([agent('p')]);
    const s = streamed(master, poll);
    await until(() => s.status().inSync);
    const read = await s.getAgents();
    expect(read.ok && read.value.from).toBe('poll');
  });

  it('share one subscription with other consumers, each starting at a SUBSCRIBED', async () => {
    const master = fakeMaster(async (emit, signal) => {
      await emit({ type: 'SUBSCRIBED', state: state([agent('a1')]), heartbeatIntervalSeconds: 15 });
      await new Promise((r) => setTimeout(r, 30));
      await emit({ type: 'AGENT_ADDED', agent: agent('a2') });
      return untilAborted(signal);
    });
    const s = streamed(master, countingPoll([]));
    const seen: string[] = [];
    const ac = new AbortController();
    const sub = s.events.subscribe((e) => void seen.push(e.type), { signal: ac.signal });
    await until(() => seen.includes('AGENT_ADDED'));
    ac.abort();
    expect(await sub).toEqual(ok('aborted'));
    expect(seen).toEqual(['SUBSCRIBED', 'AGENT_ADDED']);
    expect(master.subscriptions).toBe(1);
  });
});

describe('agents from the stream of an emulated 1.9 master', () => {
  it('are those of a full read, and a DRAIN_AGENT (which no event reports) shows once agents are read again', async () => {
    const emu = await startEmulatedCluster({
      cluster: { mesosVersion: '1.9.0' },
      agents: [0, 1].map((i) => ({ hostname: `a${i}.sim`, ip: `10.0.0.${i + 1}`, resources: { cpus: 4, mem: 8192, disk: 10_000 } })),
      apps: [{ id: '/web', instances: 3, cpus: 0.5, mem: 256 }],
      master: { heartbeatIntervalMs: 60_000 },
    });
    emu.cluster.schedule();
    const client = new MesosClient(mesosSchema.parse({ masters: [emu.masterUrl] }), silentLogger());
    const s = new StreamedState({ client, poll: mesosAgentSource(client), agentsOnly: { getAgents: () => client.getAgents() }, mode: 'auto', logger: silentLogger() });
    try {
      s.start();
      await until(() => s.status().inSync);
      const fromModel = await s.getAgents();
      const full = await client.getState();
      if (!fromModel.ok || !full.ok) throw new Error('read failed');
      expect(fromModel.value.from).toBe('mesos event stream');
      expect(fromModel.value.agents).toEqual(full.value.state.agents);
      const target = full.value.state.agents.find((a) => a.tasks.length > 0);
      if (!target) throw new Error('no busy agent');
      expect((await client.drainAgent(target.id, { maxGracePeriodNs: '60000000000' })).ok).toBe(true);
      s.agentsChanged();
      const after = await s.getAgents();
      expect(after.ok && after.value.agents.find((a) => a.id === target.id)?.drainInfo?.state).toBe('DRAINING');
      expect(after.ok && after.value.from).toBe('mesos event stream');
    } finally {
      await s.stop();
      await client.close();
      await emu.close();
    }
  });
});
