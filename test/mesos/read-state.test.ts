import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import { parseEvent } from '../../src/mesos/events.js';
import { parseGetState } from '../../src/mesos/parse-v1.js';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { readEventRecords } from '../../src/mesos/state/event-records.js';
import { readState, readStateJson } from '../../src/mesos/state/read-state.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { getStateBody } from '../../src/sim/emulator/mesos-v1-json.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { stateJson } from '../../src/sim/emulator/mesos-v0-json.js';
import { silentLogger, startServer, type TestServer } from './servers.js';

/** A synthetic master state: `agents` agents, two apps' tasks spread over them, one non-Marathon framework's task. */
function bigState(agents: number, tasksPerAgent: number): string {
  const clock = new VirtualClock();
  const cluster = new SimCluster({ clock, seed: 7 });
  for (let i = 0; i < agents; i++) {
    cluster.addAgent({
      hostname: `agent-${i}.cluster`,
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      resources: { cpus: 8, mem: 32768, disk: 100_000 },
      attributes: { workload: 'stateless', zone: `z${i % 3}` },
      ...(i % 10 === 0 ? { domain: { region: 'r1', zone: `z${i % 3}` } } : {}),
    });
  }
  const r1 = cluster.createApp({ id: '/svc/web', instances: Math.floor((agents * tasksPerAgent) / 2), cpus: 0.5, mem: 512 });
  const r2 = cluster.createApp({ id: '/batch/ünïcode-job', instances: Math.ceil((agents * tasksPerAgent) / 2), cpus: 1, mem: 1024 });
  if (!r1.ok || !r2.ok) throw new Error('apps');
  clock.advance(60_000);
  return JSON.stringify({ type: 'GET_STATE', get_state: getStateBody(cluster) });
}

/** The text as UTF-8 chunks of the given sizes (cycled), cutting through tokens and multi-byte characters. */
async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

describe('reading a large state as a stream', () => {
  const text = bigState(2_000, 2);
  const bytes = Buffer.from(text, 'utf8');

  it('gives the same state as JSON.parse and parseGetState for a 2,000-agent master, whatever the chunking', async () => {
    const whole = parseGetState(JSON.parse(text));
    if (!whole.ok) throw new Error(whole.error.message);
    expect(whole.value.agents).toHaveLength(2_000);
    expect(whole.value.agents.reduce((n, a) => n + a.tasks.length, 0)).toBeGreaterThan(3_000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 5 }), async (sizes) => {
        const streamed = await readStateJson(chunked(bytes, sizes));
        expect(streamed.ok && streamed.value.state).toEqual(whole.value);
        expect(streamed.ok && streamed.value.bytes).toBe(bytes.length);
      }),
      { numRuns: 4 },
    );
  }, 60_000);

  it('is parsed whole while within the size limit and stream-parsed past it, to the same state', async () => {
    const whole = await readState(chunked(bytes, [65_536]), bytes.length);
    const streamed = await readState(chunked(bytes, [65_536]), 100_000);
    expect(whole.ok && whole.value.streamed).toBe(false);
    expect(streamed.ok && streamed.value.streamed).toBe(true);
    expect(streamed.ok && streamed.value.state).toEqual(whole.ok && whole.value.state);
  }, 60_000);

  it('reads the same state from a stream-parsed SUBSCRIBED record as from the whole record', async () => {
    const get = JSON.parse(text) as { get_state: unknown };
    const event = JSON.stringify({ type: 'SUBSCRIBED', subscribed: { get_state: get.get_state, heartbeat_interval_seconds: 15 } });
    const framed = Buffer.from(encodeRecord(event) + encodeRecord('{"type":"HEARTBEAT"}'));
    const seen = [];
    for await (const e of readEventRecords(chunked(framed, [65_536, 7, 1_000_003]), { maxRecordBytes: 1024, streamAboveBytes: 0 })) seen.push(e);
    const whole = parseEvent(JSON.parse(event));
    expect(seen).toEqual([whole, { ok: true, value: { type: 'HEARTBEAT' } }]);
  }, 60_000);
});

describe('what the streamed state keeps as stateFromV1 does', () => {
  it('app ids only for Marathon tasks once frameworks are listed after the tasks, tasks on unknown agents counted, recovered agents kept', async () => {
    const uuid = '0f8b7c6e-1d2a-4b3c-9e8f-123456789abc';
    const t = (id: string, fw: string, agent: string, state = 'TASK_RUNNING') => ({ name: id, task_id: { value: `web.${uuid}` }, framework_id: { value: fw }, agent_id: { value: agent }, state, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] });
    const doc = {
      type: 'GET_STATE',
      get_state: {
        get_tasks: { tasks: [t('a', 'm', 'a1'), t('b', 'spark', 'a1'), t('c', 'm', 'gone')], unreachable_tasks: [t('d', 'm', 'a1', 'TASK_UNREACHABLE')] },
        get_frameworks: { frameworks: [{ framework_info: { id: { value: 'm' }, name: 'marathon' } }, { framework_info: { id: { value: 'spark' }, name: 'spark' } }] },
        get_agents: { agents: [{ agent_info: { id: { value: 'a1' }, hostname: 'h1' }, active: true }], recovered_agents: [{ id: { value: 'r1' }, hostname: 'h2' }] },
      },
    };
    const text = JSON.stringify(doc);
    const whole = parseGetState(JSON.parse(text));
    const streamed = await readStateJson(chunked(Buffer.from(text), [5]));
    expect(streamed.ok && streamed.value.state).toEqual(whole.ok && whole.value);
    expect(streamed.ok && streamed.value.state.agents[0]?.tasks.map((x) => x.appId)).toEqual(['/web', undefined, '/web']);
    expect(streamed.ok && streamed.value.state.unknownAgentTasks).toBe(1);
  });
});

describe('a state that cannot be read', () => {
  const small = bigState(3, 1);
  it('cut off in the middle is an error value naming the document', async () => {
    const r = await readStateJson(chunked(Buffer.from(small.slice(0, small.length / 2)), [100]));
    expect(r).toMatchObject({ ok: false, error: { kind: 'malformed', message: expect.stringMatching(/^GET_STATE/) } });
  });

  it('of another response type is refused', async () => {
    const r = await readStateJson(chunked(Buffer.from(small.replace('"GET_STATE"', '"GET_AGENTS"')), [1000]));
    expect(r).toMatchObject({ ok: false, error: { kind: 'malformed', message: expect.stringContaining('expected "GET_STATE"') } });
  });

  it('with a task missing its id names the element', async () => {
    const r = await readStateJson(chunked(Buffer.from(small.replace('"task_id":', '"taskid":')), [1000]));
    expect(r).toMatchObject({ ok: false, error: { kind: 'malformed', message: expect.stringContaining('get_tasks.tasks[0]') } });
  });

  it('that is not JSON is an error value, not a throw', async () => {
    const r = await readStateJson(chunked(Buffer.from('{"type": GET_STATE}'), [3]));
    expect(r).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});

describe('the client reading GET_STATE', () => {
  let emu: EmulatedCluster | undefined;
  let client: MesosClient | undefined;
  afterEach(async () => {
    await client?.close();
    await emu?.close();
  });

  let plain: TestServer | undefined;
  afterEach(async () => {
    await plain?.close();
    plain = undefined;
  });

  it('falls back to the classic /master/state of a master without the v1 API (auto), and keeps to it', async () => {
    const cluster = new SimCluster({ clock: new VirtualClock(), seed: 3 });
    cluster.addAgent({ hostname: 'a0.sim', ip: '10.0.0.1', resources: { cpus: 4, mem: 4096, disk: 1000 } });
    const seen: string[] = [];
    plain = await startServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/master/state') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(stateJson(cluster, { hostname: '127.0.0.1', port: 5050, cluster: 'c' })));
      }
      res.writeHead(404);
      res.end('Not found');
    });
    client = new MesosClient(mesosSchema.parse({ masters: [plain.url] }), silentLogger());
    const first = await client.getState();
    const second = await client.getState();
    expect(first.ok && first.value.api).toBe('v0');
    expect(second.ok && second.value.state.agents.map((a) => a.hostname)).toEqual(['a0.sim']);
    expect(seen.filter((u) => u === '/api/v1')).toHaveLength(1);
  });

  it('an authentication failure is an http error that does not quote the body', async () => {
    plain = await startServer((req, res) => {
      res.writeHead(req.url === '/api/v1' ? 401 : 404);
      res.end('bad credentials: secret-token-123');
    });
    client = new MesosClient(mesosSchema.parse({ masters: [plain.url], api: 'v1' }), silentLogger());
    const r = await client.getState();
    expect(r).toMatchObject({ ok: false, error: { kind: 'http', status: 401 } });
    expect(JSON.stringify(r)).not.toContain('secret-token-123');
  });

  it('reads a state larger than maxResponseBytes: the state is never held whole', async () => {
    emu = await startEmulatedCluster({
      agents: Array.from({ length: 60 }, (_, i) => ({ hostname: `a${i}.sim`, ip: `10.0.0.${i + 1}`, resources: { cpus: 4, mem: 8192, disk: 10_000 } })),
      apps: [{ id: '/web', instances: 120, cpus: 0.5, mem: 256 }],
    });
    emu.cluster.schedule();
    client = new MesosClient(mesosSchema.parse({ masters: [emu.masterUrl], maxResponseBytes: 16 * 1024 }), silentLogger());
    const read = await client.getState();
    expect(read.ok && read.value.state.agents).toHaveLength(60);
    expect(read.ok && read.value.state.agents.reduce((n, a) => n + a.tasks.length, 0)).toBe(120);
    expect(read.ok && read.value.api).toBe('v1');
  });
});

describe('the SUBSCRIBE record reader', () => {
  const collect = async (text: string, opts: { maxRecordBytes: number; streamAboveBytes?: number } = { maxRecordBytes: 1000 }) => {
    const out = [];
    for await (const e of readEventRecords(chunked(Buffer.from(text), [3]), opts)) out.push(e);
    return out;
  };

  it('reads small records whole, split anywhere, and stops at the first bad one', async () => {
    const hb = encodeRecord('{"type":"HEARTBEAT"}');
    expect(await collect(hb + hb)).toEqual([{ ok: true, value: { type: 'HEARTBEAT' } }, { ok: true, value: { type: 'HEARTBEAT' } }]);
    expect(await collect(`${hb}abc\n{}`)).toMatchObject([{ ok: true }, { ok: false, error: { message: expect.stringContaining('length prefix') } }]);
  });

  it('refuses a record over the limit unless it is a large first record, which is stream-parsed', async () => {
    const big = encodeRecord(JSON.stringify({ type: 'HEARTBEAT', padding: 'x'.repeat(2000) }));
    expect(await collect(encodeRecord('{"type":"HEARTBEAT"}') + big)).toMatchObject([{ ok: true }, { ok: false, error: { message: expect.stringContaining('exceeds 1000') } }]);
    // A large first record that is not SUBSCRIBED is an error value too.
    expect(await collect(big, { maxRecordBytes: 1000, streamAboveBytes: 100 })).toMatchObject([{ ok: false, error: { message: expect.stringContaining('expected "SUBSCRIBED"') } }]);
  });

  it('reports a stream that ends inside a record', async () => {
    expect(await collect('30\n{"type":')).toMatchObject([{ ok: false, error: { message: expect.stringContaining('ended inside') } }]);
  });
});
