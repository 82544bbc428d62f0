import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseGetState } from '../../../src/mesos/parse-v1.js';
import { decodeGetStateResponse } from '../../../src/mesos/proto/get-state.js';
import { parseExact } from '../../../src/sim/emulator/exact-json.js';
import { CALL, decodeToJson, EVENT, RESPONSE } from '../../../src/sim/emulator/proto/codec.js';
import { acceptsMediaType, answerEncoding } from '../../../src/sim/emulator/proto/serve.js';
import type { EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { richCluster } from './setup.js';

let emu: EmulatedCluster;
beforeEach(async () => {
  emu = await richCluster();
});
afterEach(async () => {
  await emu.close();
});

const PROTOBUF = 'application/x-protobuf';

async function call(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return fetch(`${emu.masterUrl}/api/v1`, { method: 'POST', headers, body });
}
const jsonCall = (type: string, accept: string) => call(JSON.stringify({ type }), { 'Content-Type': 'application/json', Accept: accept });

/**
 * One canonical form for the master's JSON and a protobuf message decoded back to JSON: numbers,
 * exact int64s (bigint or decimal strings) and numeric strings compare as their decimal text, and
 * bytes (`uuid`) as their content rather than their base64 spelling.
 */
function canonical(v: unknown, key = ''): unknown {
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return key === 'uuid' ? Buffer.from(v, 'base64').toString('hex') : v;
  if (Array.isArray(v)) return v.map((x) => canonical(x, key));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x, k)]));
  return v;
}

describe('the emulated master in protobuf (src/master/http.cpp Master::Http::api)', () => {
  it('answers GET_STATE in protobuf to Accept: application/x-protobuf, with that Content-Type', async () => {
    const res = await jsonCall('GET_STATE', PROTOBUF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROTOBUF);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    const state = decodeGetStateResponse(new Uint8Array(await res.arrayBuffer()));
    const json = parseGetState(await (await jsonCall('GET_STATE', 'application/json')).json());
    if (!state.ok || !json.ok) throw new Error('unreadable');
    expect(state.value.agents.length).toBeGreaterThan(0);
    expect(state.value.agents.some((a) => a.tasks.length > 0)).toBe(true);
    expect(state.value).toStrictEqual(json.value);
  });

  it('encodes every field it serves in JSON (GET_STATE, GET_AGENTS, GET_TASKS, GET_MASTER, maintenance)', async () => {
    emu.cluster.updateMaintenanceSchedule([{ machines: [{ hostname: '10.0.6.133', ip: '10.0.6.133' }], startNs: 1764320000123456789n, durationNs: 3_600_000_000_000n }]);
    const drained = emu.cluster.agents().next().value;
    if (drained) emu.cluster.drainAgent(drained.id, { markGone: false, maxGracePeriodNs: 9007199254740993n });
    for (const type of ['GET_STATE', 'GET_AGENTS', 'GET_TASKS', 'GET_MASTER', 'GET_MAINTENANCE_SCHEDULE', 'GET_MAINTENANCE_STATUS']) {
      const asJson = parseExact(await (await jsonCall(type, 'application/json')).text());
      const asProto = decodeToJson(RESPONSE, new Uint8Array(await (await jsonCall(type, PROTOBUF)).arrayBuffer()));
      expect(canonical(asProto), type).toEqual(canonical(asJson));
    }
  });

  it('answers JSON whenever Accept allows JSON, protobuf only when it allows protobuf alone, else 406', async () => {
    expect((await jsonCall('GET_STATE', '*/*')).headers.get('content-type')).toBe('application/json');
    expect((await jsonCall('GET_STATE', `${PROTOBUF}, application/json;q=0.1`)).headers.get('content-type')).toBe('application/json');
    expect((await jsonCall('GET_STATE', `${PROTOBUF}, application/json;q=0`)).headers.get('content-type')).toBe(PROTOBUF);
    expect((await jsonCall('GET_STATE', 'application/*')).headers.get('content-type')).toBe('application/json');
    const refused = await jsonCall('GET_STATE', 'text/html');
    expect(refused.status).toBe(406);
    expect(await refused.text()).toBe("Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
    expect((await jsonCall('GET_STATE', `${PROTOBUF};q=0, application/json;q=0`)).status).toBe(406);
    expect(answerEncoding(undefined)).toBe('json');
    expect(acceptsMediaType('APPLICATION/X-PROTOBUF', PROTOBUF)).toBe(true);
  });

  it('validates the call before looking at Accept, as the master does', async () => {
    const res = await call('{"type":"GET_STATE"', { 'Content-Type': 'application/json', Accept: 'text/html' });
    expect(res.status).toBe(400);
  });

  it('reads a protobuf-encoded Call (Content-Type application/x-protobuf), and refuses bytes that are not one', async () => {
    const get = CALL.encode(CALL.fromObject({ type: 'GET_STATE' })).finish();
    const res = await call(Buffer.from(get), { 'Content-Type': PROTOBUF, Accept: PROTOBUF });
    expect(res.status).toBe(200);
    expect(decodeGetStateResponse(new Uint8Array(await res.arrayBuffer())).ok).toBe(true);

    const agent = emu.cluster.agents().next().value;
    if (!agent) throw new Error('no agent');
    const drain = CALL.encode(CALL.fromObject({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agent.id }, max_grace_period: { seconds: '9007199', nanos: 254740993 } } })).finish();
    expect((await call(Buffer.from(drain), { 'Content-Type': PROTOBUF })).status).toBe(200);
    // Exact int64 through protobuf: 9007199 s + 254740993 ns = 2^53 + 1 ns.
    expect(emu.cluster.getAgent(agent.id)?.drain?.maxGracePeriodNs).toBe(9007199254740993n);

    const garbage = await call(Buffer.from([0x0a, 0xff, 0xff]), { 'Content-Type': PROTOBUF });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toBe('Failed to parse body into Call protobuf');
    const other = await call('x', { 'Content-Type': 'text/plain' });
    expect(other.status).toBe(415);
    expect(await other.text()).toBe("Expecting 'Content-Type' of application/json or application/x-protobuf");
  });

  it('streams SUBSCRIBE as RecordIO of protobuf Events to Accept: application/x-protobuf', async () => {
    const res = await jsonCall('SUBSCRIBE', PROTOBUF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROTOBUF);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    let buf = Buffer.alloc(0);
    let event: Record<string, unknown> | undefined;
    while (!event) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buf = Buffer.concat([buf, Buffer.from(value)]);
      const nl = buf.indexOf(0x0a);
      const len = nl > 0 ? Number(buf.subarray(0, nl).toString()) : NaN;
      if (Number.isInteger(len) && buf.length >= nl + 1 + len) event = decodeToJson(EVENT, buf.subarray(nl + 1, nl + 1 + len));
    }
    await reader.cancel();
    expect(event['type']).toBe('SUBSCRIBED');
    const subscribed = event['subscribed'] as { get_state: { get_agents: { agents: unknown[] } }; heartbeat_interval_seconds: number };
    expect(subscribed.get_state.get_agents.agents.length).toBe(emu.cluster.agentCount);
    expect(subscribed.heartbeat_interval_seconds).toBe(15);
  });

  it('cuts a protobuf body in half under the malformedJson fault, and the reader calls it malformed', async () => {
    emu.master.faults.malformedJson = 1;
    const res = await jsonCall('GET_STATE', PROTOBUF);
    const state = decodeGetStateResponse(new Uint8Array(await res.arrayBuffer()));
    expect(!state.ok && state.error.kind).toBe('malformed');
  });
});
