import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import type { MesosEvent } from '../../src/mesos/events.js';
import { encodeRecord } from '../../src/mesos/recordio.js';
import { subscribeWithReconnect } from '../../src/mesos/subscribe.js';
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
