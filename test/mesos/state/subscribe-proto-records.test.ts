import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MesosError } from '../../../src/mesos/errors.js';
import { parseEvent, type MesosEvent } from '../../../src/mesos/events.js';
import { decodeEvent } from '../../../src/mesos/proto/event.js';
import { encodeRecord } from '../../../src/mesos/recordio.js';
import { isFramingError, readEventRecords } from '../../../src/mesos/state/event-records.js';
import { encodeJson, EVENT } from '../../../src/sim/emulator/proto/codec.js';
import type { Result } from '../../../src/util/result.js';
import { fixtureJsonLines } from '../../support/fixtures.js';

type Json = Record<string, unknown>;

/** The real SUBSCRIBE captures (../shared/fixtures/real-captures/README.md), event by event. */
const CAPTURES = ['mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl', 'mesos-v1-subscribe-stream-recovered-agents.jsonl'];
const captured = CAPTURES.flatMap((file) => fixtureJsonLines(`real-captures/${file}`).map((json, i) => ({ name: `${file} #${i} ${String((json as Json)['type'])}`, json: json as Json })));

/** Events no capture holds, as master.proto defines them and the master writes them in JSON. */
const FRAMEWORK = (captured.find((c) => c.json['type'] === 'FRAMEWORK_ADDED')?.json['framework_added'] as Json | undefined)?.['framework'] as Json | undefined;
const synthetic: { name: string; json: Json }[] = [
  { name: 'AGENT_REMOVED', json: { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'S7' } } } },
  { name: 'FRAMEWORK_REMOVED', json: { type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { ...(FRAMEWORK?.['framework_info'] as Json) } } } },
  { name: 'SUBSCRIBED without get_state', json: { type: 'SUBSCRIBED', subscribed: { heartbeat_interval_seconds: 15 } } },
  { name: 'SUBSCRIBED of an empty master', json: { type: 'SUBSCRIBED', subscribed: { get_state: { get_tasks: {}, get_executors: {}, get_frameworks: {}, get_agents: {} } } } },
  {
    name: 'TASK_UPDATED without agent or timestamp',
    json: { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F1' }, status: { task_id: { value: 't1' }, state: 'TASK_FAILED' }, state: 'TASK_FAILED' } },
  },
  { name: 'HEARTBEAT', json: { type: 'HEARTBEAT' } },
];

const fromJson = (json: Json): MesosEvent => {
  const r = parseEvent(JSON.parse(JSON.stringify(json)));
  if (!r.ok) throw new Error(`JSON path: ${r.error.message}`);
  return r.value;
};
const toProto = (json: Json): Uint8Array => encodeJson(EVENT, json);
const protoRecord = (json: Json): Buffer => {
  const bytes = toProto(json);
  return Buffer.concat([Buffer.from(`${bytes.length}\n`), bytes]);
};

async function* chunked(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(at, c);
    at = c;
  }
  yield bytes.subarray(at);
}

async function collect(chunks: AsyncIterable<Uint8Array>, opts: Parameters<typeof readEventRecords>[1]): Promise<Result<MesosEvent, MesosError>[]> {
  const out: Result<MesosEvent, MesosError>[] = [];
  for await (const r of readEventRecords(chunks, opts)) out.push(r);
  return out;
}

describe('SUBSCRIBE events in protobuf, read with our minimal definitions', () => {
  it('the captures hold every kind of event the model reads, so the comparison covers them', () => {
    const types = new Set(captured.map((c) => c.json['type']));
    for (const t of ['SUBSCRIBED', 'TASK_ADDED', 'TASK_UPDATED', 'AGENT_ADDED', 'FRAMEWORK_ADDED', 'FRAMEWORK_UPDATED', 'HEARTBEAT']) expect(types).toContain(t);
    expect(FRAMEWORK).toBeDefined();
  });

  it.each([...captured, ...synthetic])('$name: the same event as its JSON', ({ json }) => {
    const proto = decodeEvent(toProto(json));
    if (!proto.ok) throw new Error(`protobuf path: ${proto.error.message}`);
    expect(proto.value).toStrictEqual(fromJson(json));
  });

  it('the comparison is not of empty things: SUBSCRIBED states have agents, recovered agents and frameworks, TASK_ADDED tasks with resources', () => {
    const events = captured.map((c) => decodeEvent(toProto(c.json))).flatMap((r) => (r.ok ? [r.value] : []));
    expect(events).toHaveLength(captured.length);
    const states = events.flatMap((e) => (e.type === 'SUBSCRIBED' ? [e.state] : []));
    expect(states.some((s) => s.agents.length > 0)).toBe(true);
    expect(states.some((s) => s.recoveredAgents.length > 0)).toBe(true);
    expect(states.some((s) => s.frameworks.length > 0)).toBe(true);
    expect(events.some((e) => e.type === 'TASK_ADDED' && e.task.resources.cpus > 0 && e.task.appId !== undefined)).toBe(true);
    expect(events.some((e) => e.type === 'TASK_UPDATED' && e.at !== undefined && e.agentId !== undefined)).toBe(true);
  });

  it('an event type newer than our definitions is UNKNOWN, as in JSON, and its fields are skipped', () => {
    // type 10 and a field 20 that no definition of ours has.
    const bytes = Buffer.from([0x08, 10, 0xa2, 0x01, 3, 0x0a, 1, 0x41]);
    expect(decodeEvent(bytes)).toEqual({ ok: true, value: { type: 'UNKNOWN', rawType: '10' } });
  });

  it('a known event missing what parseEvent requires is malformed, as in JSON', () => {
    const r = decodeEvent(toProto({ type: 'TASK_ADDED' }));
    expect(r.ok).toBe(false);
    expect(parseEvent({ type: 'TASK_ADDED' }).ok).toBe(false);
  });
});

describe('the SUBSCRIBE record reader in protobuf', () => {
  const stream = Buffer.concat([...captured, ...synthetic].map((c) => protoRecord(c.json)));
  const expected = [...captured, ...synthetic].map((c) => fromJson(c.json));
  const values = (rs: Result<MesosEvent, MesosError>[]) =>
    rs.map((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });

  it('gives the events of the JSON stream of the same records', async () => {
    const jsonStream = Buffer.from([...captured, ...synthetic].map((c) => encodeRecord(JSON.stringify(c.json))).join(''));
    const a = await collect(chunked(jsonStream, []), { maxRecordBytes: 1 << 20 });
    const b = await collect(chunked(stream, []), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
    expect(values(b)).toStrictEqual(values(a));
    expect(values(b)).toStrictEqual(expected);
  });

  it('gives the same events however the bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const got = await collect(chunked(stream, cuts), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
        expect(values(got)).toStrictEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('splits at every single byte too (one-byte chunks)', async () => {
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    const got = await collect(chunked(stream, cuts), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
    expect(values(got)).toStrictEqual(expected);
  });

  it('refuses a record past maxRecordBytes, the first (SUBSCRIBED) included, before reading it', async () => {
    const first = protoRecord(captured[0]?.json ?? {});
    const got = await collect(chunked(first, [5]), { maxRecordBytes: first.length - 10, encoding: 'protobuf' });
    expect(got).toHaveLength(1);
    expect(got[0]?.ok).toBe(false);
    expect(!got[0]?.ok && got[0]?.error).toMatchObject({ kind: 'too-large', message: expect.stringMatching(/exceeds/) });
  });

  it('a stream cut inside a record ends with a framing error after the events before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: stream.length - 1 }), async (at) => {
        const got = await collect(chunked(stream.subarray(0, at), [Math.floor(at / 2)]), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
        const last = got.at(-1);
        // A cut right after a record is a clean end: no error, only whole events.
        if (last?.ok) {
          expect(values(got)).toStrictEqual(expected.slice(0, got.length));
          return;
        }
        expect(values(got.slice(0, -1))).toStrictEqual(expected.slice(0, got.length - 1));
        expect(last && !last.ok && isFramingError(last.error)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('garbled bytes give an error value (never a throw) and end the stream, whose re-subscription re-syncs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: stream.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 5 }), async (at, byte, cuts) => {
        const garbled = Buffer.from(stream);
        garbled[at] = byte;
        const got = await collect(chunked(garbled, cuts), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
        // At most one error, and it is the last thing read.
        const bad = got.findIndex((r) => !r.ok);
        if (bad >= 0) expect(bad).toBe(got.length - 1);
        for (const r of got) if (!r.ok) expect(r.error.kind).toBe('malformed');
      }),
      { numRuns: 300 },
    );
  });

  it('a record whose content is not an Event is a decoding error, not a framing one', async () => {
    const junk = Buffer.from([0xff, 0xff, 0xff]);
    const bytes = Buffer.concat([protoRecord({ type: 'HEARTBEAT' }), Buffer.from(`${junk.length}\n`), junk, protoRecord({ type: 'HEARTBEAT' })]);
    const got = await collect(chunked(bytes, []), { maxRecordBytes: 1 << 20, encoding: 'protobuf' });
    expect(got).toHaveLength(2);
    expect(got[0]).toEqual({ ok: true, value: { type: 'HEARTBEAT' } });
    expect(got[1]?.ok).toBe(false);
    const second = got[1];
    expect(second && !second.ok && isFramingError(second.error)).toBe(false);
  });
});
