import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import type { MesosEvent } from '../../src/mesos/events.js';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { silenceLimitMs, subscribeWithReconnect } from '../../src/mesos/subscribe.js';
import type { MesosError } from '../../src/mesos/errors.js';
import { fixtureText } from '../support/fixtures.js';
import { silentLogger, startServer, type Handler, type TestServer } from './servers.js';

const servers: TestServer[] = [];
const clients: MesosClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const streamHead = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' });

async function master(onSubscribe: (res: ServerResponse, n: number) => void): Promise<TestServer> {
  let n = 0;
  const handler: Handler = (req, res, body) => {
    if (req.url === '/master/redirect') {
      res.writeHead(404);
      return res.end();
    }
    if (req.url === '/api/v1' && (JSON.parse(body) as { type: string }).type === 'SUBSCRIBE') {
      return onSubscribe(res, ++n);
    }
    res.writeHead(404);
    res.end();
  };
  const s = await startServer(handler);
  servers.push(s);
  return s;
}
function client(url: string) {
  const c = new MesosClient(mesosSchema.parse({ masters: [url], timeoutMs: 2000 }), silentLogger());
  clients.push(c);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LINES = fixtureText('real-captures/mesos-v1-subscribe-stream-recovered-agents.jsonl')
  .split('\n')
  .filter((l) => l.trim() !== '');

/** Writes the framed stream in awkward pieces: inside prefixes, inside records, several records at once. */
async function writeSplit(res: ServerResponse, text: string, sizes: number[]): Promise<void> {
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const n = sizes[i % sizes.length]!;
    res.write(text.slice(at, at + n));
    at += n;
    await sleep(1);
  }
}

describe('SUBSCRIBE over HTTP', () => {
  it('reads a RecordIO stream split across chunks, then reports the end', async () => {
    const s = await master((res) => {
      streamHead(res);
      void writeSplit(res, LINES.map(encodeRecord).join(''), [1, 2, 700, 3, 5000]).then(() => res.end());
    });
    const events: MesosEvent[] = [];
    const r = await client(s.url).subscribe((e) => {
      events.push(e);
    });
    expect(r).toEqual({ ok: true, value: 'ended' });
    expect(events.map((e) => e.type)).toEqual([
      'SUBSCRIBED', 'HEARTBEAT', 'AGENT_ADDED', 'FRAMEWORK_ADDED', 'TASK_ADDED', 'FRAMEWORK_UPDATED', 'TASK_ADDED', 'TASK_UPDATED', 'TASK_UPDATED',
    ]);
  });

  it('stops on abort', async () => {
    const s = await master((res) => {
      streamHead(res);
      res.write(encodeRecord(LINES[0]!));
      const t = setInterval(() => res.write(encodeRecord('{"type":"HEARTBEAT"}')), 10);
      res.on('close', () => clearInterval(t));
    });
    const ac = new AbortController();
    let beats = 0;
    const r = await client(s.url).subscribe(
      (e) => {
        if (e.type === 'HEARTBEAT' && ++beats === 3) ac.abort();
      },
      { signal: ac.signal },
    );
    expect(r).toEqual({ ok: true, value: 'aborted' });
    expect(beats).toBe(3);
  });

  it('a broken frame or record is an error value', async () => {
    const s = await master((res, n) => {
      streamHead(res);
      res.end(n === 1 ? 'xx\n{}' : encodeRecord('{not json'));
    });
    const c = client(s.url);
    expect(await c.subscribe(() => undefined)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(await c.subscribe(() => undefined)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('subscribeWithReconnect reconnects with backoff and starts over from SUBSCRIBED', async () => {
    const s = await master((res, n) => {
      if (n === 2) {
        res.writeHead(503); // e.g. the master is recovering
        return res.end();
      }
      streamHead(res);
      res.end(encodeRecord(LINES[0]!) + encodeRecord('{"type":"HEARTBEAT"}'));
    });
    const ac = new AbortController();
    const types: string[] = [];
    const disconnects: (MesosError | 'ended')[] = [];
    const delays: number[] = [];
    await subscribeWithReconnect(
      client(s.url),
      (e) => {
        types.push(e.type);
        if (types.filter((t) => t === 'SUBSCRIBED').length === 2 && e.type === 'HEARTBEAT') ac.abort();
      },
      {
        signal: ac.signal,
        initialDelayMs: 5,
        maxDelayMs: 20,
        onDisconnect: (why, ms) => {
          disconnects.push(why);
          delays.push(ms);
        },
      },
    );
    expect(types).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'SUBSCRIBED', 'HEARTBEAT']);
    expect(disconnects[0]).toBe('ended');
    expect(disconnects[1]).toMatchObject({ kind: 'http', status: 503 });
    // Events flowed before the first end, so the backoff starts over; the failed attempt doubles it.
    expect(delays).toEqual([5, 10]);
  });
});

/** SUBSCRIBED as a master before 1.5 sends it: no `heartbeat_interval_seconds` (master.proto @1.4.0 has no such field). */
function subscribedWithout(): string {
  const e = JSON.parse(LINES[0]!) as { subscribed: Record<string, unknown> };
  delete e.subscribed.heartbeat_interval_seconds;
  return JSON.stringify(e);
}
function subscribedEvery(seconds: number): string {
  const e = JSON.parse(LINES[0]!) as { subscribed: Record<string, unknown> };
  e.subscribed.heartbeat_interval_seconds = seconds;
  return JSON.stringify(e);
}
const TASK_UPDATED_10 = JSON.stringify({
  type: 'TASK_UPDATED',
  task_updated: { task_id: { value: 't1' }, framework_id: { value: 'F0' }, agent_id: { value: 'S0' }, state: 'TASK_FAILED' },
});

describe('heartbeats by master version', () => {
  it('the silence limit comes from the interval SUBSCRIBED announced, and there is none without one', () => {
    expect(silenceLimitMs(15)).toBe(45_000);
    expect(silenceLimitMs(15, { missedHeartbeats: 5 })).toBe(75_000);
    expect(silenceLimitMs(15, { idleTimeoutMs: 20_000 })).toBe(20_000);
    expect(silenceLimitMs(undefined)).toBeUndefined();
    expect(silenceLimitMs(undefined, { idleTimeoutMs: 20_000 })).toBeUndefined();
    expect(silenceLimitMs(0)).toBeUndefined();
  });

  it('a master before 1.5 that sends no heartbeats is not dropped for staying silent far longer than the heartbeat watchdog', async () => {
    let opened = 0;
    const s = await master((res) => {
      opened++;
      streamHead(res);
      res.write(encodeRecord(subscribedWithout()));
      // Quiet cluster: nothing for 8 times the watchdog below, then a task fails.
      const t = setTimeout(() => res.write(encodeRecord(TASK_UPDATED_10)), 800);
      res.on('close', () => clearTimeout(t));
    });
    const ac = new AbortController();
    const types: string[] = [];
    const disconnects: (MesosError | 'ended')[] = [];
    await subscribeWithReconnect(
      client(s.url),
      (e) => {
        types.push(e.type);
        if (e.type === 'TASK_UPDATED') ac.abort();
      },
      { signal: ac.signal, idleTimeoutMs: 100, initialDelayMs: 5, onDisconnect: (why) => disconnects.push(why) },
    );
    expect(types).toEqual(['SUBSCRIBED', 'TASK_UPDATED']);
    expect(disconnects).toEqual([]);
    expect(opened).toBe(1);
  });

  it('a master that announced heartbeats and falls silent is dropped after the missed heartbeats and subscribed again', async () => {
    const opened: number[] = [];
    const s = await master((res) => {
      opened.push(Date.now());
      streamHead(res);
      // Announces a heartbeat every 50 ms, sends one, then nothing (a hung master keeps the socket open).
      res.write(encodeRecord(subscribedEvery(0.05)) + encodeRecord('{"type":"HEARTBEAT"}'));
    });
    const ac = new AbortController();
    const disconnects: (MesosError | 'ended')[] = [];
    await subscribeWithReconnect(client(s.url), () => undefined, {
      signal: ac.signal,
      initialDelayMs: 5,
      onDisconnect: (why) => {
        disconnects.push(why);
        if (disconnects.length === 2) ac.abort();
      },
    });
    expect(disconnects).toHaveLength(2);
    expect(disconnects[0]).toMatchObject({ kind: 'timeout', message: expect.stringContaining('heartbeat') });
    expect(opened).toHaveLength(2);
    // Three missed 50 ms heartbeats: not before 150 ms of silence.
    expect(opened[1]! - opened[0]!).toBeGreaterThanOrEqual(140);
  });

  it('heartbeats at the announced interval keep the stream open', async () => {
    let opened = 0;
    const s = await master((res) => {
      opened++;
      streamHead(res);
      // Announces 200 ms (dead after 600 ms of silence), beats every 30 ms: room for a slow, shared machine.
      res.write(encodeRecord(subscribedEvery(0.2)));
      const t = setInterval(() => res.write(encodeRecord('{"type":"HEARTBEAT"}')), 30);
      res.on('close', () => clearInterval(t));
    });
    const ac = new AbortController();
    let beats = 0;
    const disconnects: (MesosError | 'ended')[] = [];
    await subscribeWithReconnect(
      client(s.url),
      (e) => {
        if (e.type === 'HEARTBEAT' && ++beats === 15) ac.abort();
      },
      { signal: ac.signal, initialDelayMs: 5, onDisconnect: (why) => disconnects.push(why) },
    );
    expect(disconnects).toEqual([]);
    expect(opened).toBe(1);
  });

  it('a stream that never delivers SUBSCRIBED is dropped after the subscribe timeout', async () => {
    const s = await master((res) => {
      streamHead(res);
      res.write('12'); // a length prefix, then nothing
    });
    const ac = new AbortController();
    const disconnects: (MesosError | 'ended')[] = [];
    await subscribeWithReconnect(client(s.url), () => undefined, {
      signal: ac.signal,
      initialDelayMs: 5,
      subscribedTimeoutMs: 100,
      onDisconnect: (why) => {
        disconnects.push(why);
        ac.abort();
      },
    });
    expect(disconnects[0]).toMatchObject({ kind: 'timeout', message: expect.stringContaining('SUBSCRIBED') });
  });
});
