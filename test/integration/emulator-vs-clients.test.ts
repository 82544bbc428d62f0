import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { modelAgents, modelPending } from '../../src/sim/cluster/model-view.js';
import { MesosClient } from '../../src/mesos/client.js';
import { MarathonClient } from '../../src/marathon/client.js';
import { applyMaintenance } from '../../src/mesos/maintenance.js';
import { indexMaintenance } from '../../src/model/drain.js';
import { protection } from '../../src/planner/protections.js';
import { MesosDrainer } from '../../src/mesos/drainer.js';
import type { MesosEvent } from '../../src/mesos/events.js';
import type { MarathonEvent } from '../../src/marathon/events.js';
import { mesosSchema as mesosConfigSchema, marathonSchema as marathonConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/util/logger.js';

/**
 * The autoscaler's own Mesos and Marathon clients, unmodified, against the
 * emulator over real HTTP: the emulator's JSON must pass the same parsers as
 * real masters' captures, and give the same picture as its in-memory view.
 */
let emu: EmulatedCluster;
const log = createLogger('silent');

beforeAll(async () => {
  emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.UTC(2026, 0, 1)),
    agents: [
      { hostname: 'a1.cluster', ip: '10.0.0.1', resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { workload: 'stateless', rack: 2 } },
      { hostname: 'a2.cluster', ip: '10.0.0.2', resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { workload: 'stateless' } },
      {
        hostname: 'db.cluster', ip: '10.0.0.3', resources: { cpus: 8, mem: 16384, disk: 100_000 }, attributes: { workload: 'statefull' },
        reservations: { cassandra: { cpus: 2, mem: 4096 } },
        volumes: [{ id: 'vol-1', role: 'cassandra', diskMb: 2048, containerPath: 'data' }],
      },
    ],
    apps: [
      { id: '/web', instances: 3, cpus: 1, mem: 512, ports: 1, constraints: [{ field: 'hostname', operator: 'UNIQUE' }] },
      { id: '/big', instances: 2, cpus: 6, mem: 1024, constraints: [{ field: 'workload', operator: 'LIKE', value: 'stateless' }] },
    ],
  });
  emu.clock.advance(30_000);
});

afterAll(async () => emu?.close());

describe('emulator through the real clients', () => {
  it('v1 GET_STATE, GET_AGENTS and classic /master/state and /master/slaves parse to the in-memory picture', async () => {
    const expected = modelAgents(emu.cluster);
    for (const api of ['v1', 'v0'] as const) {
      const client = new MesosClient(mesosConfigSchema.parse({ masters: [emu.masterUrl], api }), log);
      const state = await client.getState();
      expect(state.ok, api).toBe(true);
      if (!state.ok) continue;
      const got = state.value.state.agents;
      expect(got.map((a) => a.hostname).sort()).toEqual(expected.map((a) => a.hostname).sort());
      for (const a of got) {
        const e = expected.find((x) => x.hostname === a.hostname);
        expect(a.total, `${api} ${a.hostname} total`).toEqual(e?.total);
        expect(a.used, `${api} ${a.hostname} used`).toEqual(e?.used);
        expect(a.attributes, `${api} ${a.hostname} attributes`).toEqual(e?.attributes);
        expect(a.reservedRoles).toEqual(e?.reservedRoles);
        if (api === 'v1') expect(a.persistentVolumes.map((v) => v.id)).toEqual(e?.persistentVolumes.map((v) => v.id));
        // Classic /master/state has no `_full` lists, so no volumes: such an agent is still kept, by its reservation.
        else if (e?.persistentVolumes.length) expect(protection(a)).toMatch(/reserved/);
        expect(a.tasks.map((t) => t.id).sort()).toEqual(e?.tasks.map((t) => t.id).sort());
        expect(a.tasks.every((t) => t.appId === '/web' || t.appId === '/big')).toBe(true);
      }
      const agents = await client.getAgents();
      expect(agents.ok).toBe(true);
      expect(agents.ok && agents.value.agents.length).toBe(3);
    }
  });

  it('the Marathon queue parses to the waiting work, with rejection reasons', async () => {
    const client = new MarathonClient(marathonConfigSchema.parse({ url: emu.marathonUrl }), log);
    const q = await client.getQueue();
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    const expected = modelPending(emu.cluster);
    expect(q.value.map((p) => [p.id, p.count, p.resources.cpus])).toEqual(expected.map((p) => [p.id, p.count, p.resources.cpus]));
    const big = q.value.find((p) => p.id === '/big');
    expect(big?.count).toBe(2);
    expect(big?.constraints).toEqual([{ field: 'workload', operator: 'LIKE', value: 'stateless' }]);
    expect(Object.keys(big?.rejections ?? {})).toContain('InsufficientCpus');
    const apps = await client.getApps(true);
    expect(apps.ok && apps.value.find((a) => a.id === '/web')?.tasks.length).toBe(3);
  });

  it('SUBSCRIBE streams SUBSCRIBED then TASK_ADDED / AGENT_ADDED / AGENT_REMOVED as the cluster changes', async () => {
    const client = new MesosClient(mesosConfigSchema.parse({ masters: [emu.masterUrl] }), log);
    const events: MesosEvent[] = [];
    const ac = new AbortController();
    const done = client.subscribe((e) => {
      events.push(e);
    }, { signal: ac.signal });
    await waitFor(() => events.some((e) => e.type === 'SUBSCRIBED'));
    const added = emu.cluster.addAgent({ hostname: 'a4.cluster', ip: '10.0.0.4', resources: { cpus: 8, mem: 8192 }, attributes: { workload: 'stateless' } });
    emu.clock.advance(5_000);
    await waitFor(() => events.some((e) => e.type === 'TASK_ADDED'));
    emu.cluster.removeAgent(added.id);
    await waitFor(() => events.some((e) => e.type === 'AGENT_REMOVED'));
    ac.abort();
    expect(await done).toMatchObject({ ok: true });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('SUBSCRIBED');
    expect(types).toContain('AGENT_ADDED');
    expect(events.some((e) => e.type === 'UNKNOWN')).toBe(false);
  });

  it('Marathon /v2/events parse as typed events', async () => {
    const client = new MarathonClient(marathonConfigSchema.parse({ url: emu.marathonUrl }), log);
    const events: MarathonEvent[] = [];
    const ac = new AbortController();
    const done = client.events((e) => {
      events.push(e);
    }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    const created = emu.cluster.createApp({ id: '/late', instances: 1, cpus: 0.5, mem: 64 });
    expect(created.ok).toBe(true);
    emu.clock.advance(5_000);
    await waitFor(() => events.length >= 2);
    ac.abort();
    await done;
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('the drainer round-trips maintenance through the emulated master', async () => {
    const client = new MesosClient(mesosConfigSchema.parse({ masters: [emu.masterUrl] }), log);
    const drainer = new MesosDrainer(client);
    const a2 = [...emu.cluster.agents()].find((a) => a.hostname === 'a2.cluster');
    expect(a2).toBeDefined();
    if (!a2) return;
    const machine = { hostname: a2.hostname, ip: a2.ip };
    await drainer.start(machine, emu.clock.now());
    emu.clock.advance(1_000);
    const view = await drainer.read();
    expect([...indexMaintenance(view).ours.values()]).toEqual([machine]);
    const state = await client.getState();
    if (!state.ok) throw new Error(state.error.message);
    expect(applyMaintenance(state.value.state.agents, view).find((a) => a.hostname === 'a2.cluster')?.draining).toBe(true);
    await drainer.down(machine);
    expect((await drainer.read()).down).toEqual([machine]);
    // The master shut the agent of the DOWN machine down.
    expect([...emu.cluster.agents()].some((a) => a.hostname === 'a2.cluster' && a.active)).toBe(false);
    await drainer.finish(machine);
    expect(await drainer.read()).toEqual({ windows: [], down: [] });
  });
});

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
