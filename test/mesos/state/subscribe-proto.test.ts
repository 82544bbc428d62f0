import { request as httpRequest, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../../src/config/schema.js';
import { MesosClient } from '../../../src/mesos/client.js';
import type { MesosEvent } from '../../../src/mesos/events.js';
import { encodeRecord } from '../../../src/mesos/recordio.js';
import { StateModel } from '../../../src/mesos/state/model.js';
import { StreamedState } from '../../../src/mesos/state/streamed-source.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { answerEncoding, recordIoProtobuf } from '../../../src/sim/emulator/proto/serve.js';
import { createLogger, type Logger } from '../../../src/util/logger.js';
import { fixtureJsonLines } from '../../support/fixtures.js';
import { silentLogger, startServer, type Handler, type TestServer } from '../servers.js';

const PROTOBUF = 'application/x-protobuf';

const servers: TestServer[] = [];
const clients: MesosClient[] = [];
const stops: (() => Promise<void>)[] = [];
let emu: EmulatedCluster | undefined;
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await emu?.close();
  emu = undefined;
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A client whose log lines are kept (to see what it said about encodings). */
function client(input: Record<string, unknown>, logger?: Logger): { c: MesosClient; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const log = logger ?? createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const c = new MesosClient(mesosSchema.parse({ timeoutMs: 5000, ...input }), log);
  clients.push(c);
  return { c, logs };
}

/** A master: /master/redirect answers as a leading master's does (here), the rest is `handler`'s. */
async function server(handler: Handler): Promise<TestServer> {
  const s = await startServer((req, res, body) => {
    if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
    return handler(req, res, body);
  });
  servers.push(s);
  return s;
}

interface Seen {
  readonly accept: string | undefined;
  readonly type: string | undefined;
}

/** Streams /api/v1 through to `target` (SUBSCRIBE included), noting each request's Accept and the answer's Content-Type. */
async function pipingProxy(target: string, seen: Seen[]): Promise<TestServer> {
  return server((req, res, body) => {
    const headers: Record<string, string> = {};
    for (const k of ['accept', 'content-type']) if (typeof req.headers[k] === 'string') headers[k] = req.headers[k];
    const up = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers }, (answer) => {
      seen.push({ accept: req.headers.accept, type: answer.headers['content-type'] });
      res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? '' });
      answer.pipe(res);
    });
    res.on('close', () => up.destroy());
    up.on('error', () => res.destroy());
    up.end(body);
  });
}

/** Subscribes, applying every event to a model of its own; returns what it saw and how to stop. */
function follow(c: MesosClient): { events: MesosEvent[]; model: StateModel; gaps: string[]; stop: () => Promise<void> } {
  const events: MesosEvent[] = [];
  const gaps: string[] = [];
  const model = new StateModel();
  const ac = new AbortController();
  const done = c.subscribe(
    (e) => {
      events.push(e);
      const gap = model.apply(e);
      if (gap) gaps.push(gap.reason);
    },
    { signal: ac.signal },
  );
  const stop = async () => {
    ac.abort();
    await done;
  };
  stops.push(stop);
  return { events, model, gaps, stop };
}

const noHeartbeats = (es: readonly MesosEvent[]) => es.filter((e) => e.type !== 'HEARTBEAT');

describe('SUBSCRIBE in protobuf from the emulated master', () => {
  it('gives the same events and the same model as in JSON, subscribed at once, through launches, ends, agents added and removed', async () => {
    emu = await startEmulatedCluster({
      cluster: { mesosVersion: '1.9.0', defaultStartupMs: 1000, frameworks: [{ name: 'marathon', role: '*' }, { name: 'metronome' }] },
      agents: [0, 1, 2].map((i) => ({ hostname: `a${i}.sim`, ip: `10.0.0.${i + 1}`, resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { zone: `z${i % 2}` } })),
      apps: [{ id: '/web', instances: 3, cpus: 0.5, mem: 256, ports: 1, labels: { HAPROXY_GROUP: 'external' } }],
      master: { heartbeatIntervalMs: 60_000 },
    });
    emu.cluster.schedule();
    emu.clock.advance(2000);
    const seen: Seen[] = [];
    const proxy = await pipingProxy(emu.masterUrl, seen);
    const proto = follow(client({ masters: [proxy.url], encoding: 'protobuf' }).c);
    const json = follow(client({ masters: [emu.masterUrl], encoding: 'json' }).c);
    await until(() => proto.events.length > 0 && json.events.length > 0);
    expect(seen).toEqual([{ accept: PROTOBUF, type: PROTOBUF }]);

    // Tasks launched and started, one finished and one failed, an agent added and one removed (its tasks lost).
    const cluster = emu.cluster;
    expect(cluster.scaleApp('/web', 7).ok).toBe(true);
    cluster.schedule();
    emu.clock.advance(2000);
    const tasks = [...cluster.tasks()];
    expect(cluster.killTask(tasks[0]?.id ?? '', 'TASK_FINISHED')).toBe(true);
    expect(cluster.killTask(tasks[1]?.id ?? '', 'TASK_FAILED')).toBe(true);
    const added = cluster.addAgent({ hostname: 'a9.sim', ip: '10.0.0.9', resources: { cpus: 8, mem: 16384, disk: 10_000 } });
    cluster.schedule();
    emu.clock.advance(2000);
    const busy = [...cluster.agents()].find((a) => a.id !== added.id && [...cluster.tasks()].some((t) => t.agentId === a.id));
    expect(busy && cluster.removeAgent(busy.id)).toBe(true);
    emu.clock.advance(2000);

    const types = (es: readonly MesosEvent[]) => new Set(es.map((e) => e.type));
    await until(() => ['TASK_ADDED', 'TASK_UPDATED', 'AGENT_ADDED', 'AGENT_REMOVED'].every((t) => types(proto.events).has(t as MesosEvent['type'])));
    await until(() => noHeartbeats(proto.events).length === noHeartbeats(json.events).length);
    expect(noHeartbeats(proto.events)).toStrictEqual(noHeartbeats(json.events));
    expect(proto.events.filter((e) => e.type === 'TASK_UPDATED').map((e) => e.type === 'TASK_UPDATED' && e.state)).toEqual(expect.arrayContaining(['TASK_RUNNING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST']));
    expect(proto.gaps).toEqual([]);
    expect(json.gaps).toEqual([]);
    expect(proto.model.agents()).toStrictEqual(json.model.agents());
    expect(proto.model.agentCount).toBe(3);

    // Both models are what a fresh read says.
    const full = await client({ masters: [emu.masterUrl] }, silentLogger()).c.getState();
    if (!full.ok) throw new Error(full.error.message);
    expect(proto.model.agents()).toStrictEqual(full.value.state.agents);
  });

  it('a framework registered since is in the next SUBSCRIBED, the same in both encodings (the emulated master sends no FRAMEWORK_* events)', async () => {
    emu = await startEmulatedCluster({ cluster: { mesosVersion: '1.9.0' }, agents: [{ hostname: 'a0.sim', ip: '10.0.0.1', resources: { cpus: 4, mem: 8192, disk: 10_000 } }], master: { heartbeatIntervalMs: 60_000 } });
    emu.cluster.registerFramework({ name: 'spark', role: 'analytics', principal: 'spark' });
    const proto = follow(client({ masters: [emu.masterUrl], encoding: 'protobuf' }).c);
    const json = follow(client({ masters: [emu.masterUrl], encoding: 'json' }).c);
    await until(() => proto.events.length > 0 && json.events.length > 0);
    const [p, j] = [proto.events[0], json.events[0]];
    if (p?.type !== 'SUBSCRIBED' || j?.type !== 'SUBSCRIBED') throw new Error('no SUBSCRIBED');
    expect(p.state.frameworks.map((f) => f.name)).toContain('spark');
    expect(p).toStrictEqual(j);
  });
});

const CAPTURE = fixtureJsonLines('real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl') as Record<string, unknown>[];
const SUBSCRIBED = CAPTURE[0] ?? {};
const HEARTBEAT = { type: 'HEARTBEAT' };

/** A SUBSCRIBE stream in the encoding the master picks (proto/serve.ts `answerEncoding`); `extra` records follow the first two. */
function streamTo(res: ServerResponse, accept: string | undefined, extra: (encoding: 'json' | 'protobuf') => Buffer[] = () => []): void {
  const encoding = answerEncoding(accept);
  if (!encoding) return void res.writeHead(406).end();
  const record = (e: Record<string, unknown>) => (encoding === 'protobuf' ? recordIoProtobuf(e) : Buffer.from(encodeRecord(JSON.stringify(e))));
  res.writeHead(200, { 'content-type': encoding === 'protobuf' ? PROTOBUF : 'application/json' });
  res.write(Buffer.concat([record(SUBSCRIBED), record(HEARTBEAT), ...extra(encoding)]));
}

describe('SUBSCRIBE encoding negotiation', () => {
  it('auto: a master that answers 406 to protobuf is subscribed in JSON, then and from then on', async () => {
    const accepts: (string | undefined)[] = [];
    const s = await server((req, res) => {
      accepts.push(req.headers.accept);
      // A master build without protobuf answers: 406 to an Accept that allows only protobuf.
      if (req.headers.accept === PROTOBUF) return res.writeHead(406, { 'content-type': 'text/plain' }).end('Not Acceptable');
      streamTo(res, req.headers.accept);
    });
    const { c, logs } = client({ masters: [s.url] });
    const first = follow(c);
    await until(() => first.events.length >= 2);
    await first.stop();
    expect(first.events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    const second = follow(c);
    await until(() => second.events.length >= 2);
    expect(second.events).toStrictEqual(first.events);
    expect(accepts.filter((a) => a === PROTOBUF)).toHaveLength(1);
    expect(accepts.at(-1)).not.toBe(PROTOBUF);
    const said = logs.filter((l) => String(l['msg']).includes('reading it as JSON'));
    expect(said).toHaveLength(1);
    expect(said[0]?.['call']).toBe('SUBSCRIBE');
  });

  it('auto: a stream answered in JSON to a protobuf Accept (a proxy that rewrites it) is read as JSON', async () => {
    const s = await server((_req, res) => streamTo(res, 'application/json'));
    const { c, logs } = client({ masters: [s.url] });
    const f = follow(c);
    await until(() => f.events.length >= 2);
    expect(f.events[0]?.type).toBe('SUBSCRIBED');
    expect(logs.some((l) => String(l['msg']).includes('reading it as JSON'))).toBe(true);
  });

  it('json: never asks for protobuf; protobuf: a 406 is an error, not a fallback', async () => {
    const accepts: (string | undefined)[] = [];
    const s = await server((req, res) => {
      accepts.push(req.headers.accept);
      if (req.headers.accept === PROTOBUF) return res.writeHead(406).end();
      streamTo(res, req.headers.accept);
    });
    const j = follow(client({ masters: [s.url], encoding: 'json' }).c);
    await until(() => j.events.length >= 2);
    expect(accepts[0]).not.toBe(PROTOBUF);
    const r = await client({ masters: [s.url], encoding: 'protobuf' }).c.subscribe(() => undefined, {});
    expect(r).toMatchObject({ ok: false, error: { kind: 'http', status: 406 } });
  });

  it('auto: a protobuf SUBSCRIBED past maxResponseBytes is asked again in JSON in the same call (streamed past the limit), warned', async () => {
    const accepts: (string | undefined)[] = [];
    const s = await server((req, res) => {
      accepts.push(req.headers.accept);
      streamTo(res, req.headers.accept);
    });
    const { c, logs } = client({ masters: [s.url], maxResponseBytes: 512 });
    const f = follow(c);
    await until(() => f.events.length >= 2);
    expect(f.events[0]?.type).toBe('SUBSCRIBED');
    expect(accepts[0]).toBe(PROTOBUF);
    expect(accepts[1]).not.toBe(PROTOBUF);
    expect(logs.filter((l) => l['level'] === 40 && String(l['msg']).includes('exceeds mesos.maxResponseBytes'))).toHaveLength(1);
    const strict = await client({ masters: [s.url], maxResponseBytes: 512, encoding: 'protobuf' }, silentLogger()).c.subscribe(() => undefined, {});
    expect(strict).toMatchObject({ ok: false, error: { kind: 'too-large' } });
  });

  it('the same events in either encoding from the same stream of records', async () => {
    const s = await server((req, res) => streamTo(res, req.headers.accept, (enc) => CAPTURE.slice(1).map((e) => (enc === 'protobuf' ? recordIoProtobuf(e) : Buffer.from(encodeRecord(JSON.stringify(e)))))));
    const p = follow(client({ masters: [s.url], encoding: 'protobuf' }).c);
    const j = follow(client({ masters: [s.url], encoding: 'json' }).c);
    await until(() => p.events.length === CAPTURE.length + 1 && j.events.length === CAPTURE.length + 1);
    expect(p.events).toStrictEqual(j.events);
  });
});

describe('a garbled protobuf record', () => {
  /** A master whose first SUBSCRIBE stream carries one record that is not an Event, later ones are sound. */
  async function flakyMaster(): Promise<{ s: TestServer; accepts: (string | undefined)[] }> {
    const accepts: (string | undefined)[] = [];
    const s = await server((req, res) => {
      accepts.push(req.headers.accept);
      const junk = Buffer.from([0x08, 0x03, 0x22, 0x7f, 0x01]);
      streamTo(res, req.headers.accept, (enc) => (accepts.length === 1 && enc === 'protobuf' ? [Buffer.from(`${junk.length}\n`), junk] : []));
    });
    return { s, accepts };
  }

  const streamed = (c: MesosClient) => {
    const st = new StreamedState({ client: c, poll: { getAgents: () => c.getState().then((r) => (r.ok ? { ok: true as const, value: { agents: r.value.state.agents, from: 'poll', readAt: 0, api: 'v1' as const } } : r)) }, mode: 'auto', logger: silentLogger(), reconnect: { initialDelayMs: 10 } });
    stops.push(() => st.stop());
    st.start();
    return st;
  };

  it('protobuf: is an error value that ends the stream; the re-subscription (protobuf again) re-syncs the model', async () => {
    const { s, accepts } = await flakyMaster();
    const st = streamed(client({ masters: [s.url], encoding: 'protobuf' }, silentLogger()).c);
    await until(() => st.status().syncs >= 2 && st.status().inSync);
    expect(accepts.slice(0, 2)).toEqual([PROTOBUF, PROTOBUF]);
    const agents = await st.getAgents();
    expect(agents.ok && agents.value.from).toBe('mesos event stream');
    expect(agents.ok && agents.value.agents.length).toBeGreaterThan(0);
  });

  it('auto: the master is subscribed in JSON from the next subscription on (its events differ from our definitions)', async () => {
    const { s, accepts } = await flakyMaster();
    const { c, logs } = client({ masters: [s.url] });
    const st = streamed(c);
    await until(() => st.status().syncs >= 2 && st.status().inSync);
    expect(accepts[0]).toBe(PROTOBUF);
    expect(accepts[1]).not.toBe(PROTOBUF);
    expect(logs.find((l) => String(l['msg']).includes('reading it as JSON'))?.['call']).toBe('SUBSCRIBE');
  });
});
