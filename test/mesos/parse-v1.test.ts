import { describe, expect, it } from 'vitest';
import { parseGetAgents, parseGetState, parseGetTasks } from '../../src/mesos/parse-v1.js';
import { fixtureJsonLines } from '../support/fixtures.js';

const STREAM = 'real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl';

type Json = Record<string, unknown>;
const subscribedState = (): Json => {
  const first = fixtureJsonLines(STREAM)[0] as { subscribed: { get_state: Json } };
  return first.subscribed.get_state;
};
const taskAddedEvents = (): Json[] =>
  fixtureJsonLines(STREAM)
    .filter((e): e is { type: string; task_added: { task: Json } } => (e as { type: string }).type === 'TASK_ADDED')
    .map((e) => e.task_added.task);

describe('v1 GET_AGENTS', () => {
  it('parses a response built from the agents inside SUBSCRIBED.get_state', () => {
    const response = { get_agents: subscribedState().get_agents, type: 'GET_AGENTS' }; // type last, as real masters may
    const r = parseGetAgents(response);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(2);
    const a = r.value.find((x) => x.hostname === '172.17.0.4')!;
    expect(a.id).toBe('30257977-0153-499d-a5b0-35afd842ef4d-S0');
    expect(a.ip).toBe('172.17.0.4');
    expect(a.port).toBe(5051);
    expect(a.total).toEqual({ cpus: 4, mem: 6949, disk: 47170, gpus: 0, ports: 1156 + 1706 + 1161 + 3028 + 99 + 23819 });
    // Idle agent: no allocated_resources key at all.
    expect(a.used).toEqual({ cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 });
    expect(a.reserved.cpus).toBe(0);
    expect(a.active).toBe(true);
    expect(a.draining).toBe(false);
    expect(a.version).toBe('1.5.0');
    expect(a.registeredAt).toBe(Math.round(1520884809940788992 / 1e6));
  });

  it('reads reservations (old role and new reservations), allocation, attributes, domain, drain_info, persistent volumes', () => {
    const response = {
      type: 'GET_AGENTS',
      get_agents: {
        agents: [
          {
            agent_info: {
              id: { value: 'X-S1' },
              hostname: 'db-1.example',
              attributes: [
                { name: 'workload', type: 'TEXT', text: { value: 'stateful' } },
                { name: 'rack', type: 'SCALAR', scalar: { value: 3 } },
                { name: 'slots', type: 'RANGES', ranges: { range: [{ begin: 1, end: 4 }] } },
                { name: 'disks', type: 'SET', set: { item: ['ssd', 'nvme'] } },
              ],
              domain: { fault_domain: { region: { name: 'eu-1' }, zone: { name: 'eu-1c' } } },
            },
            active: true,
            deactivated: true,
            version: '1.9.0',
            pid: 'slave(1)@10.0.0.9:5051',
            total_resources: [
              { name: 'cpus', type: 'SCALAR', scalar: { value: 3 }, role: '*' },
              { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'db', reservations: [{ type: 'STATIC', role: 'db' }] },
              { name: 'mem', type: 'SCALAR', scalar: { value: 2048 }, reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'ops' }] },
              { name: 'disk', type: 'SCALAR', scalar: { value: 500 }, reservations: [{ type: 'DYNAMIC', role: 'db' }], disk: { persistence: { id: 'vol-9' }, volume: { container_path: 'data', mode: 'RW' } } },
              { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*', revocable: {} },
            ],
            allocated_resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, role: '*', allocation_info: { role: 'db' } }],
            drain_info: { state: 'DRAINING', config: { max_grace_period: { nanoseconds: 60e9 }, mark_gone: false } },
          },
        ],
      },
    };
    const r = parseGetAgents(response);
    if (!r.ok) throw new Error(r.error.message);
    const a = r.value[0]!;
    expect(a.total.cpus).toBe(4); // revocable cpus are not firm capacity
    expect(a.reserved).toEqual({ cpus: 1, mem: 2048, disk: 500, gpus: 0, ports: 0 });
    expect(a.reservedRoles).toEqual(['db']);
    expect(a.used.cpus).toBe(0.5);
    expect(a.persistentVolumes).toEqual([{ id: 'vol-9', role: 'db', diskMb: 500 }]);
    expect(a.attributes).toEqual({ workload: 'stateful', rack: '3', slots: '[1-4]', disks: '{ssd,nvme}' });
    expect(a.domain).toEqual({ region: 'eu-1', zone: 'eu-1c' });
    expect(a.active).toBe(false);
    expect(a.draining).toBe(true);
  });

  it('an empty cluster is "get_agents":{}', () => {
    expect(parseGetAgents({ type: 'GET_AGENTS', get_agents: {} })).toEqual({ ok: true, value: [] });
  });

  it('malformed or partial responses are error values', () => {
    const agents = (subscribedState().get_agents as { agents: Json[] }).agents;
    const partial = structuredClone(agents);
    delete (partial[1]!.agent_info as Json).hostname;
    for (const bad of [
      { type: 'GET_AGENTS', get_agents: { agents: partial } },
      { type: 'GET_AGENTS' },
      { type: 'GET_STATE', get_agents: { agents } },
      { type: 'GET_AGENTS', get_agents: { agents: [{ ...agents[0], total_resources: [{ name: 'cpus', scalar: { value: '4' } }] }] } },
      [],
    ]) {
      const r = parseGetAgents(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('malformed');
    }
  });
});

describe('v1 GET_STATE and GET_TASKS', () => {
  it('a malformed task in a task list is an error value naming where it is', () => {
    const state = structuredClone(subscribedState());
    const tasks = taskAddedEvents();
    const broken = structuredClone(tasks);
    delete (broken[1] as Json)['task_id'];
    const noAmount = structuredClone(tasks);
    ((noAmount[0] as Json)['resources'] as Json[])[0] = { name: 'cpus', scalar: { value: 'one' } };
    for (const [bad, where] of [[broken, '/1'], [noAmount, '/0/resources/0/scalar/value']] as const) {
      state.get_tasks = { tasks: bad };
      const r = parseGetState({ type: 'GET_STATE', get_state: state });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe('malformed');
        expect(r.error.message).toContain(where);
      }
    }
  });

  it('joins tasks onto agents; use comes from the tasks when the master sent no allocation', () => {
    const state = structuredClone(subscribedState());
    state.get_tasks = { tasks: taskAddedEvents() };
    const r = parseGetState({ type: 'GET_STATE', get_state: state });
    if (!r.ok) throw new Error(r.error.message);
    const s0 = r.value.agents.find((a) => a.id.endsWith('-S0'))!;
    const s1 = r.value.agents.find((a) => a.id.endsWith('-S1'))!;
    const onS0 = taskAddedEvents().filter((t) => (t.agent_id as { value: string }).value.endsWith('-S0'));
    expect(s0.tasks).toHaveLength(onS0.length);
    expect(s0.tasks.length + s1.tasks.length).toBe(taskAddedEvents().length);
    const bridge = s0.tasks.find((t) => t.name === 'docker-on-bridge')!;
    expect(bridge.resources).toEqual({ cpus: 0.1, mem: 128, disk: 0, gpus: 0, ports: 1 });
    expect(bridge.role).toBe('slave_public');
    // Framework list holds only metronome here, so Marathon app ids are not derived.
    expect(bridge.appId).toBeUndefined();
    expect(s0.used.cpus).toBeCloseTo(0.1 * onS0.length);
    expect(r.value.frameworks.map((f) => f.name)).toEqual(['metronome']);
  });

  it('GET_STATE with empty parts ("get_tasks":{})', () => {
    const r = parseGetState({ type: 'GET_STATE', get_state: subscribedState() });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.agents.every((a) => a.tasks.length === 0)).toBe(true);
  });

  it('GET_TASKS: tasks with agent ids, labels and Marathon app ids', () => {
    const tasks = taskAddedEvents();
    tasks[0] = { ...tasks[0], labels: { labels: [{ key: 'HAPROXY_GROUP', value: 'external' }] } };
    const r = parseGetTasks({ type: 'GET_TASKS', get_tasks: { tasks } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(tasks.length);
    expect(r.value[0]!.task.labels).toEqual({ HAPROXY_GROUP: 'external' });
    expect(r.value[0]!.agentId).toBe('30257977-0153-499d-a5b0-35afd842ef4d-S0');
    expect(r.value[0]!.task.appId).toBe('/docker-on-bridge');
    expect(parseGetTasks({ type: 'GET_TASKS', get_tasks: {} })).toEqual({ ok: true, value: [] });
    expect(parseGetTasks({ type: 'GET_TASKS', get_tasks: { tasks: [{ name: 'x' }] } }).ok).toBe(false);
  });
});
