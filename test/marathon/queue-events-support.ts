import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MarathonClient } from '../../src/marathon/client.js';
import { marathonPendingSource } from '../../src/marathon/pending-source.js';
import { QueueFromEvents, type QueueEventsClient } from '../../src/marathon/queue-from-events.js';
import type { QueueResyncReason } from '../../src/marathon/queue-model.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/start.js';
import { systemClock } from '../../src/util/clock.js';
import { createLogger } from '../../src/util/logger.js';

export const logger = createLogger('silent');

/** One agent of 4 cpus: apps of 1-cpu instances wait beyond four. */
export async function smallCluster(): Promise<EmulatedCluster> {
  return startEmulatedCluster({
    cluster: { seed: 3, defaultStartupMs: 1000, allocationIntervalMs: 1000 },
    agents: [{ hostname: '10.0.0.1', ip: '10.0.0.1', resources: { cpus: 4, mem: 16_384, disk: 100_000 }, ports: [{ begin: 31000, end: 32000 }] }],
  });
}

/** Every request Marathon got, as `METHOD path`, and its open sockets (to cut the event stream). */
export function watch(emu: EmulatedCluster): { requests: string[]; sockets: Set<Socket> } {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  emu.marathon.server.on('request', (req) => requests.push(`${req.method ?? 'GET'} ${req.url ?? ''}`));
  emu.marathon.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return { requests, sockets };
}

export interface Harness {
  readonly queue: QueueFromEvents;
  readonly client: MarathonClient;
  readonly resyncs: QueueResyncReason[];
  close(): Promise<void>;
}

export function startQueue(url: string, opts: { wrap?: (c: MarathonClient) => QueueEventsClient; mode?: 'auto' | 'events'; onResync?: (r: QueueResyncReason) => void } = {}): Harness {
  const client = new MarathonClient({ url }, logger);
  const resyncs: QueueResyncReason[] = [];
  const queue = new QueueFromEvents({
    client: opts.wrap ? opts.wrap(client) : client,
    poll: marathonPendingSource(client, url, systemClock),
    mode: opts.mode ?? 'auto',
    logger,
    from: url,
    checkEveryMs: 3_600_000,
    onResync: (r) => {
      resyncs.push(r);
      opts.onResync?.(r);
    },
    reconnect: { initialDelayMs: 30, maxDelayMs: 100 },
    baselineRetry: { initialDelayMs: 30, maxDelayMs: 100 },
  });
  queue.start();
  return {
    queue,
    client,
    resyncs,
    close: async () => {
      await queue.stop();
      await client.close();
    },
  };
}

export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A fresh `/v2/queue` read as app id -> count. */
export async function readCounts(client: MarathonClient): Promise<Map<string, number>> {
  const q = await client.getQueue();
  if (!q.ok) throw new Error(q.error.message);
  return new Map(q.value.filter((p) => p.count > 0).map((p) => [p.id, p.count]));
}

export const sorted = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

export async function send(url: string, method: string, body?: unknown): Promise<void> {
  const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** A Marathon without `/v2/events` (404), everything else passed to `target`. */
export async function withoutEvents(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/v2/events')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"Not found"}');
      return;
    }
    fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET' })
      .then(async (r) => {
        res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
