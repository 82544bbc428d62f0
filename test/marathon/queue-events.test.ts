import { afterEach, describe, expect, it } from 'vitest';
import type { MarathonClient } from '../../src/marathon/client.js';
import type { QueueEventsClient } from '../../src/marathon/queue-from-events.js';
import type { EmulatedCluster } from '../../src/sim/emulator/start.js';
import { Metrics } from '../../src/server/metrics.js';
import { readCounts, send, smallCluster, sorted, startQueue, until, watch, withoutEvents, type Harness } from './queue-events-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: Parameters<typeof startQueue>[1] = {}): Promise<{ emu: EmulatedCluster; h: Harness; requests: string[]; sockets: ReturnType<typeof watch>['sockets'] }> {
  const emu = await smallCluster();
  cleanups.push(() => emu.close());
  const { requests, sockets } = watch(emu);
  const h = startQueue(emu.marathonUrl, opts);
  cleanups.push(() => h.close());
  await until(() => h.queue.status().inSync, 5000, 'the baseline');
  return { emu, h, requests, sockets };
}

const reads = (requests: readonly string[], from: number) => requests.slice(from).filter((r) => !r.startsWith('GET /v2/events'));

describe('the launch queue kept from /v2/events, against the emulated Marathon', () => {
  it('a posted app waits from its events alone: no /v2/queue or /v2/apps read after the baseline', async () => {
    const { emu, h, requests } = await setup();
    expect(requests.filter((r) => r.startsWith('GET /v2/queue'))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('GET /v2/apps?embed=apps.tasks'))).toHaveLength(1);
    const mark = requests.length;
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/web', instances: 6, cpus: 1, mem: 128, constraints: [['hostname', 'GROUP_BY']] });
    await until(() => h.queue.counts().get('/web') === 6, 5000, '6 waiting');
    const read = await h.queue.getQueue();
    if (!read.ok) throw new Error(read.error.message);
    // Only the POST itself reached Marathon: the model answered the cycle.
    expect(reads(requests, mark)).toEqual(['POST /v2/apps']);
    const web = read.value.pending.find((p) => p.id === '/web');
    expect(web).toMatchObject({ count: 6, resources: { cpus: 1, mem: 128 }, constraints: [{ field: 'hostname', operator: 'GROUP_BY' }], role: '*', delayed: false });
    expect(read.value.appConstraints?.get('/web')).toEqual([{ field: 'hostname', operator: 'GROUP_BY' }]);
    // The same launch as the poll reads from /v2/queue, but for what only a read knows (offers seen).
    const polled = await h.client.getQueue();
    if (!polled.ok) throw new Error(polled.error.message);
    const p = polled.value.find((x) => x.id === '/web');
    expect({ ...web, since: 0, rejections: {} }).toEqual({ ...p, since: 0, rejections: {} });
  });

  it('instances that start leave the count; scaling up and down and deleting follow', async () => {
    const { emu, h, requests } = await setup();
    const mark = requests.length;
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/api', instances: 6, cpus: 1, mem: 128 });
    await until(() => h.queue.counts().get('/api') === 6);
    emu.clock.advance(1000); // an allocation pass: 4 of 6 fit on the agent
    await until(() => h.queue.counts().get('/api') === 2, 5000, '2 left waiting');
    emu.clock.advance(1000); // TASK_RUNNING: nothing changes in the queue
    await send(`${emu.marathonUrl}/v2/apps/api`, 'PUT', { instances: 9 });
    await until(() => h.queue.counts().get('/api') === 5, 5000, 'scaled up to 5 waiting');
    await send(`${emu.marathonUrl}/v2/apps/api`, 'PUT', { instances: 3 });
    await until(() => !h.queue.counts().has('/api'), 5000, 'scaled down below the running');
    expect(sorted(await readCounts(h.client))).toEqual([]);
    await send(`${emu.marathonUrl}/v2/apps/api`, 'PUT', { instances: 5 });
    await until(() => h.queue.counts().get('/api') === 2);
    await send(`${emu.marathonUrl}/v2/apps/api`, 'DELETE');
    await until(() => !h.queue.counts().has('/api'), 5000, 'deleted');
    const r = await h.queue.getQueue();
    expect(r.ok && r.value.appConstraints?.has('/api')).toBe(false);
    expect(reads(requests, mark).filter((x) => x.startsWith('GET'))).toEqual(['GET /v2/queue']); // readCounts' own
    expect(h.resyncs).toEqual(['connect']);
  });

  it('a dropped connection loses events; the reconnect re-syncs and the model equals a fresh read', async () => {
    const { emu, h, sockets } = await setup();
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/a', instances: 2, cpus: 3, mem: 64 });
    await until(() => h.queue.counts().get('/a') === 2);
    for (const s of sockets) s.destroy();
    // Changes while the stream is down: their events go nowhere.
    emu.cluster.scaleApp('/a', 7);
    emu.cluster.createApp({ id: '/b', instances: 3, cpus: 2, mem: 64 });
    await until(() => h.resyncs.filter((r) => r === 'connect').length === 2 && h.queue.status().inSync, 5000, 'the re-sync');
    await until(() => h.queue.counts().get('/b') === 3);
    expect(sorted(h.queue.counts())).toEqual(sorted(await readCounts(h.client)));
  });

  it('the check takes the read where the model missed an event, logs it, counts it, and re-syncs', async () => {
    const metrics = new Metrics({ processMetrics: false });
    // Marathon sends the event, the model does not get it: the api_post_event of /ghost.
    const dropGhost = (c: MarathonClient): QueueEventsClient => ({
      getQueueEntries: () => c.getQueueEntries(),
      getAppDefinitions: (embed) => c.getAppDefinitions(embed),
      getAppDefinition: (id) => c.getAppDefinition(id),
      events: (onEvent, opts) =>
        c.events((e) => {
          if (e.type === 'other' && e.eventType === 'api_post_event' && JSON.stringify(e.data).includes('/ghost')) return;
          if (e.type === 'deployment_info' && e.actions?.some((a) => a.app === '/ghost')) return;
          return onEvent(e);
        }, opts),
    });
    const { emu, h } = await setup({ wrap: dropGhost, onResync: (r) => metrics.marathonQueueResync(r) });
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/ghost', instances: 3, cpus: 64, mem: 64 });
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/seen', instances: 1, cpus: 64, mem: 64 });
    await until(() => h.queue.counts().get('/seen') === 1);
    expect(h.queue.counts().has('/ghost')).toBe(false);
    expect(await h.queue.check()).toEqual(['/ghost']);
    // Taken at once, before the re-sync lands.
    expect(h.queue.counts().get('/ghost')).toBe(3);
    expect(await metrics.text()).toContain('mesos_autoscaler_marathon_queue_resyncs_total{reason="check"} 1');
    await until(() => h.queue.status().syncs === 2, 5000, 'the re-sync after the check');
    expect(h.queue.status().held).toEqual([]);
    expect(await h.queue.check()).toEqual([]);
    expect(h.queue.status().disagreements).toBe(1);
    expect(sorted(h.queue.counts())).toEqual(sorted(await readCounts(h.client)));
  });

  it('a baseline read that fails while the stream stays up is tried again with backoff, not left until a reconnect', async () => {
    const emu = await smallCluster();
    cleanups.push(() => emu.close());
    let failures = 3;
    const h = startQueue(emu.marathonUrl, {
      wrap: (c) => ({
        events: (onEvent, opts) => c.events(onEvent, opts),
        getQueueEntries: () => c.getQueueEntries(),
        getAppDefinition: (id) => c.getAppDefinition(id),
        // A large Marathon slow to list every app with its tasks (10 s client timeout).
        getAppDefinitions: (embed) => (failures-- > 0 ? Promise.resolve({ ok: false, error: { kind: 'timeout', message: 'no complete response within 10000 ms' } }) : c.getAppDefinitions(embed)),
      }),
    });
    cleanups.push(() => h.close());
    await until(() => h.queue.status().inSync, 5000, 'the baseline after three failed reads');
    expect(failures).toBe(-1);
    expect(h.queue.status()).toMatchObject({ connected: true, syncs: 1 });
    emu.cluster.createApp({ id: '/late', instances: 2, cpus: 64, mem: 1 });
    await until(() => h.queue.counts().get('/late') === 2, 5000, 'the new app from events');
  });

  it('a Marathon without /v2/events (404) is polled every cycle, as before', async () => {
    const emu = await smallCluster();
    cleanups.push(() => emu.close());
    const proxy = await withoutEvents(emu.marathonUrl);
    cleanups.push(() => proxy.close());
    const { requests } = watch(emu);
    const h = startQueue(proxy.url);
    cleanups.push(() => h.close());
    await until(() => h.queue.status().refused, 5000, 'the refusal');
    emu.cluster.createApp({ id: '/x', instances: 2, cpus: 64, mem: 1 });
    const before = requests.filter((r) => r.startsWith('GET /v2/queue')).length;
    const r = await h.queue.getQueue();
    expect(r.ok && r.value.pending.map((p) => [p.id, p.count])).toEqual([['/x', 2]]);
    expect(requests.filter((x) => x.startsWith('GET /v2/queue')).length).toBe(before + 1);
    expect(h.queue.status().inSync).toBe(false);
    // The triggers read the stream themselves and get Marathon's answer.
    const direct = await h.queue.events.events(() => undefined, {});
    expect(direct.ok ? direct.value : direct.error.status).toBe(404);
  });

  it('the triggers share the connection: a late consumer is told the stream is attached, then gets events after the model applied them', async () => {
    const { emu, h } = await setup();
    const seen: string[] = [];
    const ac = new AbortController();
    const done = h.queue.events.events(
      (e) => {
        seen.push(e.type === 'other' ? e.eventType : e.type);
        if (e.type === 'other' && e.eventType === 'api_post_event') seen.push(`model:${h.queue.counts().get('/t') ?? 0}`);
      },
      { signal: ac.signal },
    );
    await send(`${emu.marathonUrl}/v2/apps`, 'POST', { id: '/t', instances: 2, cpus: 64, mem: 1 });
    await until(() => seen.includes('api_post_event'));
    ac.abort();
    expect(await done).toEqual({ ok: true, value: 'aborted' });
    expect(seen[0]).toBe('event_stream_attached');
    expect(seen).toContain('model:2');
  });
});
