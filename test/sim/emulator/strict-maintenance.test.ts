import { afterEach, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { postJson } from './setup.js';

/**
 * The emulated master's maintenance endpoints hold to the real master's rules
 * (apache/mesos src/master/http.cpp, src/master/maintenance.cpp, include/mesos/type_utils.hpp).
 */

type Obj = Record<string, unknown>;
let emu: EmulatedCluster | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const a1 = { hostname: 'a1', ip: '10.9.0.1' };
const a2 = { hostname: 'a2', ip: '10.9.0.2' };
const twoAgents = {
  agents: [
    { ...a1, resources: { cpus: 2, mem: 1024 } },
    { ...a2, resources: { cpus: 2, mem: 1024 } },
  ],
};

function started(): EmulatedCluster {
  if (!emu) throw new Error('no emulator');
  return emu;
}

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${started().masterUrl}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function call(body: unknown): Promise<{ status: number; text: string }> {
  const res = await postJson(`${started().masterUrl}/api/v1`, body);
  return { status: res.status, text: await res.text() };
}

const window = (machines: unknown[], start = 0, duration?: number) => ({
  machine_ids: machines,
  unavailability: { start: { nanoseconds: start }, ...(duration !== undefined ? { duration: { nanoseconds: duration } } : {}) },
});
const schedule = (...windows: unknown[]) => ({ windows });

async function agentHosts(): Promise<string[]> {
  const res = await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_AGENTS' });
  const body = (await res.json()) as { get_agents: { agents?: { agent_info: { hostname: string } }[] } };
  return (body.get_agents.agents ?? []).map((a) => a.agent_info.hostname).sort();
}

describe('MachineID equality as Mesos has it', () => {
  it('a window naming only the hostname does not put the agent (hostname and IP) into maintenance, and downing it shuts nothing down', async () => {
    emu = await startEmulatedCluster(twoAgents);
    expect((await post('/master/maintenance/schedule', schedule(window([{ hostname: 'a1' }])))).status).toBe(200);
    const agent = started().cluster.agentByHostname('a1');
    expect(agent && started().cluster.machineMode(agent)).toBeUndefined();
    expect(agent && started().cluster.isDraining(agent)).toBe(false);
    // The master keeps the hostname-only machine as its own (agent-less) entry.
    expect(await (await fetch(`${started().masterUrl}/master/maintenance/status`)).json()).toEqual({ draining_machines: [{ id: { hostname: 'a1' } }] });
    expect((await post('/master/machine/down', [{ hostname: 'a1' }])).status).toBe(200);
    expect(await agentHosts()).toEqual(['a1', 'a2']);
  });

  it('compares the hostname case-insensitively and the IP exactly', async () => {
    emu = await startEmulatedCluster(twoAgents);
    const cluster = started().cluster;
    expect((await post('/master/maintenance/schedule', schedule(window([{ hostname: 'A1', ip: '10.9.0.1' }, { hostname: 'a2', ip: '10.9.0.99' }])))).status).toBe(200);
    const [first, second] = [cluster.agentByHostname('a1'), cluster.agentByHostname('a2')];
    expect(first && cluster.machineMode(first)).toBe('DRAINING');
    expect(second && cluster.machineMode(second)).toBeUndefined();
  });
});

describe("the master's 400s for maintenance", () => {
  it('refuses schedules that maintenance.cpp validation::schedule refuses, with its messages (v0 and v1)', async () => {
    emu = await startEmulatedCluster(twoAgents);
    const cases: [unknown, string][] = [
      [schedule(window([{}])), "Both 'hostname' and 'ip' for a machine are empty"],
      [schedule(window([{ hostname: '', ip: '' }])), "Both 'hostname' and 'ip' for a machine are empty"],
      [schedule(window([{ hostname: 'a1', ip: '10.9.0.300' }])), 'Failed to parse IPv4: 10.9.0.300'],
      [schedule(window([{ hostname: 'a1', ip: 'fe80::1' }])), 'Failed to parse IPv4: fe80::1'],
      [schedule(window([a1]), window([{ hostname: 'A1', ip: '10.9.0.1' }])), `Machine '{"hostname":"A1","ip":"10.9.0.1"}' appears more than once in the schedule`],
      [schedule(window([a1], 0, -1)), "Unavailability 'duration' is negative"],
      [schedule(window([])), 'List of machines in the maintenance window is empty'],
    ];
    for (const [body, message] of cases) {
      expect(await post('/master/maintenance/schedule', body)).toEqual({ status: 400, text: message });
      expect(await call({ type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule: body } })).toEqual({ status: 400, text: message });
    }
    expect(await post('/master/maintenance/schedule', { windows: [{ machine_ids: [a1], unavailability: {} }] })).toEqual({
      status: 400,
      text: 'Missing required fields: windows[0].unavailability.start',
    });
    expect(await call({ type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule: { windows: [{ machine_ids: [a1] }] } } })).toEqual({
      status: 400,
      text: 'Failed to convert JSON into Call protobuf: Missing required fields: update_maintenance_schedule.schedule.windows[0].unavailability',
    });
    expect(await call({ type: 'UPDATE_MAINTENANCE_SCHEDULE' })).toEqual({
      status: 400,
      text: "Failed to validate master::Call: Expecting 'update_maintenance_schedule' to be present",
    });
    expect(started().cluster.maintenance.windows).toEqual([]);
  });

  it('refuses machine/down of an unscheduled or already DOWN machine and machine/up of a machine not DOWN (v0 and v1)', async () => {
    emu = await startEmulatedCluster(twoAgents);
    const v1Down = (machines: unknown[]) => call({ type: 'START_MAINTENANCE', start_maintenance: { machines } });
    const v1Up = (machines: unknown[]) => call({ type: 'STOP_MAINTENANCE', stop_maintenance: { machines } });
    const unknown = { hostname: 'nowhere', ip: '10.9.9.9' };
    for (const down of [(m: unknown[]) => post('/master/machine/down', m), v1Down]) {
      expect(await down([unknown])).toEqual({ status: 400, text: `Machine '{"hostname":"nowhere","ip":"10.9.9.9"}' is not part of a maintenance schedule` });
      // A machine an agent registered on is known to the master, UP.
      expect(await down([a1])).toEqual({ status: 400, text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is not in DRAINING mode and cannot be brought down` });
      expect(await down([])).toEqual({ status: 400, text: 'List of machines is empty' });
      expect(await down([{ ip: 'not-an-ip' }])).toEqual({ status: 400, text: 'Failed to parse IPv4: not-an-ip' });
    }
    expect((await post('/master/maintenance/schedule', schedule(window([a1]), window([a2])))).status).toBe(200);
    for (const up of [(m: unknown[]) => post('/master/machine/up', m), v1Up]) {
      expect(await up([a1])).toEqual({ status: 400, text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is not in DOWN mode and cannot be brought up` });
    }
    expect((await post('/master/machine/down', [a1])).status).toBe(200);
    expect(await post('/master/machine/down', [a1])).toEqual({ status: 400, text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is not in DRAINING mode and cannot be brought down` });
    expect(await v1Down([a1])).toEqual({ status: 400, text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is not in DRAINING mode and cannot be brought down` });
    // A DOWN machine cannot leave the schedule.
    expect(await post('/master/maintenance/schedule', schedule(window([a2])))).toEqual({
      status: 400,
      text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is deactivated and cannot be removed from the schedule`,
    });
    expect(await call({ type: 'START_MAINTENANCE' })).toEqual({ status: 400, text: "Failed to validate master::Call: Expecting 'start_maintenance' to be present" });
    expect(await v1Up([a1])).toEqual({ status: 200, text: '' });
    expect(await v1Up([a1])).toEqual({ status: 400, text: `Machine '{"hostname":"a1","ip":"10.9.0.1"}' is not in DOWN mode and cannot be brought up` });
  });
});

describe('exact nanoseconds', () => {
  it('keeps int64 nanoseconds of every window byte for byte through the v0 and v1 schedule endpoints', async () => {
    emu = await startEmulatedCluster(twoAgents);
    const text = `{"windows":[{"machine_ids":[{"hostname":"a1","ip":"10.9.0.1"}],"unavailability":{"start":{"nanoseconds":1764320000123456789},"duration":{"nanoseconds":3600000000000000001}}},{"machine_ids":[{"hostname":"a2","ip":"10.9.0.2"}],"unavailability":{"start":{"nanoseconds":1764320000999999999}}}]}`;
    expect((await post('/master/maintenance/schedule', text)).status).toBe(200);
    expect(await (await fetch(`${started().masterUrl}/master/maintenance/schedule`)).text()).toBe(text);
    const v1 = await (await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_MAINTENANCE_SCHEDULE' })).text();
    expect(v1).toBe(`{"type":"GET_MAINTENANCE_SCHEDULE","get_maintenance_schedule":{"schedule":${text}}}`);
    // Bringing one machine down and up rewrites the schedule; the other window keeps its digits.
    expect((await post('/master/machine/down', [a1])).status).toBe(200);
    expect((await post('/master/machine/up', [a1])).status).toBe(200);
    expect(await (await fetch(`${started().masterUrl}/master/maintenance/schedule`)).text()).toBe(
      `{"windows":[{"machine_ids":[{"hostname":"a2","ip":"10.9.0.2"}],"unavailability":{"start":{"nanoseconds":1764320000999999999}}}]}`,
    );
    // Posted through the v1 call, as exactly.
    const update = `{"type":"UPDATE_MAINTENANCE_SCHEDULE","update_maintenance_schedule":{"schedule":${text}}}`;
    const res = await fetch(`${started().masterUrl}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: update });
    expect(res.status).toBe(200);
    expect(await (await fetch(`${started().masterUrl}/master/maintenance/schedule`)).text()).toBe(text);
  });
});

describe('machine/down and machine/up', () => {
  it('shut down exactly the agents on the downed machine, their tasks TASK_LOST, and bring them back under a new id', async () => {
    emu = await startEmulatedCluster({ ...twoAgents, apps: [{ id: '/s', instances: 2, cpus: 1, mem: 64 }] });
    started().clock.advance(3000);
    const cluster = started().cluster;
    const before = cluster.agentByHostname('a1');
    const onA1 = [...(before?.tasks.keys() ?? [])];
    expect(onA1).not.toHaveLength(0);
    expect((await post('/master/maintenance/schedule', schedule(window([a1])))).status).toBe(200);
    expect((await post('/master/machine/down', [a1])).status).toBe(200);
    expect(await agentHosts()).toEqual(['a2']);
    const tasks = (await (await postJson(`${started().masterUrl}/api/v1`, { type: 'GET_TASKS' })).json()) as { get_tasks: { completed_tasks?: Obj[] } };
    const lost = (tasks.get_tasks.completed_tasks ?? []).filter((t) => onA1.includes((t['task_id'] as { value: string }).value));
    expect(lost.map((t) => t['state'])).toEqual(onA1.map(() => 'TASK_LOST'));
    expect((await post('/master/machine/up', [a1])).status).toBe(200);
    expect(await agentHosts()).toEqual(['a1', 'a2']);
    expect(cluster.agentByHostname('a1')?.id).not.toBe(before?.id);
  });

  it('shut down every agent of that machine and none of another machine with the same hostname', async () => {
    emu = await startEmulatedCluster({
      agents: [
        { hostname: 'node', ip: '10.9.0.1', resources: { cpus: 1, mem: 64 } },
        { hostname: 'NODE', ip: '10.9.0.1', resources: { cpus: 1, mem: 64 } },
        { hostname: 'node', ip: '10.9.0.2', resources: { cpus: 1, mem: 64 } },
      ],
    });
    const machine = { hostname: 'Node', ip: '10.9.0.1' };
    expect((await post('/master/maintenance/schedule', schedule(window([machine])))).status).toBe(200);
    expect((await post('/master/machine/down', [machine])).status).toBe(200);
    expect([...started().cluster.agents()].map((a) => `${a.hostname}@${a.ip}`)).toEqual(['node@10.9.0.2']);
  });

  it('refuses an agent registering on a DOWN machine until machine/up', async () => {
    emu = await startEmulatedCluster(twoAgents);
    expect((await post('/master/maintenance/schedule', schedule(window([a1])))).status).toBe(200);
    expect((await post('/master/machine/down', [a1])).status).toBe(200);
    const again = started().cluster.addAgent({ ...a1, resources: { cpus: 2, mem: 1024 } });
    expect(again.active).toBe(false);
    expect(await agentHosts()).toEqual(['a2']);
    expect((await post('/master/machine/up', [a1])).status).toBe(200);
    // The agent that was shut down and the one refused both register once the machine is UP.
    expect(await agentHosts()).toEqual(['a1', 'a1', 'a2']);
  });

  it('lets a downed agent register again only if its VM still exists', async () => {
    emu = await startEmulatedCluster({ groups: [{ name: 'g', template: { resources: { cpus: 2, mem: 1024, disk: 100 } }, initial: 2 }] });
    const group = { name: 'g', target: {} };
    const [gone, kept] = (await started().provider.describe(group)).instances;
    if (!gone?.hostname || !gone.privateIp || !kept?.hostname || !kept.privateIp) throw new Error('instances without addresses');
    const machines = [
      { hostname: gone.hostname, ip: gone.privateIp },
      { hostname: kept.hostname, ip: kept.privateIp },
    ];
    expect((await post('/master/maintenance/schedule', schedule(window(machines)))).status).toBe(200);
    expect((await post('/master/machine/down', machines)).status).toBe(200);
    expect(await agentHosts()).toEqual([]);
    await started().provider.deleteInstances(group, [gone.id]);
    expect((await post('/master/machine/up', machines)).status).toBe(200);
    expect(await agentHosts()).toEqual([kept.hostname]);
  });
});

describe('the operator API envelope', () => {
  it('answers 400 without a Content-Type, 415 for one it does not read and 406 when neither JSON nor protobuf is acceptable, as Master::Http::api does', async () => {
    emu = await startEmulatedCluster(twoAgents);
    const url = `${started().masterUrl}/api/v1`;
    const none = await fetch(url, { method: 'POST', body: new Uint8Array(Buffer.from('{"type":"GET_AGENTS"}')) });
    expect({ status: none.status, text: await none.text() }).toEqual({ status: 400, text: "Expecting 'Content-Type' to be present" });
    const plain = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"type":"GET_AGENTS"}' });
    expect(plain.status).toBe(415);
    const protobufOnly = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/x-protobuf' }, body: '{"type":"GET_AGENTS"}' });
    expect({ status: protobufOnly.status, type: protobufOnly.headers.get('content-type') }).toEqual({ status: 200, type: 'application/x-protobuf' });
    const neither = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/html' }, body: '{"type":"GET_AGENTS"}' });
    expect(neither.status).toBe(406);
    expect(await call({ type: 'NO_SUCH_CALL' })).toEqual({ status: 400, text: "Failed to validate master::Call: Expecting 'type' to be present" });
  });
});
