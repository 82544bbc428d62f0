import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import { createLogger } from '../../src/util/logger.js';
import { encodeJson, RESPONSE } from '../../src/sim/emulator/proto/codec.js';
import type { EmulatedCluster } from '../../src/sim/emulator/start.js';
import { fixtureJsonLines } from '../support/fixtures.js';
import { richCluster } from '../sim/emulator/setup.js';
import { json, startServer, type Handler, type TestServer } from './servers.js';

const servers: TestServer[] = [];
const clients: MesosClient[] = [];
let emu: EmulatedCluster | undefined;
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await emu?.close();
  emu = undefined;
});

const PROTOBUF = 'application/x-protobuf';

/** A client whose log lines are kept, to see which encoding it used and what it said. */
function client(input: Record<string, unknown>): { c: MesosClient; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const c = new MesosClient(mesosSchema.parse({ timeoutMs: 5000, ...input }), logger);
  clients.push(c);
  return { c, logs };
}

async function server(handler: Handler): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

interface Seen {
  readonly accept: string | undefined;
  readonly type: string | null;
}

/** Forwards /api/v1 to the emulated master, noting each request's Accept and the answer's Content-Type. */
async function recordingProxy(target: string, seen: Seen[]): Promise<TestServer> {
  return server(async (req, res, body) => {
    if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
    const headers: Record<string, string> = {};
    for (const k of ['accept', 'content-type']) if (typeof req.headers[k] === 'string') headers[k] = req.headers[k];
    const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body } : {}) });
    seen.push({ accept: req.headers.accept, type: answer.headers.get('content-type') });
    const bytes = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '', 'content-length': bytes.length });
    res.end(bytes);
  });
}

const SUBSCRIBED = fixtureJsonLines('real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl')[0] as { subscribed: { get_state: unknown } };
const GET_STATE = { type: 'GET_STATE', get_state: SUBSCRIBED.subscribed.get_state };

/** A master of a build without protobuf answers: 406 to an Accept that allows only protobuf. */
function jsonOnlyMaster(calls: (string | undefined)[]): Handler {
  return (req, res) => {
    if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
    calls.push(req.headers.accept);
    if (req.headers.accept === PROTOBUF) return res.writeHead(406, { 'content-type': 'text/plain' }).end('Not Acceptable');
    return json(res, 200, GET_STATE);
  };
}

describe('MesosClient reads GET_STATE in protobuf', () => {
  it('by default (encoding auto): asks for protobuf alone and gets the same state as with encoding json', async () => {
    emu = await richCluster();
    const seen: Seen[] = [];
    const proxy = await recordingProxy(emu.masterUrl, seen);
    const { c, logs } = client({ masters: [proxy.url] });
    const proto = await c.getState();
    if (!proto.ok) throw new Error(proto.error.message);
    expect(seen).toEqual([{ accept: PROTOBUF, type: PROTOBUF }]);
    const read = logs.find((l) => l['msg'] === 'mesos state read');
    expect(read?.['encoding']).toBe('protobuf');
    expect(read?.['bytes']).toBeGreaterThan(0);

    const { c: jsonClient } = client({ masters: [proxy.url], encoding: 'json' });
    const viaJson = await jsonClient.getState();
    if (!viaJson.ok) throw new Error(viaJson.error.message);
    expect(seen[1]).toEqual({ accept: 'application/json', type: 'application/json' });
    expect(proto.value.state.agents.some((a) => a.tasks.length > 0)).toBe(true);
    expect(proto.value.state).toStrictEqual(viaJson.value.state);
  });

  it('encoding protobuf against the emulated master', async () => {
    emu = await richCluster();
    const { c } = client({ masters: [emu.masterUrl], encoding: 'protobuf' });
    const r = await c.getState();
    expect(r.ok && r.value.state.agents.length).toBe(emu.cluster.agentCount);
  });

  it('auto: a master answering 406 is read in JSON from then on, said once', async () => {
    const calls: (string | undefined)[] = [];
    const s = await server(jsonOnlyMaster(calls));
    const { c, logs } = client({ masters: [s.url] });
    const first = await c.getState();
    const second = await c.getState();
    if (!first.ok || !second.ok) throw new Error('not read');
    expect(first.value.state.agents).toHaveLength(2);
    expect(calls).toEqual([PROTOBUF, 'application/json', 'application/json']);
    expect(logs.filter((l) => String(l['msg']).includes('reading it as JSON'))).toHaveLength(1);
  });

  it('auto: a master answering JSON to a protobuf request is read as JSON, and asked JSON from then on', async () => {
    const calls: (string | undefined)[] = [];
    const s = await server((req, res) => {
      if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
      calls.push(req.headers.accept);
      return json(res, 200, GET_STATE);
    });
    const { c } = client({ masters: [s.url] });
    expect((await c.getState()).ok).toBe(true);
    expect((await c.getState()).ok).toBe(true);
    expect(calls).toEqual([PROTOBUF, 'application/json']);
  });

  it('encoding protobuf: a 406 is an error, not a fallback', async () => {
    const calls: (string | undefined)[] = [];
    const s = await server(jsonOnlyMaster(calls));
    const { c } = client({ masters: [s.url], encoding: 'protobuf' });
    const r = await c.getState();
    expect(!r.ok && r.error.status).toBe(406);
    expect(calls).toEqual([PROTOBUF]);
  });

  it('a protobuf body past maxResponseBytes: refused with encoding protobuf, read again as streamed JSON with auto', async () => {
    const bytes = Buffer.from(encodeJson(RESPONSE, GET_STATE));
    const calls: (string | undefined)[] = [];
    const s = await server((req, res) => {
      if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
      calls.push(req.headers.accept);
      if (req.headers.accept !== PROTOBUF) return json(res, 200, GET_STATE);
      res.writeHead(200, { 'content-type': PROTOBUF });
      return res.end(bytes);
    });
    const strict = await client({ masters: [s.url], encoding: 'protobuf', maxResponseBytes: bytes.length - 1 }).c.getState();
    expect(!strict.ok && strict.error.kind).toBe('too-large');
    const fits = await client({ masters: [s.url], encoding: 'protobuf', maxResponseBytes: bytes.length }).c.getState();
    expect(fits.ok && fits.value.state.agents).toHaveLength(2);

    calls.length = 0;
    const { c, logs } = client({ masters: [s.url], maxResponseBytes: bytes.length - 1 });
    const auto = await c.getState();
    expect(auto.ok && auto.value.state.agents).toHaveLength(2);
    expect(calls).toEqual([PROTOBUF, 'application/json']);
    expect(logs.filter((l) => l['level'] === 40 && String(l['msg']).includes('exceeds mesos.maxResponseBytes'))).toHaveLength(1);
    // Not a permanent fallback: the next read asks protobuf again.
    await c.getState();
    expect(calls).toEqual([PROTOBUF, 'application/json', PROTOBUF, 'application/json']);
  });

  it('a cut protobuf body is malformed, not a throw', async () => {
    const bytes = Buffer.from(encodeJson(RESPONSE, GET_STATE));
    const cut = await server((req, res) => {
      if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
      res.writeHead(200, { 'content-type': `${PROTOBUF}; charset=binary` });
      return res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
    });
    const r = await client({ masters: [cut.url] }).c.getState();
    expect(!r.ok && r.error.kind).toBe('malformed');
  });
});
