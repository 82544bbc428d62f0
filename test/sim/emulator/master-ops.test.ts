import { afterEach, describe, expect, it } from 'vitest';
import { startMasterServer } from '../../../src/sim/emulator/master-server.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { Secret } from '../../../src/util/secret.js';
import { postJson, v1 } from './setup.js';

type Obj = Record<string, unknown>;
let emu: EmulatedCluster | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const oneAgent = { agents: [{ hostname: 'a1', ip: '10.9.0.1', resources: { cpus: 2, mem: 1024 } }] };

describe('emulated master operations', () => {
  it('DRAIN_AGENT shows drain_info and deactivation, REACTIVATE_AGENT clears them', async () => {
    emu = await startEmulatedCluster({ ...oneAgent, apps: [{ id: '/s', instances: 1, cpus: 1, mem: 1 }] });
    emu.clock.advance(3000);
    const id = [...emu.cluster.agents()][0]?.id ?? '';
    // master.proto `DrainAgent.max_grace_period` is a google.protobuf.Duration: {seconds, nanos}.
    const drain = await postJson(`${emu.masterUrl}/api/v1`, { type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: id }, max_grace_period: { seconds: 10 } } });
    expect(drain.status).toBe(200);
    let agent = ((await v1(emu, { type: 'GET_AGENTS' }))['get_agents'] as { agents: Obj[] }).agents[0];
    expect(agent?.['deactivated']).toBe(true);
    expect(agent?.['drain_info']).toEqual({ state: 'DRAINING', config: { mark_gone: false, max_grace_period: { nanoseconds: 10e9 } } });
    emu.clock.advance(10_000);
    agent = ((await v1(emu, { type: 'GET_AGENTS' }))['get_agents'] as { agents: Obj[] }).agents[0];
    expect((agent?.['drain_info'] as Obj)['state']).toBe('DRAINED');
    const slaves = (await (await fetch(`${emu.masterUrl}/master/slaves`)).json()) as { slaves: Obj[] };
    expect(slaves.slaves[0]?.['active']).toBe(false);
    expect((await postJson(`${emu.masterUrl}/api/v1`, { type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: id } } })).status).toBe(200);
    agent = ((await v1(emu, { type: 'GET_AGENTS' }))['get_agents'] as { agents: Obj[] }).agents[0];
    expect(agent?.['deactivated']).toBe(false);
    expect(agent?.['drain_info']).toBeUndefined();
    expect((await postJson(`${emu.masterUrl}/api/v1`, { type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: 'nope' } } })).status).toBe(400);
  });

  it('START_MAINTENANCE and STOP_MAINTENANCE take scheduled machines down and up', async () => {
    emu = await startEmulatedCluster(oneAgent);
    const machine = { hostname: 'a1', ip: '10.9.0.1' };
    expect((await postJson(`${emu.masterUrl}/api/v1`, { type: 'START_MAINTENANCE', start_maintenance: { machines: [machine] } })).status).toBe(400);
    await postJson(`${emu.masterUrl}/api/v1`, {
      type: 'UPDATE_MAINTENANCE_SCHEDULE',
      update_maintenance_schedule: { schedule: { windows: [{ machine_ids: [machine], unavailability: { start: { nanoseconds: 0 } } }] } },
    });
    expect((await postJson(`${emu.masterUrl}/api/v1`, { type: 'START_MAINTENANCE', start_maintenance: { machines: [machine] } })).status).toBe(200);
    const status = await v1(emu, { type: 'GET_MAINTENANCE_STATUS' });
    expect(status['get_maintenance_status']).toEqual({ status: { down_machines: [machine] } });
    expect((await v1(emu, { type: 'GET_AGENTS' }))['get_agents']).toEqual({});
    expect((await postJson(`${emu.masterUrl}/api/v1`, { type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [machine] } })).status).toBe(200);
    expect(((await v1(emu, { type: 'GET_AGENTS' }))['get_agents'] as { agents: unknown[] }).agents).toHaveLength(1);
  });

  it('redirects to itself as leader and to the leader when not leading', async () => {
    emu = await startEmulatedCluster(oneAgent);
    const self = await fetch(`${emu.masterUrl}/master/redirect`, { redirect: 'manual' });
    expect(self.status).toBe(307);
    expect(self.headers.get('location')).toBe(`//${new URL(emu.masterUrl).host}`);
    const follower = await startMasterServer({ cluster: emu.cluster, leading: false, leaderUrl: emu.masterUrl });
    try {
      const r = await fetch(`${follower.url}/master/redirect`, { redirect: 'manual' });
      expect(r.status).toBe(307);
      expect(r.headers.get('location')).toBe(`//${new URL(emu.masterUrl).host}`);
      const s = await fetch(`${follower.url}/master/state?x=1`, { redirect: 'manual' });
      expect(s.headers.get('location')).toBe(`//${new URL(emu.masterUrl).host}/master/state?x=1`);
    } finally {
      await follower.close();
    }
  });

  it('demands credentials when configured and never echoes them', async () => {
    emu = await startEmulatedCluster({
      ...oneAgent,
      master: { auth: { basic: { username: 'ops', password: new Secret('s3cret-pw') }, token: new Secret('tok-123456') } },
      marathon: { auth: { token: new Secret('tok-123456') } },
    });
    const denied = await fetch(`${emu.masterUrl}/master/slaves`);
    expect(denied.status).toBe(401);
    expect(await denied.text()).not.toContain('s3cret');
    const basic = `Basic ${Buffer.from('ops:s3cret-pw').toString('base64')}`;
    expect((await fetch(`${emu.masterUrl}/master/slaves`, { headers: { Authorization: basic } })).status).toBe(200);
    expect((await fetch(`${emu.masterUrl}/master/slaves`, { headers: { Authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` } })).status).toBe(401);
    expect((await fetch(`${emu.masterUrl}/master/slaves`, { headers: { Authorization: 'token=tok-123456' } })).status).toBe(200);
    expect((await fetch(`${emu.marathonUrl}/v2/queue`)).status).toBe(401);
    expect((await fetch(`${emu.marathonUrl}/v2/queue`, { headers: { Authorization: 'token=tok-123456' } })).status).toBe(200);
  });

  it('injects malformed JSON, 500s and slowness', async () => {
    emu = await startEmulatedCluster(oneAgent);
    emu.master.faults.serverErrors = 1;
    expect((await fetch(`${emu.masterUrl}/master/slaves`)).status).toBe(500);
    emu.master.faults.malformedJson = 1;
    const bad = await fetch(`${emu.masterUrl}/master/slaves`);
    expect(bad.status).toBe(200);
    await expect(bad.json()).rejects.toThrow();
    expect((await fetch(`${emu.masterUrl}/master/slaves`)).status).toBe(200);
    emu.marathon.faults.slowMs = 150;
    const t0 = Date.now();
    expect((await fetch(`${emu.marathonUrl}/v2/apps`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
