import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent, type MesosEvent } from '../../src/mesos/events.js';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { readEventRecords } from '../../src/mesos/state/event-records.js';
import type { MesosError } from '../../src/mesos/errors.js';
import type { Result } from '../../src/util/result.js';
import { fixtureJsonLines, fixtureText } from '../support/fixtures.js';

const DCOSNET = 'real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl';
const RECOVERED = 'real-captures/mesos-v1-subscribe-stream-recovered-agents.jsonl';

function events(file: string): MesosEvent[] {
  return fixtureJsonLines(file).map((json, i) => {
    const r = parseEvent(json);
    if (!r.ok) throw new Error(`line ${i}: ${r.error.message}`);
    return r.value;
  });
}

async function* chunked(text: string, sizes: number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const n = sizes[i++ % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function collect(it: AsyncIterable<Result<MesosEvent, MesosError>>): Promise<Result<MesosEvent, MesosError>[]> {
  const out: Result<MesosEvent, MesosError>[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const ok = (e: MesosEvent): Result<MesosEvent, MesosError> => ({ ok: true, value: e });

describe('SUBSCRIBE stream (Mesos 1.5, dcos-net)', () => {
  const list = events(DCOSNET);

  it('types every event in order', () => {
    const raw = fixtureJsonLines(DCOSNET).map((e) => (e as { type: string }).type);
    expect(list.map((e) => e.type)).toEqual(raw);
    expect(list).toHaveLength(38);
  });

  it('SUBSCRIBED carries the whole state and the heartbeat interval', () => {
    const first = list[0]!;
    if (first.type !== 'SUBSCRIBED') throw new Error('not SUBSCRIBED');
    expect(first.heartbeatIntervalSeconds).toBe(15);
    expect(first.state.agents.map((a) => a.hostname).sort()).toEqual(['172.17.0.3', '172.17.0.4']);
    expect(first.state.frameworks.map((f) => f.name)).toEqual(['metronome']);
    expect(first.state.recoveredAgents).toEqual([]);
  });

  it('FRAMEWORK_UPDATED, TASK_ADDED and TASK_UPDATED', () => {
    const fw = list[1]!;
    if (fw.type !== 'FRAMEWORK_UPDATED') throw new Error(fw.type);
    expect(fw.framework).toMatchObject({ name: 'marathon', roles: ['slave_public'], active: true, connected: true });
    const added = list[2]!;
    if (added.type !== 'TASK_ADDED') throw new Error(added.type);
    expect(added.agentId).toBe('30257977-0153-499d-a5b0-35afd842ef4d-S0');
    expect(added.task).toMatchObject({ name: 'docker-on-bridge', state: 'TASK_STAGING', role: 'slave_public', appId: '/docker-on-bridge' });
    expect(added.task.resources.ports).toBe(1);
    const updated = list[4]!;
    if (updated.type !== 'TASK_UPDATED') throw new Error(updated.type);
    expect(updated).toMatchObject({
      taskId: 'docker-on-bridge.0ef76549-2630-11e8-af52-70b3d5800001',
      state: 'TASK_STARTING',
      agentId: '30257977-0153-499d-a5b0-35afd842ef4d-S0',
      at: Math.round(1520884849.15991 * 1000),
    });
  });
});

describe('SUBSCRIBE stream after failover (Mesos 1.9, keys sorted)', () => {
  const list = events(RECOVERED);

  it('types every event', () => {
    expect(list.map((e) => e.type)).toEqual([
      'SUBSCRIBED', 'HEARTBEAT', 'AGENT_ADDED', 'FRAMEWORK_ADDED', 'TASK_ADDED', 'FRAMEWORK_UPDATED', 'TASK_ADDED', 'TASK_UPDATED', 'TASK_UPDATED',
    ]);
  });

  it('SUBSCRIBED lists recovered agents and no registered ones', () => {
    const s = list[0]!;
    if (s.type !== 'SUBSCRIBED') throw new Error(s.type);
    expect(s.state.agents).toEqual([]);
    expect(s.state.recoveredAgents).toEqual([{ id: '65fccc5d-35a8-4cae-9eb2-05922043018e-S0', hostname: '172.17.0.4' }]);
  });

  it('AGENT_ADDED with deactivated:false is an active agent', () => {
    const e = list[2]!;
    if (e.type !== 'AGENT_ADDED') throw new Error(e.type);
    expect(e.agent).toMatchObject({ hostname: '172.17.0.4', ip: '172.17.0.4', active: true, draining: false, version: '1.9.0' });
    expect(e.agent.total).toMatchObject({ cpus: 4, mem: 6949, disk: 31119 });
  });

  it('recovered framework, failed and running tasks', () => {
    const fw = list[3]!;
    if (fw.type !== 'FRAMEWORK_ADDED') throw new Error(fw.type);
    expect(fw.framework).toMatchObject({ name: 'marathon', roles: ['slave_public'], active: false });
    const failed = list[4]!;
    if (failed.type !== 'TASK_ADDED') throw new Error(failed.type);
    expect(failed.task.state).toBe('TASK_FAILED');
    expect(failed.task.appId).toBe('/web');
    const last = list[8]!;
    expect(last).toMatchObject({ type: 'TASK_UPDATED', state: 'TASK_RUNNING' });
  });
});

describe('streams of masters before 1.5', () => {
  // Built from apache/mesos include/mesos/v1/master/master.proto @1.0.0 (`Event.TaskUpdated`,
  // `Event.Subscribed`) and src/common/protobuf_utils.cpp @1.0.0 `createTaskUpdated`: no public
  // capture of a 1.0 stream was found.
  const task10 = {
    type: 'TASK_UPDATED',
    task_updated: {
      task_id: { value: 'web.1' },
      framework_id: { value: 'F0' },
      agent_id: { value: 'S3' },
      executor_id: { value: 'web.1' },
      state: 'TASK_FAILED',
    },
  };

  it('Mesos 1.0 TASK_UPDATED with the ids at the top level parses as the same event as the newer shape', () => {
    expect(parseEvent(task10)).toEqual({ ok: true, value: { type: 'TASK_UPDATED', frameworkId: 'F0', taskId: 'web.1', agentId: 'S3', state: 'TASK_FAILED' } });
    const since11 = {
      type: 'TASK_UPDATED',
      task_updated: { framework_id: { value: 'F0' }, state: 'TASK_FAILED', status: { task_id: { value: 'web.1' }, agent_id: { value: 'S3' }, state: 'TASK_FAILED' } },
    };
    expect(parseEvent(since11)).toEqual(parseEvent(task10));
  });

  it('a 1.0 TASK_UPDATED without an executor id still parses; one with neither shape is an error value naming the event', () => {
    const noExecutor = { task_id: { value: 'web.1' }, framework_id: { value: 'F0' }, agent_id: { value: 'S3' }, state: 'TASK_RUNNING' };
    expect(parseEvent({ type: 'TASK_UPDATED', task_updated: noExecutor }).ok).toBe(true);
    for (const bad of [{ framework_id: { value: 'F0' }, state: 'TASK_FAILED' }, { task_id: { value: 't' }, state: 'TASK_FAILED' }, {}]) {
      const r = parseEvent({ type: 'TASK_UPDATED', task_updated: bad });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('TASK_UPDATED');
    }
  });

  it('SUBSCRIBED of a master before 1.5 carries no heartbeat interval', () => {
    const r = parseEvent({ type: 'SUBSCRIBED', subscribed: { get_state: { get_tasks: {}, get_executors: {}, get_frameworks: {}, get_agents: {} } } });
    if (!r.ok || r.value.type !== 'SUBSCRIBED') throw new Error('not SUBSCRIBED');
    expect(r.value.heartbeatIntervalSeconds).toBeUndefined();
    expect(r.value.state.agents).toEqual([]);
  });

  it('every event of both captured streams still parses next to the 1.0 shape', () => {
    for (const file of [DCOSNET, RECOVERED]) {
      const updates = events(file).filter((e) => e.type === 'TASK_UPDATED');
      expect(updates.length).toBeGreaterThan(0);
      for (const u of updates) expect(u).toMatchObject({ taskId: expect.any(String), frameworkId: expect.any(String), at: expect.any(Number) });
    }
  });
});

describe('other events', () => {
  it('AGENT_REMOVED, FRAMEWORK_REMOVED, unknown types', () => {
    expect(parseEvent({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'S7' } } })).toEqual({ ok: true, value: { type: 'AGENT_REMOVED', agentId: 'S7' } });
    expect(parseEvent({ framework_removed: { framework_info: { id: { value: 'F1' }, name: 'x' } }, type: 'FRAMEWORK_REMOVED' })).toEqual({
      ok: true,
      value: { type: 'FRAMEWORK_REMOVED', frameworkId: 'F1' },
    });
    expect(parseEvent({ type: 'OPERATION_UPDATED' })).toEqual({ ok: true, value: { type: 'UNKNOWN', rawType: 'OPERATION_UPDATED' } });
  });

  it('malformed known events are error values', () => {
    for (const bad of [{ type: 'AGENT_ADDED', agent_added: {} }, { type: 'TASK_ADDED' }, { typ: 'HEARTBEAT' }, 'HEARTBEAT']) {
      const r = parseEvent(bad);
      expect(r.ok).toBe(false);
    }
  });
});

describe('RecordIO (the live reader, state/event-records.ts)', () => {
  const lines = fixtureText(DCOSNET).split('\n').filter((l) => l.trim() !== '');
  const framed = lines.map(encodeRecord).join('');
  const read = (text: string, sizes: number[], maxRecordBytes = 64 * 1024 * 1024) => collect(readEventRecords(chunked(text, sizes), { maxRecordBytes }));

  it('reassembles records split anywhere, including inside length prefixes and UTF-8 characters', async () => {
    const expected = events(DCOSNET).map(ok);
    for (const sizes of [[1], [7, 3, 11], [4096], [framed.length]]) {
      expect(await read(framed, sizes)).toEqual(expected);
    }
    const unicode = encodeRecord('{"type":"HEARTBEAT","note":"größe ✓"}') + encodeRecord('{"type":"HEARTBEAT"}');
    expect(await read(unicode, [1])).toEqual([ok({ type: 'HEARTBEAT' }), ok({ type: 'HEARTBEAT' })]);
  });

  it('bad prefixes, truncated records and oversized records are error values', async () => {
    const only = async (text: string, max?: number): Promise<string> => {
      const out = await read(text, [10], max);
      const last = out.at(-1);
      return last && !last.ok ? last.error.message : 'no error';
    };
    expect(await only('abc\n{}')).toMatch(/length prefix/);
    expect(await only('10\n{}')).toMatch(/ended inside/);
    expect(await only(encodeRecord('{"type":"HEARTBEAT"}') + '999\n', 100)).toMatch(/exceeds/);
  });
});

describe('properties over both TASK_UPDATED shapes', () => {
  const id = fc.string({ minLength: 1, maxLength: 40 });
  const state = fc.constantFrom('TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_GONE');

  it('the same update in the 1.0 shape and the 1.1+ shape parses to the same event, apart from the timestamp only 1.1+ carries', () => {
    fc.assert(
      fc.property(id, id, id, state, fc.option(id, { nil: undefined }), fc.double({ min: 1e9, max: 2e9, noNaN: true }), (task, framework, agentId, st, executor, seconds) => {
        const old = parseEvent({
          type: 'TASK_UPDATED',
          task_updated: { task_id: { value: task }, framework_id: { value: framework }, agent_id: { value: agentId }, ...(executor ? { executor_id: { value: executor } } : {}), state: st },
        });
        const now = parseEvent({
          type: 'TASK_UPDATED',
          task_updated: { framework_id: { value: framework }, state: st, status: { task_id: { value: task }, agent_id: { value: agentId }, state: st, timestamp: seconds } },
        });
        if (!old.ok || !now.ok) return false;
        expect(now.value).toEqual({ ...old.value, at: Math.round(seconds * 1000) });
        return true;
      }),
    );
  });

  it('an event type this client does not know is skipped, never an error, whatever it carries', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((t) => !['SUBSCRIBED', 'TASK_ADDED', 'TASK_UPDATED', 'AGENT_ADDED', 'AGENT_REMOVED', 'FRAMEWORK_ADDED', 'FRAMEWORK_UPDATED', 'FRAMEWORK_REMOVED', 'HEARTBEAT'].includes(t)),
        fc.jsonValue(),
        (type, body) => {
          const r = parseEvent({ type, body });
          return r.ok && r.value.type === 'UNKNOWN' && r.value.rawType === type;
        },
      ),
    );
  });
});
