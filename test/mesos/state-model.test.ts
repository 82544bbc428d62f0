import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import type { Agent } from '../../src/model/agent.js';
import { parseEvent } from '../../src/mesos/events.js';
import { StateModel, type Gap } from '../../src/mesos/state/model.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { silentLogger } from './servers.js';

const open: { emu: EmulatedCluster; client: MesosClient; ac: AbortController }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.ac.abort();
    await o.client.close();
    await o.emu.close();
  }
});

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const res = (r: Agent['used']) => ({ cpus: round(r.cpus), mem: round(r.mem), disk: round(r.disk), gpus: round(r.gpus), ports: round(r.ports) });

/** Agents as a comparable value: by id, tasks by id, resource sums rounded (float sums differ in order). */
function normal(agents: readonly Agent[]) {
  return [...agents]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => ({ ...a, used: res(a.used), total: res(a.total), reserved: res(a.reserved), tasks: [...a.tasks].sort((x, y) => x.id.localeCompare(y.id)) }));
}

/** An emulated master, a client subscribed to it, and a model fed from the stream. */
async function subscribedModel(mesosVersion = '1.9.0') {
  const emu = await startEmulatedCluster({
    cluster: { mesosVersion },
    agents: [0, 1, 2].map((i) => ({ hostname: `a${i}.sim`, ip: `10.0.0.${i + 1}`, resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { pool: 'web' } })),
    apps: [{ id: '/web', instances: 4, cpus: 0.5, mem: 256 }],
    master: { heartbeatIntervalMs: 60_000 },
  });
  emu.cluster.schedule();
  const client = new MesosClient(mesosSchema.parse({ masters: [emu.masterUrl], timeoutMs: 5000 }), silentLogger());
  const ac = new AbortController();
  open.push({ emu, client, ac });
  const model = new StateModel();
  const gaps: Gap[] = [];
  let subscribed = false;
  void client.subscribe(
    (e) => {
      if (e.type === 'SUBSCRIBED') subscribed = true;
      const gap = model.apply(e);
      if (gap) gaps.push(gap);
    },
    { signal: ac.signal },
  );
  await until(() => subscribed);
  return { emu, client, model, gaps };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for the stream to catch up with a fresh GET_STATE, then returns both for comparison. */
async function settle(client: MesosClient, model: StateModel) {
  let fresh: readonly Agent[] = [];
  const end = Date.now() + 3000;
  for (;;) {
    const read = await client.getState();
    if (!read.ok) throw new Error(read.error.message);
    fresh = read.value.state.agents;
    if (JSON.stringify(normal(model.agents())) === JSON.stringify(normal(fresh)) || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { model: normal(model.agents()), fresh: normal(fresh) };
}

type Op =
  | { kind: 'add-agent'; cpus: number }
  | { kind: 'remove-agent'; pick: number }
  | { kind: 'create-app'; instances: number; cpus: number }
  | { kind: 'scale-app'; pick: number; instances: number }
  | { kind: 'kill-task'; pick: number; state: 'TASK_KILLED' | 'TASK_FAILED' | 'TASK_FINISHED' }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add-agent' as const), cpus: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('remove-agent' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('create-app' as const), instances: fc.integer({ min: 1, max: 6 }), cpus: fc.constantFrom(0.1, 0.25, 0.5, 1, 3) }),
  fc.record({ kind: fc.constant('scale-app' as const), pick: fc.nat(), instances: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('kill-task' as const), pick: fc.nat(), state: fc.constantFrom('TASK_KILLED' as const, 'TASK_FAILED' as const, 'TASK_FINISHED' as const) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 100, max: 20_000 }) }),
);

let appSeq = 0;
function run(emu: EmulatedCluster, op: Op): void {
  const c = emu.cluster;
  const agents = [...c.agents()];
  const tasks = [...c.tasks()];
  const apps = [...c.apps()];
  switch (op.kind) {
    case 'add-agent': {
      const n = agents.length + appSeq++;
      c.addAgent({ hostname: `x${n}.sim`, ip: `10.1.${n >> 8}.${n & 255}`, resources: { cpus: op.cpus, mem: 8192, disk: 10_000 }, attributes: { pool: 'web' } });
      return;
    }
    case 'remove-agent': {
      const a = agents[op.pick % Math.max(1, agents.length)];
      if (a) c.removeAgent(a.id);
      return;
    }
    case 'create-app': {
      const r = c.createApp({ id: `/app-${appSeq++}`, instances: op.instances, cpus: op.cpus, mem: 128 });
      if (!r.ok) throw r.error;
      return;
    }
    case 'scale-app': {
      const a = apps[op.pick % Math.max(1, apps.length)];
      if (a) c.scaleApp(a.spec.id, op.instances);
      return;
    }
    case 'kill-task': {
      const t = tasks[op.pick % Math.max(1, tasks.length)];
      if (t) c.killTask(t.id, op.state);
      return;
    }
    case 'advance':
      emu.clock.advance(op.ms);
      c.schedule();
  }
}

describe('the state model fed by the SUBSCRIBE stream', () => {
  it('equals a fresh GET_STATE after any sequence of agents joining and leaving, apps scaling and tasks ending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const { emu, client, model, gaps } = await subscribedModel();
        for (const op of ops) run(emu, op);
        const { model: kept, fresh } = await settle(client, model);
        expect(gaps).toEqual([]);
        expect(kept).toEqual(fresh);
        const o = open.pop();
        o?.ac.abort();
        await o?.client.close();
        await o?.emu.close();
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('equals a fresh GET_STATE on a 1.1 master (events before frameworks and heartbeats)', async () => {
    const { emu, client, model, gaps } = await subscribedModel('1.1.0');
    for (const op of [{ kind: 'create-app', instances: 5, cpus: 0.5 }, { kind: 'advance', ms: 5000 }, { kind: 'kill-task', pick: 1, state: 'TASK_FAILED' }, { kind: 'remove-agent', pick: 0 }, { kind: 'advance', ms: 5000 }] as Op[]) run(emu, op);
    const { model: kept, fresh } = await settle(client, model);
    expect(gaps).toEqual([]);
    expect(kept).toEqual(fresh);
  });

  it('hands out the very Agent objects of the full state until an event changes one', async () => {
    const { emu, client, model } = await subscribedModel();
    const before = model.agents();
    expect(model.agents()).toBe(before);
    const agent = [...emu.cluster.agents()][0];
    if (!agent) throw new Error('no agent');
    emu.cluster.removeAgent(agent.id);
    await until(() => model.agentCount === 2);
    const after = model.agents();
    expect(after).not.toBe(before);
    // The agents no event touched are the same objects.
    for (const a of after) expect(before).toContain(a);
    void client;
  });
});

describe('a gap', () => {
  it('is a task added on an agent the model does not know', () => {
    const model = new StateModel();
    model.reset({ agents: [], recoveredAgents: [], frameworks: [] });
    const gap = model.apply({
      type: 'TASK_ADDED',
      agentId: 'nope',
      task: { id: 't1', name: 't1', frameworkId: 'f', state: 'TASK_RUNNING', resources: { cpus: 1, mem: 1, disk: 0, gpus: 0, ports: 0 }, labels: {} },
    });
    expect(gap?.reason).toMatch(/TASK_ADDED t1 on agent nope/);
  });

  it('is an update of a task never seen, but not a late update of a task that ended', () => {
    const model = new StateModel();
    model.reset({ agents: [], recoveredAgents: [], frameworks: [] });
    expect(model.apply({ type: 'TASK_UPDATED', frameworkId: 'f', taskId: 'ghost', state: 'TASK_RUNNING' })?.reason).toMatch(/does not know/);
  });

  it('is not a recovered agent whose tasks come before its AGENT_ADDED: they wait for it', () => {
    const model = new StateModel();
    model.reset({ agents: [], recoveredAgents: [{ id: 'r1', hostname: 'r1.sim' }], frameworks: [] });
    const task = { id: 't1', name: 't1', frameworkId: 'f', state: 'TASK_RUNNING', resources: { cpus: 1, mem: 64, disk: 0, gpus: 0, ports: 0 }, labels: {} };
    expect(model.apply({ type: 'TASK_ADDED', agentId: 'r1', task })).toBeUndefined();
    expect(model.agents()).toEqual([]);
    const agent: Agent = {
      id: 'r1' as Agent['id'],
      hostname: 'r1.sim',
      attributes: {},
      total: { cpus: 4, mem: 1024, disk: 0, gpus: 0, ports: 0 },
      used: { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 },
      reserved: { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 },
      reservedRoles: [],
      persistentVolumes: [],
      tasks: [],
      active: true,
      draining: false,
    };
    expect(model.apply({ type: 'AGENT_ADDED', agent })).toBeUndefined();
    expect(model.agents()[0]?.tasks).toEqual([task]);
    expect(model.agents()[0]?.used.cpus).toBe(1);
    expect(model.apply({ type: 'TASK_UPDATED', frameworkId: 'f', taskId: 't1', state: 'TASK_FINISHED' })).toBeUndefined();
    expect(model.agents()[0]?.tasks).toEqual([]);
    expect(model.apply({ type: 'TASK_UPDATED', frameworkId: 'f', taskId: 't1', state: 'TASK_FINISHED' })).toBeUndefined();
  });
});

describe('events of every shape the parsers read', () => {
  const uuid = '0f8b7c6e-1d2a-4b3c-9e8f-123456789abc';
  const a1: Agent = {
    id: 'a1' as Agent['id'],
    hostname: 'a1.sim',
    attributes: {},
    total: { cpus: 4, mem: 1024, disk: 0, gpus: 0, ports: 0 },
    used: { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 },
    reserved: { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 },
    reservedRoles: [],
    persistentVolumes: [],
    tasks: [],
    active: true,
    draining: false,
  };
  const event = (json: unknown) => {
    const e = parseEvent(json);
    if (!e.ok) throw new Error(e.error.message);
    return e.value;
  };
  const taskAdded = (fw: string) =>
    event({ type: 'TASK_ADDED', task_added: { task: { name: 'web', task_id: { value: `web.${uuid}` }, framework_id: { value: fw }, agent_id: { value: 'a1' }, state: 'TASK_STAGING', resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] } } });

  it('a Mesos 1.0 TASK_UPDATED (ids at the top level, no status) moves the task', () => {
    const model = new StateModel();
    model.reset({ agents: [a1], recoveredAgents: [], frameworks: [] });
    expect(model.apply(taskAdded('m'))).toBeUndefined();
    expect(model.apply(event({ type: 'TASK_UPDATED', task_updated: { task_id: { value: `web.${uuid}` }, framework_id: { value: 'm' }, agent_id: { value: 'a1' }, state: 'TASK_RUNNING' } }))).toBeUndefined();
    expect(model.agents()[0]?.tasks[0]?.state).toBe('TASK_RUNNING');
    expect(model.agents()[0]?.used.cpus).toBe(1);
    expect(model.apply(event({ type: 'TASK_UPDATED', task_updated: { task_id: { value: `web.${uuid}` }, framework_id: { value: 'm' }, agent_id: { value: 'a2' }, state: 'TASK_RUNNING' } }))?.reason).toMatch(/on agent a2/);
  });

  it('with frameworks known, only Marathon tasks get an app id, as in a full read (FRAMEWORK_ADDED, _REMOVED)', () => {
    const model = new StateModel();
    model.reset({ agents: [a1], recoveredAgents: [], frameworks: [] });
    expect(model.apply(event({ type: 'FRAMEWORK_ADDED', framework_added: { framework: { framework_info: { id: { value: 'spark' }, name: 'spark' }, active: true, connected: true } } }))).toBeUndefined();
    model.apply(taskAdded('spark'));
    expect(model.agents()[0]?.tasks[0]?.appId).toBeUndefined();
    expect(model.apply(event({ type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { id: { value: 'spark' }, name: 'spark' } } }))).toBeUndefined();
    model.apply(taskAdded('m'));
    expect(model.agents()[0]?.tasks.map((t) => t.appId)).toEqual([undefined, '/web']);
  });

  it('AGENT_REMOVED drops the agent and its tasks; their late updates are not gaps', () => {
    const model = new StateModel();
    model.reset({ agents: [a1], recoveredAgents: [], frameworks: [] });
    model.apply(taskAdded('m'));
    expect(model.apply(event({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'a1' } } }))).toBeUndefined();
    expect(model.agents()).toEqual([]);
    expect(model.apply(event({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'm' }, state: 'TASK_LOST', status: { task_id: { value: `web.${uuid}` }, agent_id: { value: 'a1' } } } }))).toBeUndefined();
    expect(model.apply(event({ type: 'HEARTBEAT' }))).toBeUndefined();
  });
});
