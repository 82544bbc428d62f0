import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGetState } from '../../src/mesos/parse-v1.js';
import { decodeGetState, decodeGetStateResponse } from '../../src/mesos/proto/get-state.js';
import { newReader } from '../../src/mesos/proto/message-decode.js';
import { encodeJson, protoType, RESPONSE } from '../../src/sim/emulator/proto/codec.js';
import { fixtureJsonLines } from '../support/fixtures.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * GET_STATE responses made of the real SUBSCRIBE captures (no standalone GET_STATE capture exists:
 * ../shared/fixtures/real-captures/README.md): the SUBSCRIBED event's `get_state` as it is, and the
 * same with the tasks of its TASK_ADDED events, the agents of AGENT_ADDED and the frameworks of
 * FRAMEWORK_ADDED/UPDATED folded in, which is what a GET_STATE read after them would list.
 */
function capturedStates(file: string): { name: string; json: Json }[] {
  const events = fixtureJsonLines(`real-captures/${file}`).map(obj);
  const subscribed = events.find((e) => e['type'] === 'SUBSCRIBED');
  const state = obj(obj(subscribed?.['subscribed'])['get_state']);
  const tasks = [...list(obj(state['get_tasks'])['tasks'])];
  const agents = [...list(obj(state['get_agents'])['agents'])];
  const frameworks = new Map<string, unknown>();
  for (const f of list(obj(state['get_frameworks'])['frameworks'])) frameworks.set(String(obj(obj(obj(f)['framework_info'])['id'])['value']), f);
  for (const e of events) {
    if (e['type'] === 'TASK_ADDED') tasks.push(obj(e['task_added'])['task']);
    if (e['type'] === 'AGENT_ADDED') agents.push(obj(e['agent_added'])['agent']);
    if (e['type'] === 'FRAMEWORK_ADDED' || e['type'] === 'FRAMEWORK_UPDATED') {
      const f = obj(obj(e[e['type'] === 'FRAMEWORK_ADDED' ? 'framework_added' : 'framework_updated'])['framework']);
      frameworks.set(String(obj(obj(f['framework_info'])['id'])['value']), f);
    }
  }
  const folded = {
    get_tasks: { ...obj(state['get_tasks']), tasks },
    get_executors: {},
    get_frameworks: { ...obj(state['get_frameworks']), frameworks: [...frameworks.values()] },
    get_agents: { ...obj(state['get_agents']), agents },
  };
  return [
    { name: `${file}: SUBSCRIBED get_state`, json: { type: 'GET_STATE', get_state: state } },
    { name: `${file}: with the events' tasks, agents and frameworks`, json: { type: 'GET_STATE', get_state: folded } },
  ];
}

const CAPTURES = ['mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl', 'mesos-v1-subscribe-stream-recovered-agents.jsonl'].flatMap(capturedStates);

/** Both paths must read something, or the comparison proves nothing. */
function parsedBoth(json: Json) {
  const fromJson = parseGetState(JSON.parse(JSON.stringify(json)));
  const fromProto = decodeGetStateResponse(encodeJson(RESPONSE, json));
  if (!fromJson.ok) throw new Error(`JSON path: ${fromJson.error.message}`);
  if (!fromProto.ok) throw new Error(`protobuf path: ${fromProto.error.message}`);
  return { json: fromJson.value, proto: fromProto.value };
}

describe('GET_STATE in protobuf, read with our minimal definitions', () => {
  it.each(CAPTURES)('gives the JSON path\'s state for $name', ({ json }) => {
    const { json: a, proto: b } = parsedBoth(json);
    expect(a.agents.length + a.recoveredAgents.length).toBeGreaterThan(0);
    expect(b.agents).toHaveLength(a.agents.length);
    // Field by field, so a difference names its agent and field.
    for (const [i, agent] of a.agents.entries()) expect(b.agents[i]).toEqual(agent);
    expect(b.recoveredAgents).toEqual(a.recoveredAgents);
    expect(b.frameworks).toEqual(a.frameworks);
    expect(b.unknownAgentTasks).toBe(a.unknownAgentTasks);
    expect(b).toStrictEqual(a);
  });

  it('the folded captures carry tasks, reservations and frameworks, so the comparison covers them', () => {
    const states = CAPTURES.map((c) => parsedBoth(c.json).proto);
    expect(states.some((s) => s.agents.some((a) => a.tasks.length > 0))).toBe(true);
    expect(states.some((s) => s.recoveredAgents.length > 0)).toBe(true);
    expect(states.some((s) => s.frameworks.length > 0)).toBe(true);
  });

  it('fills `port` with its declared default 5051 when unset, as the master\'s JSON does (stout JSON::Protobuf)', () => {
    const agent = { agent_info: { hostname: 'h', id: { value: 'A1' } }, active: true, version: '1.9.0' };
    const r = decodeGetStateResponse(encodeJson(RESPONSE, { type: 'GET_STATE', get_state: { get_agents: { agents: [agent] } } }));
    expect(r.ok && r.value.agents[0]?.port).toBe(5051);
  });

  it('keeps drain grace periods exact and reads every drain, resource and attribute kind as JSON does', () => {
    const agent = {
      agent_info: {
        hostname: 'h1',
        id: { value: 'A1' },
        port: 5051,
        attributes: [
          { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
          { name: 'cores', type: 'SCALAR', scalar: { value: 2.5 } },
          { name: 'span', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }] } },
          { name: 'tags', type: 'SET', set: { item: ['a', 'b'] } },
        ],
        domain: { fault_domain: { region: { name: 'eu' }, zone: { name: 'eu-1' } } },
      },
      active: true,
      deactivated: true,
      version: '1.10.0',
      pid: 'slave(1)@10.0.0.9:5051',
      registered_time: { nanoseconds: 1520884809204943872 },
      total_resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31099 }] }, role: '*' },
        { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'db', reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'p' }] },
        { name: 'disk', type: 'SCALAR', scalar: { value: 512 }, role: 'db', reservation: { principal: 'p' }, disk: { persistence: { id: 'v1', principal: 'p' }, volume: { mode: 'RW', container_path: 'data' } } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, revocable: {} },
      ],
      allocated_resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*', allocation_info: { role: 'web' } }],
      drain_info: { state: 'DRAINING', config: { max_grace_period: { nanoseconds: 9007199254740991 }, mark_gone: false } },
    };
    const task = {
      name: 't',
      task_id: { value: 'web_app.5d0c8b6a-1e2f-11e9-8f3b-0242ac110002' },
      framework_id: { value: 'F1' },
      agent_id: { value: 'A1' },
      state: 'TASK_KILLING',
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, allocation_info: { role: 'web' } }],
      labels: { labels: [{ key: 'MARATHON_APP_ID', value: '/web/app' }, { key: 'empty' }] },
    };
    const json = {
      type: 'GET_STATE',
      get_state: {
        get_tasks: { tasks: [task], unreachable_tasks: [{ ...task, task_id: { value: 'u1' }, state: 'TASK_UNREACHABLE' }], completed_tasks: [{ ...task, task_id: { value: 'c1' }, state: 'TASK_FINISHED' }] },
        get_frameworks: { frameworks: [{ framework_info: { user: 'root', name: 'marathon', id: { value: 'F1' }, roles: ['web', 'db'] }, active: true, connected: true, recovered: false }] },
        get_agents: { agents: [agent], recovered_agents: [{ hostname: 'old', id: { value: 'A0' } }] },
      },
    };
    const { json: a, proto: b } = parsedBoth(json);
    expect(b).toStrictEqual(a);
    expect(b.agents[0]?.drainInfo).toEqual({ state: 'DRAINING', maxGracePeriodNs: '9007199254740991' });
    expect(b.agents[0]?.tasks.map((t) => t.state)).toEqual(['TASK_KILLING', 'TASK_UNREACHABLE']);
  });

  it('names an enum value newer than our definitions by its number, which no rule acts on', () => {
    const task = protoType('mesos.v1.Task').fromObject({ name: 't', task_id: { value: 't1' }, framework_id: { value: 'F' }, agent_id: { value: 'A1' }, state: 'TASK_RUNNING' });
    (task as unknown as { state: number }).state = 99;
    const taskBytes = protoType('mesos.v1.Task').encode(task).finish();
    const getAgents = protoType('mesos.v1.master.Response.GetAgents');
    const agents = getAgents.encode(getAgents.fromObject({ agents: [{ agent_info: { hostname: 'h', id: { value: 'A1' } }, active: true, version: '1' }] })).finish();
    // Response { type: GET_STATE, get_state { get_tasks { tasks: [task] }, get_agents } }, written by hand.
    const getTasks = concat(tag(2, 2), varint(taskBytes.length), taskBytes);
    const getState = concat(tag(1, 2), varint(getTasks.length), getTasks, tag(4, 2), varint(agents.length), agents);
    const r = decodeGetStateResponse(concat(tag(1, 0), varint(8), tag(9, 2), varint(getState.length), getState));
    expect(r.ok && r.value.agents[0]?.tasks[0]?.state).toBe('99');
  });

  it('rejects a response that is not GET_STATE, or has no get_state', () => {
    const other = decodeGetStateResponse(encodeJson(RESPONSE, { type: 'GET_AGENTS', get_agents: {} }));
    expect(!other.ok && other.error.kind).toBe('malformed');
    const none = decodeGetStateResponse(encodeJson(RESPONSE, { type: 'GET_STATE' }));
    expect(!none.ok && none.error.kind).toBe('malformed');
  });

  it('decodes a GetState message on its own from a Reader (for SUBSCRIBED, which carries one)', () => {
    const json = CAPTURES[1]?.json ?? {};
    const inner = protoType('mesos.v1.master.Response.GetState');
    const bytes = encodeJson(inner, json['get_state']);
    const r = newReader(bytes);
    const state = decodeGetState(r, r.len);
    expect(state).toStrictEqual(parseGetState(JSON.parse(JSON.stringify(json))));
  });
});

describe('tasks read straight off the wire (task-read.ts)', () => {
  const resource = fc.record(
    {
      name: fc.constantFrom('cpus', 'mem', 'disk', 'gpus', 'ports', 'other'),
      type: fc.constantFrom('SCALAR', 'RANGES'),
      scalar: fc.record({ value: fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100) }),
      ranges: fc.record({ range: fc.array(fc.record({ begin: fc.integer({ min: 0, max: 65535 }), end: fc.integer({ min: 0, max: 65535 }) }), { maxLength: 3 }) }),
      role: fc.constantFrom('*', 'web', ''),
      allocation_info: fc.record({ role: fc.constantFrom('web', 'db', '') }, { requiredKeys: [] }),
      revocable: fc.constant({}),
      disk: fc.record({ persistence: fc.record({ id: fc.constantFrom('v1', 'v2'), principal: fc.constant('p') }, { requiredKeys: ['id'] }) }),
      reservations: fc.array(fc.record({ type: fc.constantFrom('STATIC', 'DYNAMIC'), role: fc.constantFrom('web', 'db') }), { maxLength: 2 }),
    },
    { requiredKeys: ['name', 'type'] },
  );
  const task = fc.record(
    {
      name: fc.string({ maxLength: 5 }),
      task_id: fc.record({ value: fc.constantFrom('web_api.5d0c8b6a-1e2f-11e9-8f3b-0242ac110002', 'db.instance-5d0c8b6a-1e2f-11e9-8f3b-0242ac110002._app.1', 'plain') }),
      framework_id: fc.record({ value: fc.constantFrom('F1', 'F2') }),
      agent_id: fc.record({ value: fc.constantFrom('A1', 'A2') }),
      state: fc.constantFrom('TASK_RUNNING', 'TASK_STAGING', 'TASK_STARTING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_LOST', 'TASK_UNREACHABLE'),
      resources: fc.array(resource, { maxLength: 5 }),
      labels: fc.record({ labels: fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'MARATHON_APP_ID'), value: fc.constantFrom('/x/y', 'v', '') }, { requiredKeys: ['key'] }), { maxLength: 3 }) }),
    },
    // `state` is required in mesos.proto (an encoder writes 0, TASK_STARTING, for a missing one).
    { requiredKeys: ['name', 'task_id', 'framework_id', 'agent_id', 'state'] },
  );
  const frameworks = fc.constantFrom(
    undefined,
    [{ framework_info: { user: 'u', name: 'marathon', id: { value: 'F1' } }, active: true, connected: true, recovered: false }],
    [{ framework_info: { user: 'u', name: 'other', id: { value: 'F2' } }, active: true, connected: true, recovered: false }],
  );

  it('give what the JSON path gives for any mix of resources, roles, labels, frameworks and unknown agents', () => {
    fc.assert(
      fc.property(fc.array(task, { maxLength: 6 }), fc.array(task, { maxLength: 3 }), fc.array(task, { maxLength: 2 }), frameworks, (tasks, unreachable, completed, fws) => {
        const json = {
          type: 'GET_STATE',
          get_state: {
            get_tasks: { tasks, unreachable_tasks: unreachable, completed_tasks: completed },
            ...(fws ? { get_frameworks: { frameworks: fws } } : {}),
            get_agents: { agents: [{ agent_info: { hostname: 'h', id: { value: 'A1' }, port: 5051 }, active: true, version: '1.9.0' }] },
          },
        };
        const a = parseGetState(JSON.parse(JSON.stringify(json)));
        const b = decodeGetStateResponse(encodeJson(RESPONSE, json));
        expect(b).toStrictEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('a task without a name or an id is malformed on both paths', () => {
    // Written by hand: protobufjs would write a missing required string as "".
    const text = (field: number, value: string) => concat(tag(field, 2), varint(Buffer.byteLength(value)), Buffer.from(value));
    const message = (field: number, body: Uint8Array) => concat(tag(field, 2), varint(body.length), body);
    const ids = { task_id: message(2, text(1, 't')), framework_id: message(3, text(1, 'F')), agent_id: message(5, text(1, 'A1')) };
    const cases: [Json, Uint8Array][] = [
      [{ task_id: { value: 't' }, framework_id: { value: 'F' }, agent_id: { value: 'A1' } }, concat(ids.task_id, ids.framework_id, ids.agent_id)],
      [{ name: 'n', framework_id: { value: 'F' }, agent_id: { value: 'A1' } }, concat(text(1, 'n'), ids.framework_id, ids.agent_id)],
      [{ name: 'n', task_id: {}, framework_id: { value: 'F' }, agent_id: { value: 'A1' } }, concat(text(1, 'n'), message(2, new Uint8Array()), ids.framework_id, ids.agent_id)],
    ];
    for (const [broken, taskBytes] of cases) {
      const a = parseGetState({ type: 'GET_STATE', get_state: { get_tasks: { tasks: [broken] } } });
      const getState = message(1, message(2, taskBytes));
      const b = decodeGetStateResponse(concat(tag(1, 0), varint(8), message(9, getState)));
      expect(!a.ok && a.error.kind).toBe('malformed');
      expect(!b.ok && b.error.kind).toBe('malformed');
    }
  });
});

describe('bad protobuf bytes', () => {
  const valid = encodeJson(RESPONSE, CAPTURES[1]?.json ?? {});

  it('every truncation is a malformed error, never a throw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), (n) => {
        const r = decodeGetStateResponse(valid.subarray(0, n));
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error.kind).toBe('malformed');
      }),
      { numRuns: 300 },
    );
  });

  it('garbled bytes give a state or a malformed error, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = Uint8Array.from(valid);
        for (const [at, v] of edits) bytes[at % bytes.length] = v;
        const r = decodeGetStateResponse(bytes);
        if (!r.ok) expect(r.error.kind).toBe('malformed');
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes give a malformed error, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const r = decodeGetStateResponse(bytes);
        if (!r.ok) expect(r.error.kind).toBe('malformed');
      }),
      { numRuns: 500 },
    );
  });

  it('a submessage longer than its parent, or nested start groups, are malformed', () => {
    // get_state (9) claiming 100 bytes with 2 present.
    const r1 = decodeGetStateResponse(Uint8Array.from([0x08, 0x08, 0x4a, 100, 0x0a, 0x00]));
    expect(!r1.ok && r1.error.kind).toBe('malformed');
    const groups = new Uint8Array(200_000).fill(0x0b); // field 1, wire type 3 (start group), nested deeply
    const r2 = decodeGetStateResponse(groups);
    expect(!r2.ok && r2.error.kind).toBe('malformed');
  });
});

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Uint8Array.from(out);
}
const tag = (field: number, wireType: number): Uint8Array => varint((field << 3) | wireType);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
