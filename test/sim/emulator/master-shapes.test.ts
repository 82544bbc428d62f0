import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { fixtureJson, fixtureJsonLines } from '../../support/fixtures.js';
import { compareShape } from './shape.js';
import { richCluster, v1 } from './setup.js';

type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

const dcosnet = fixtureJsonLines('real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl');
const recovered = fixtureJsonLines('real-captures/mesos-v1-subscribe-stream-recovered-agents.jsonl');
const byType = (lines: unknown[], type: string) => lines.filter((l) => get(l, 'type') === type);

const captureAgents = [
  ...((get(dcosnet[0], 'subscribed', 'get_state', 'get_agents', 'agents') as unknown[]) ?? []),
  ...byType(recovered, 'AGENT_ADDED').map((e) => get(e, 'agent_added', 'agent')),
];
const captureTasks = [
  ...byType(dcosnet, 'TASK_ADDED').map((e) => get(e, 'task_added', 'task')),
  ...byType(recovered, 'TASK_ADDED').map((e) => get(e, 'task_added', 'task')),
];

/**
 * Deliberate differences with the captures, each a field the captures lack but
 * include/mesos/v1 (master.proto, mesos.proto) defines. The captured clusters had no
 * attributes, no fault domains, no running tasks on the captured agents, no
 * reservations, no volumes and no draining.
 */
const AGENT_EXTRAS = [
  'agent_info.attributes',
  'agent_info.domain',
  'allocated_resources',
  'total_resources[].reservations',
  'total_resources[].reservation',
  'total_resources[].disk',
  'agent_info.resources[].role',
  'agent_info.resources[].reservations',
  'agent_info.resources[].reservation',
  'agent_info.resources[].disk',
  'drain_info',
];
/** Real captures from 1.5 lack `deactivated` (added in 1.9) and 1.9 lacks nothing we emit. */
const AGENT_OPTIONAL = ['deactivated'];

let emu: EmulatedCluster;
beforeAll(async () => {
  emu = await richCluster();
});
afterAll(async () => emu.close());

describe('operator API v1 shapes match real captures', () => {
  it('GET_AGENTS agents have the captured agents shape', async () => {
    const body = await v1(emu, { type: 'GET_AGENTS' });
    expect(body['type']).toBe('GET_AGENTS');
    const agents = get(body, 'get_agents', 'agents') as unknown[];
    expect(agents).toHaveLength(4);
    for (const a of agents) expect(compareShape(a, captureAgents, { ignore: [...AGENT_EXTRAS, ...AGENT_OPTIONAL] })).toEqual([]);
    // The deliberate extras carry the documented shapes.
    const publicAgent = agents.find((a) => get(a, 'agent_info', 'hostname') === '10.0.6.133');
    const total = get(publicAgent, 'total_resources') as Obj[];
    const volume = total.find((r) => get(r, 'disk', 'persistence', 'id') === 'vol-1');
    expect(volume).toMatchObject({ name: 'disk', type: 'SCALAR', role: 'slave_public', scalar: { value: 1024 }, disk: { volume: { mode: 'RW', container_path: 'data' } } });
    expect(total.find((r) => r['name'] === 'cpus')).toEqual({ name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: 'slave_public', reservations: [{ type: 'STATIC', role: 'slave_public' }] });
    const gpuAgent = agents.find((a) => (get(a, 'total_resources') as Obj[]).some((r) => r['name'] === 'gpus'));
    expect(get(gpuAgent, 'agent_info', 'attributes')).toEqual([
      { name: 'workload', type: 'TEXT', text: { value: 'stateless' } },
      { name: 'cores', type: 'SCALAR', scalar: { value: 2 } },
    ]);
    expect(get(gpuAgent, 'agent_info', 'domain')).toEqual({ fault_domain: { region: { name: 'r1' }, zone: { name: 'z1' } } });
    // Every resource entry uses exactly the v1 JSON mapping.
    for (const a of agents) {
      for (const r of get(a, 'total_resources') as Obj[]) {
        expect(['SCALAR', 'RANGES']).toContain(r['type']);
        if (r['type'] === 'RANGES') expect(get(r, 'ranges', 'range')).toEqual(expect.arrayContaining([expect.objectContaining({ begin: expect.any(Number), end: expect.any(Number) })]));
      }
      expect(get(a, 'registered_time', 'nanoseconds')).toBeGreaterThan(1e18);
    }
  });

  it('leaves out allocated_resources of an idle agent, as real masters do', async () => {
    emu.cluster.addAgent({ hostname: 'idle', resources: { cpus: 1, mem: 1 } });
    const body = await v1(emu, { type: 'GET_AGENTS' });
    const idle = (get(body, 'get_agents', 'agents') as unknown[]).find((a) => get(a, 'agent_info', 'hostname') === 'idle');
    expect(idle).toBeDefined();
    expect(Object.keys(idle as Obj)).not.toContain('allocated_resources');
    const busy = (get(body, 'get_agents', 'agents') as unknown[]).find((a) => get(a, 'agent_info', 'hostname') === 'stateless-000000');
    const alloc = get(busy, 'allocated_resources') as Obj[];
    expect(alloc.every((r) => get(r, 'allocation_info', 'role') === '*' && r['role'] === '*')).toBe(true);
  });

  it('GET_TASKS tasks have the captured task shape', async () => {
    const body = await v1(emu, { type: 'GET_TASKS' });
    const tasks = get(body, 'get_tasks', 'tasks') as unknown[];
    expect(tasks.length).toBe(4);
    // Captured tasks carry container/discovery (we launch no containers) and no labels.
    // The only captured `statuses` are of bridge-networked tasks (name, labels, port_mappings); ours run on the host network.
    const hostNetwork = ['name', 'labels', 'port_mappings'].map((k) => `statuses[].container_status.network_infos[].${k}`);
    for (const t of tasks) expect(compareShape(t, captureTasks, { ignore: ['labels', 'resources[].role', 'resources[].reservations', ...hostNetwork] })).toEqual([]);
    const pub = tasks.find((t) => get(t, 'name') === 'public') as Obj;
    expect((pub['resources'] as Obj[]).every((r) => get(r, 'allocation_info', 'role') === 'slave_public')).toBe(true);
  });

  it('GET_STATE has the SUBSCRIBED get_state shape', async () => {
    const body = await v1(emu, { type: 'GET_STATE' });
    const capture = get(dcosnet[0], 'subscribed', 'get_state');
    const ignore = [
      ...AGENT_EXTRAS.map((p) => `get_agents.agents[].${p}`),
      ...AGENT_OPTIONAL.map((p) => `get_agents.agents[].${p}`),
      // The capture's task list is empty ("get_tasks":{}); tasks are compared above.
      'get_tasks.tasks',
      'get_tasks.completed_tasks',
      'get_frameworks.frameworks[].framework_info.principal',
      'get_frameworks.frameworks[].framework_info.role',
      'get_frameworks.frameworks[].framework_info.capabilities',
    ];
    expect(compareShape(get(body, 'get_state'), [capture], { ignore })).toEqual([]);
    // FRAMEWORK_UPDATED carries what GET_STATE left out of the capture.
    const fwCapture = byType(dcosnet, 'FRAMEWORK_UPDATED').map((e) => get(e, 'framework_updated', 'framework'));
    for (const fw of get(body, 'get_state', 'get_frameworks', 'frameworks') as unknown[]) {
      expect(compareShape(fw, fwCapture, { ignore: ['unregistered_time', 'framework_info.role', 'framework_info.principal'] })).toEqual([]);
    }
  });

  it('GET_MASTER matches the 1.5 capture', async () => {
    const body = await v1(emu, { type: 'GET_MASTER' });
    expect(compareShape(body, [fixtureJson('real-captures/mesos-v1-get-master-1.5.0-dcosui.json')])).toEqual([]);
    const port = new URL(emu.masterUrl).port;
    expect(get(body, 'get_master', 'master_info', 'port')).toBe(Number(port));
    expect(get(body, 'get_master', 'master_info', 'ip')).toBe(16777343);
  });

  it('maintenance schedule and status match the docs examples', async () => {
    // A real master answers 400 without a Content-Type (http.cpp `Master::Http::api`).
    const update = await fetch(`${emu.masterUrl}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'UPDATE_MAINTENANCE_SCHEDULE',
        update_maintenance_schedule: { schedule: { windows: [{ machine_ids: [{ hostname: 'myhost' }, { ip: '0.0.0.2' }], unavailability: { start: { nanoseconds: 1470849373150643200 } } }] } },
      }),
    });
    expect(update.status).toBe(200);
    const schedule = await v1(emu, { type: 'GET_MAINTENANCE_SCHEDULE' });
    const capture = fixtureJson('real-captures/mesos-v1-get-maintenance-schedule-docs-example.json');
    expect(compareShape(schedule, [capture])).toEqual([]);
    expect(get(schedule, 'get_maintenance_schedule', 'schedule', 'windows')).toEqual(get(capture, 'get_maintenance_schedule', 'schedule', 'windows'));
    const status = await v1(emu, { type: 'GET_MAINTENANCE_STATUS' });
    const statusCapture = fixtureJson('real-captures/mesos-v1-get-maintenance-status-docs-example.json');
    expect(compareShape(status, [statusCapture])).toEqual([]);
    expect(get(status, 'get_maintenance_status', 'status', 'draining_machines')).toEqual([{ id: { hostname: 'myhost' } }, { id: { ip: '0.0.0.2' } }]);
    expect(emu.cluster.updateMaintenanceSchedule([]).ok).toBe(true);
  });
});

describe('classic endpoints match real captures', () => {
  const mockups = ['mockupUp', 'mockupMid', 'mockupDown', 'mockupDown2', 'mockupGPU'].flatMap(
    (n) => get(fixtureJson(`mesos-1.2-dcos-1.9-slaves/${n}.json`), 'slaves') as unknown[],
  );
  const state15 = fixtureJson('real-captures/mesos-v0-master-state-1.5.0-dcosgo.json');
  const state028 = fixtureJson('real-captures/mesos-v0-master-state-0.28.0-dcosnet.json');
  /** Fields of newer Mesos (unreserved_resources_full, 1.4; domain, 1.5; drain state, 1.9) the 1.2 captures predate. */
  const SLAVE_EXTRAS = ['domain', 'drain_info', 'deactivated', 'capabilities', 'unreserved_resources_full', 'reserved_resources_full.slave_public[].reservations', 'reserved_resources_full.slave_public[].reservation', 'reserved_resources_full.slave_public[].disk', 'used_resources_full[].reservations'];

  it('/master/slaves (and /slaves) have the 1.2 capture shape with ports strings', async () => {
    for (const path of ['/master/slaves', '/slaves']) {
      const res = await fetch(`${emu.masterUrl}${path}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Obj;
      expect(Object.keys(body).sort()).toEqual(['recovered_slaves', 'slaves']);
      // Attributes are a map keyed by attribute name: their values are checked below.
      for (const s of body['slaves'] as unknown[]) expect(compareShape(s, mockups, { ignore: [...SLAVE_EXTRAS, 'attributes'] })).toEqual([]);
      const pub = (body['slaves'] as Obj[]).find((s) => s['hostname'] === '10.0.6.133');
      expect(get(pub, 'resources', 'ports')).toBe('[1-21, 23-5050, 5052-32000]');
      expect(get(pub, 'reserved_resources', 'slave_public', 'cpus')).toBe(4);
      expect(get(pub, 'unreserved_resources')).toEqual({ disk: 0, mem: 0, gpus: 0, cpus: 0 });
      expect(get(pub, 'attributes')).toEqual({ public_ip: 'true' });
      const gpu = (body['slaves'] as Obj[]).find((s) => get(s, 'attributes', 'cores') === 2);
      expect(get(gpu, 'resources', 'gpus')).toBe(1);
      const busy = (body['slaves'] as Obj[]).find((s) => s['hostname'] === 'stateless-000000');
      expect(get(busy, 'used_resources', 'ports')).toMatch(/^\[\d+-\d+(, \d+-\d+)*\]$/);
    }
  });

  it('/master/state (and /state) have the shape of the 1.5 and 0.28 captures', async () => {
    for (const path of ['/master/state', '/state']) {
      const body = (await (await fetch(`${emu.masterUrl}${path}`)).json()) as Obj;
      // Flags are the master's command line, different on every cluster.
      const ignore = [...SLAVE_EXTRAS.map((p) => `slaves[].${p}`), 'flags', 'slaves[].attributes', 'slaves[].reserved_resources_full', 'slaves[].used_resources_full', 'slaves[].offered_resources_full', 'frameworks[].tasks[].labels'];
      expect(compareShape(body, [state15, state028], { ignore })).toEqual([]);
      expect(body['activated_slaves']).toBe(5);
      const tasks = (body['frameworks'] as Obj[]).flatMap((f) => f['tasks'] as Obj[]);
      expect(tasks).toHaveLength(4);
    }
  });

  it('/master/maintenance/schedule round-trips and machine/down, machine/up follow the v0 rules', async () => {
    expect(emu.cluster.agentByHostname('stateless-000001')?.ip).toBe('10.1.0.1');
    const schedule = { windows: [{ machine_ids: [{ hostname: 'stateless-000001', ip: '10.1.0.1' }], unavailability: { start: { nanoseconds: 1e18 }, duration: { nanoseconds: 3600e9 } } }] };
    const post = await fetch(`${emu.masterUrl}/master/maintenance/schedule`, { method: 'POST', body: JSON.stringify(schedule) });
    expect(post.status).toBe(200);
    expect(await (await fetch(`${emu.masterUrl}/master/maintenance/schedule`)).json()).toEqual(schedule);
    expect(await (await fetch(`${emu.masterUrl}/master/maintenance/status`)).json()).toEqual({ draining_machines: [{ id: { hostname: 'stateless-000001', ip: '10.1.0.1' } }] });
    const notScheduled = await fetch(`${emu.masterUrl}/master/machine/down`, { method: 'POST', body: JSON.stringify([{ hostname: 'other', ip: '1.2.3.4' }]) });
    expect(notScheduled.status).toBe(400);
    const down = await fetch(`${emu.masterUrl}/master/machine/down`, { method: 'POST', body: JSON.stringify([{ hostname: 'stateless-000001', ip: '10.1.0.1' }]) });
    expect(down.status).toBe(200);
    expect(await (await fetch(`${emu.masterUrl}/master/maintenance/status`)).json()).toEqual({ down_machines: [{ hostname: 'stateless-000001', ip: '10.1.0.1' }] });
    expect(emu.cluster.agentByHostname('stateless-000001')).toBeUndefined();
    const up = await fetch(`${emu.masterUrl}/master/machine/up`, { method: 'POST', body: JSON.stringify([{ hostname: 'stateless-000001', ip: '10.1.0.1' }]) });
    expect(up.status).toBe(200);
    expect(await (await fetch(`${emu.masterUrl}/master/maintenance/schedule`)).json()).toEqual({});
    expect(emu.cluster.agentByHostname('stateless-000001')).toBeDefined();
  });
});
