import { afterEach, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster, type EmulatedClusterOptions } from '../../../src/sim/emulator/start.js';
import { postJson, RecordIoReader } from './setup.js';

/**
 * DRAIN_AGENT, REACTIVATE_AGENT, the classic state endpoints and SUBSCRIBE of the emulated
 * master, held to what a real master does (apache/mesos src/master/http.cpp, master.proto,
 * src/internal/devolve.cpp, src/master/readonly_handler.cpp).
 */

type Obj = Record<string, unknown>;
let emu: EmulatedCluster | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function started(): EmulatedCluster {
  if (!emu) throw new Error('no emulator');
  return emu;
}

const oneBusyAgent: EmulatedClusterOptions = {
  agents: [{ hostname: 'a1', ip: '10.9.0.1', resources: { cpus: 2, mem: 1024 } }],
  apps: [{ id: '/s', instances: 1, cpus: 1, mem: 64 }],
};

async function call(body: unknown): Promise<{ status: number; text: string }> {
  const res = await postJson(`${started().masterUrl}/api/v1`, body);
  return { status: res.status, text: await res.text() };
}

const agentId = (): string => [...started().cluster.agents()][0]?.id ?? '';
const drain = (inner: Obj) => call({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agentId() }, ...inner } });

async function v1Agent(): Promise<Obj | undefined> {
  const res = await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_AGENTS' });
  return ((await res.json()) as { get_agents: { agents?: Obj[] } }).get_agents.agents?.[0];
}

describe('DRAIN_AGENT read as the real master reads it', () => {
  it('takes max_grace_period as a protobuf Duration and echoes it in drain_info.config as exact nanoseconds', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    expect(await drain({ max_grace_period: { seconds: 1764320000, nanos: 123456789 }, mark_gone: false })).toEqual({ status: 200, text: '' });
    const text = await (await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_AGENTS' })).text();
    expect(text).toContain('"drain_info":{"state":"DRAINING","config":{"max_grace_period":{"nanoseconds":1764320000123456789},"mark_gone":false}}');
    const agent = await v1Agent();
    expect(agent?.['deactivated']).toBe(true);
    expect(agent?.['active']).toBe(false);
    expect(agent?.['estimated_drain_start_time']).toEqual({ nanoseconds: started().cluster.startedAt * 1e6 + 3000 * 1e6 });
    const state = await (await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_STATE' })).text();
    expect(state).toContain('"max_grace_period":{"nanoseconds":1764320000123456789}');
    const slaves = await (await fetch(`${started().masterUrl}/master/slaves`)).text();
    expect(slaves).toContain('"drain_info":{"state":"DRAINING","config":{"max_grace_period":{"nanoseconds":1764320000123456789},"mark_gone":false}}');
  });

  it('kills the tasks after the grace period and reports DRAINED once none is left', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    expect((await drain({ max_grace_period: { seconds: 10 } })).status).toBe(200);
    expect([...started().cluster.tasks()].map((t) => t.state)).toEqual(['TASK_KILLING']);
    expect((await v1Agent())?.['drain_info']).toEqual({ state: 'DRAINING', config: { max_grace_period: { nanoseconds: 10e9 }, mark_gone: false } });
    started().clock.advance(9_999);
    expect(started().cluster.taskCount).toBe(1);
    started().clock.advance(1);
    expect(started().cluster.taskCount).toBe(0);
    expect((await v1Agent())?.['drain_info']).toEqual({ state: 'DRAINED', config: { max_grace_period: { nanoseconds: 10e9 }, mark_gone: false } });
  });

  it('reads a DurationInfo-shaped {nanoseconds} grace period as the real master does: an unknown field, so a zero grace period', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    expect((await drain({ max_grace_period: { nanoseconds: 60e9 } })).status).toBe(200);
    expect((await v1Agent())?.['drain_info']).toEqual({ state: 'DRAINING', config: { max_grace_period: { nanoseconds: 0 }, mark_gone: false } });
    started().clock.advance(0);
    expect(started().cluster.taskCount).toBe(0);
  });

  it('removes a mark_gone agent once drained, its tasks TASK_GONE_BY_OPERATOR', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    const task = [...started().cluster.tasks()][0];
    expect((await drain({ max_grace_period: { seconds: 1 }, mark_gone: true })).status).toBe(200);
    started().clock.advance(1000);
    expect(await v1Agent()).toBeUndefined();
    expect(task?.state).toBe('TASK_GONE_BY_OPERATOR');
  });

  it("answers the master's 400s: unknown agent, missing agent_id, agent under a maintenance schedule, agent too old to drain", async () => {
    emu = await startEmulatedCluster({
      agents: [
        { hostname: 'a1', ip: '10.9.0.1', resources: { cpus: 2, mem: 1024 } },
        { hostname: 'old', ip: '10.9.0.2', resources: { cpus: 2, mem: 1024 }, version: '1.8.1' },
      ],
    });
    const [a1, old] = [...started().cluster.agents()];
    expect(await call({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: 'nope' } } })).toEqual({ status: 400, text: 'Unknown agent' });
    expect(await call({ type: 'DRAIN_AGENT', drain_agent: { mark_gone: true } })).toEqual({
      status: 400,
      text: 'Failed to convert JSON into Call protobuf: Missing required fields: drain_agent.agent_id',
    });
    expect(await call({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: a1?.id }, mark_gone: 'maybe' } })).toEqual({
      status: 400,
      text: "Failed to convert JSON into Call protobuf: Failed to parse 'maybe' as a JSON boolean for field 'mark_gone'",
    });
    expect(await call({ type: 'DRAIN_AGENT' })).toEqual({ status: 400, text: "Failed to validate master::Call: Expecting 'drain_agent' to be present" });
    expect(await call({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: old?.id } } })).toEqual({ status: 400, text: `Agent ${old?.id ?? ''} is not capable of draining` });
    expect(started().cluster.updateMaintenanceSchedule([{ machines: [{ hostname: 'a1', ip: '10.9.0.1' }], start: started().clock.now() + 3_600_000 }]).ok).toBe(true);
    expect(await call({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: a1?.id } } })).toEqual({
      status: 400,
      text: `Agent ${a1?.id ?? ''} is part of a maintenance schedule under Machine a1 (10.9.0.1)`,
    });
    expect(a1?.deactivated).toBe(false);
  });

  it('is unknown to a master older than 1.9', async () => {
    emu = await startEmulatedCluster({ ...oneBusyAgent, cluster: { mesosVersion: '1.8.1' } });
    expect(await drain({})).toEqual({ status: 400, text: "Failed to validate master::Call: Expecting 'type' to be present" });
    expect((await v1Agent())?.['deactivated']).toBeUndefined();
  });
});

describe('REACTIVATE_AGENT as the master checks it', () => {
  it('refuses an agent that is not deactivated or still DRAINING, and reactivates a DRAINED one', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    const reactivate = () => call({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: agentId() } } });
    expect(await reactivate()).toEqual({ status: 400, text: 'Agent is not deactivated' });
    expect(await call({ type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: 'nope' } } })).toEqual({ status: 400, text: 'Agent is not deactivated' });
    expect((await drain({ max_grace_period: { seconds: 5 } })).status).toBe(200);
    expect(await reactivate()).toEqual({ status: 400, text: 'Agent is still in the DRAINING state' });
    started().clock.advance(5000);
    expect(await reactivate()).toEqual({ status: 200, text: '' });
    const agent = await v1Agent();
    expect(agent?.['deactivated']).toBe(false);
    expect(agent?.['active']).toBe(true);
    expect(agent?.['drain_info']).toBeUndefined();
  });
});

describe('classic state endpoints', () => {
  const FULL = ['reserved_resources_full', 'unreserved_resources_full', 'used_resources_full', 'offered_resources_full'];

  it('/master/state has no *_full resource lists; only /master/slaves has them', async () => {
    emu = await startEmulatedCluster(oneBusyAgent);
    started().clock.advance(3000);
    const state = (await (await fetch(`${started().masterUrl}/master/state`)).json()) as { slaves: Obj[] };
    for (const key of FULL) expect(state.slaves[0]).not.toHaveProperty(key);
    const slaves = (await (await fetch(`${started().masterUrl}/master/slaves`)).json()) as { slaves: Obj[] };
    for (const key of FULL) expect(slaves.slaves[0]).toHaveProperty(key);
    expect(slaves.slaves[0]?.['unreserved_resources_full']).toContainEqual({ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' });
    expect(slaves.slaves[0]?.['deactivated']).toBe(false);
  });

  it('leaves out what older masters did not write: deactivated before 1.9, unreserved_resources_full before 1.4', async () => {
    emu = await startEmulatedCluster({ ...oneBusyAgent, cluster: { mesosVersion: '1.2.3' } });
    const slave = ((await (await fetch(`${started().masterUrl}/master/slaves`)).json()) as { slaves: Obj[] }).slaves[0];
    expect(slave).not.toHaveProperty('deactivated');
    expect(slave).not.toHaveProperty('unreserved_resources_full');
    expect(slave?.['capabilities']).not.toContain('AGENT_DRAINING');
  });
});

describe('SUBSCRIBE heartbeats by master version', () => {
  async function firstFrames(version: string, waitMs: number, heartbeatIntervalMs = 50): Promise<Obj[]> {
    emu = await startEmulatedCluster({ ...oneBusyAgent, cluster: { mesosVersion: version }, master: { heartbeatIntervalMs } });
    const res = await postJson(`${started().masterUrl}/api/v1`, { type: 'SUBSCRIBE' });
    if (!res.body) throw new Error('no body');
    const reader = new RecordIoReader(res.body);
    const frames = [await reader.next()];
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), waitMs));
    for (;;) {
      const next = await Promise.race([reader.next(), deadline]);
      if (next === 'timeout') break;
      frames.push(next);
      if (next['type'] === 'HEARTBEAT') break;
    }
    await reader.cancel();
    return frames;
  }

  it('a master older than 1.5 sends no heartbeat and announces no interval', { timeout: 5000 }, async () => {
    const frames = await firstFrames('1.4.3', 400);
    expect(frames.map((f) => f['type'])).toEqual(['SUBSCRIBED']);
    expect(frames[0]?.['subscribed']).not.toHaveProperty('heartbeat_interval_seconds');
  });

  it('a 1.5+ master announces its interval and sends heartbeats', { timeout: 5000 }, async () => {
    const frames = await firstFrames('1.9.0', 2000);
    expect((frames[0]?.['subscribed'] as Obj)['heartbeat_interval_seconds']).toBe(0.05);
    expect(frames.map((f) => f['type'])).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
  });

  it('sends one heartbeat right after SUBSCRIBED, as http.cpp subscribe does from 1.5.0', { timeout: 5000 }, async () => {
    expect((await firstFrames('1.5.0', 300, 60_000)).map((f) => f['type'])).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
  });
});

describe('operator API by master version', () => {
  it('has no /api/v1 before 1.0', async () => {
    emu = await startEmulatedCluster({ ...oneBusyAgent, cluster: { mesosVersion: '0.28.2' } });
    expect((await call({ type: 'GET_AGENTS' })).status).toBe(404);
    expect((await fetch(`${started().masterUrl}/master/state`)).status).toBe(200);
  });

  it("streams 1.0's TASK_UPDATED (ids at the top level, no status) and no agent events", { timeout: 5000 }, async () => {
    emu = await startEmulatedCluster({ ...oneBusyAgent, cluster: { mesosVersion: '1.0.1' } });
    const res = await postJson(`${started().masterUrl}/api/v1`, { type: 'SUBSCRIBE' });
    if (!res.body) throw new Error('no body');
    const reader = new RecordIoReader(res.body);
    expect((await reader.next())['type']).toBe('SUBSCRIBED');
    started().cluster.addAgent({ hostname: 'a2', ip: '10.9.0.2', resources: { cpus: 1, mem: 64 } });
    started().clock.advance(1000);
    const added = await reader.next();
    expect(added['type']).toBe('TASK_ADDED');
    started().clock.advance(2000);
    const updated = await reader.next();
    await reader.cancel();
    const task = [...started().cluster.tasks()][0];
    expect(updated).toEqual({
      type: 'TASK_UPDATED',
      task_updated: { task_id: { value: task?.id }, framework_id: { value: task?.frameworkId }, agent_id: { value: task?.agentId }, state: 'TASK_RUNNING' },
    });
  });
});
