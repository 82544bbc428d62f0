import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedCluster } from '../../../src/sim/emulator/start.js';
import { fixtureJson, fixtureText } from '../../support/fixtures.js';
import { compareShape } from './shape.js';
import { postJson, richCluster } from './setup.js';

type Obj = Record<string, unknown>;
const appsCapture = fixtureJson('real-captures/marathon-v2-apps-embed-tasks-1.5-marathonlb.json') as Obj;
const queueCapture = fixtureJson('real-captures/marathon-v2-queue-docs-example.json') as Obj;
const captureApps = [...(appsCapture['apps'] as Obj[]), ...(queueCapture['queue'] as Obj[]).map((q) => q['app'])];

/**
 * Deliberate differences: we launch no containers and run no health checks, so the
 * app has no `container`/`networks`; `role` is Marathon 1.9+ (absent in 1.5 captures).
 */
const APP_IGNORE = ['container', 'networks', 'role', 'tasks[].startedAt', 'labels'];

let emu: EmulatedCluster;
beforeAll(async () => {
  emu = await richCluster();
});
afterAll(async () => emu.close());

describe('Marathon REST API', () => {
  it('GET /v2/apps?embed=apps.tasks has the 1.5 capture shape', async () => {
    const body = (await (await fetch(`${emu.marathonUrl}/v2/apps?embed=apps.tasks`)).json()) as Obj;
    expect(Object.keys(body)).toEqual(['apps']);
    const apps = body['apps'] as Obj[];
    expect(apps.map((a) => a['id'])).toEqual(['/web', '/public', '/toobig']);
    for (const a of apps) expect(compareShape(a, captureApps, { ignore: APP_IGNORE })).toEqual([]);
    const web = apps[0] as Obj;
    expect(web['tasks']).toHaveLength(3);
    expect((web['tasks'] as Obj[])[0]).toMatchObject({ appId: '/web', state: 'TASK_RUNNING', ports: [expect.any(Number)] });
    const plain = (await (await fetch(`${emu.marathonUrl}/v2/apps`)).json()) as Obj;
    expect(Object.keys((plain['apps'] as Obj[])[0] as Obj)).not.toContain('tasks');
  });

  it('GET /v2/queue has the docs example shape with rejection reasons', async () => {
    const body = (await (await fetch(`${emu.marathonUrl}/v2/queue`)).json()) as Obj;
    const queue = body['queue'] as Obj[];
    expect(queue).toHaveLength(1);
    // Offers are the agents' resources flattened Marathon's way; our agents have no `set` values.
    // The docs example puts scalar, ranges and set in one offer resource to show them all; a real offer has one.
    const offerUnion = ['resources', 'attributes'].flatMap((k) => ['scalar', 'ranges', 'set'].map((f) => `queue[].lastUnusedOffers[].offer.${k}[].${f}`));
    expect(compareShape(body, [queueCapture], { ignore: [...APP_IGNORE.map((p) => `queue[].app.${p}`), ...offerUnion, 'queue[].app.cmd', 'queue[].app.gpus', 'queue[].app.killSelection', 'queue[].app.unreachableStrategy', 'queue[].app.tasksStaged', 'queue[].app.tasksRunning', 'queue[].app.tasksHealthy', 'queue[].app.tasksUnhealthy', 'queue[].app.deployments'] })).toEqual([]);
    const item = queue[0] as Obj;
    expect(item).toMatchObject({ count: 2, role: '*', delay: { timeLeftSeconds: 0, overdue: true } });
    const summary = item['processedOffersSummary'] as Obj;
    const last = summary['rejectSummaryLastOffers'] as { reason: string; declined: number; processed: number }[];
    expect(last.map((r) => r.reason)).toEqual([
      'UnfulfilledRole', 'UnfulfilledConstraint', 'NoCorrespondingReservationFound', 'AgentMaintenance',
      'InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientGpus', 'InsufficientPorts', 'DeclinedScarceResources',
    ]);
    // 4 agents: the public one is reserved to another role, 3 are too small.
    expect(last.find((r) => r.reason === 'UnfulfilledRole')).toEqual({ reason: 'UnfulfilledRole', declined: 1, processed: 4 });
    expect(last.find((r) => r.reason === 'InsufficientCpus')).toEqual({ reason: 'InsufficientCpus', declined: 3, processed: 3 });
    expect(summary['processedOffersCount']).toBeGreaterThanOrEqual(4);
    expect((item['lastUnusedOffers'] as Obj[]).length).toBeGreaterThan(0);
  });

  it('POST, PUT (scale) and DELETE /v2/apps change the cluster', async () => {
    // One instance per private agent and one on the GPU agent, which Marathon's default GPU
    // scheduling (restricted) keeps for GPU apps unless the app's label lifts it.
    const created = await postJson(`${emu.marathonUrl}/v2/apps`, { id: 'api', instances: 1, cpus: 0.1, mem: 16, constraints: [['hostname', 'UNIQUE']], portDefinitions: [{ port: 0 }], labels: { GPU_SCHEDULING_BEHAVIOR: 'unrestricted' } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Obj)['id']).toBe('/api');
    expect((await postJson(`${emu.marathonUrl}/v2/apps`, { id: '/api' })).status).toBe(409);
    expect((await postJson(`${emu.marathonUrl}/v2/apps`, { id: '/bad', constraints: [['hostname', 'NEAR']] })).status).toBe(422);
    const scaled = await fetch(`${emu.marathonUrl}/v2/apps/api`, { method: 'PUT', body: JSON.stringify({ instances: 3 }) });
    expect(scaled.status).toBe(200);
    expect(Object.keys((await scaled.json()) as Obj).sort()).toEqual(['deploymentId', 'version']);
    emu.clock.advance(1000);
    expect(emu.cluster.getApp('/api')?.tasks.size).toBe(3);
    const del = await fetch(`${emu.marathonUrl}/v2/apps/api`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(emu.cluster.getApp('/api')).toBeUndefined();
    expect((await fetch(`${emu.marathonUrl}/v2/apps/api`)).status).toBe(404);
  });

  it('GET /v2/events streams server-sent events shaped like the docs example', async () => {
    const controller = new AbortController();
    const res = await fetch(`${emu.marathonUrl}/v2/events`, { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const received: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (m) => received.push(m) });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const readUntil = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        parser.feed(decoder.decode(value, { stream: true }));
      }
    };
    await readUntil(() => received.length >= 1);
    emu.cluster.scaleApp('/web', 4);
    emu.clock.advance(1000);
    emu.clock.advance(1000);
    await readUntil(() => received.some((m) => m.event === 'deployment_success') && received.filter((m) => m.event === 'status_update_event').length >= 2);
    controller.abort();

    const docs: EventSourceMessage[] = [];
    const docParser = createParser({ onEvent: (m) => docs.push(m) });
    docParser.feed(fixtureText('real-captures/marathon-v2-events-sse-docs-example.txt'));
    const docData = (type: string) => docs.filter((m) => m.event === type).map((m) => JSON.parse(m.data) as unknown);

    expect(received[0]?.event).toBe('event_stream_attached');
    expect(compareShape(JSON.parse(received[0]?.data ?? '{}'), docData('event_stream_attached'))).toEqual([]);
    const updates = received.filter((m) => m.event === 'status_update_event').map((m) => JSON.parse(m.data) as Obj);
    for (const u of updates) expect(compareShape(u, docData('status_update_event'))).toEqual([]);
    expect(updates.map((u) => u['taskStatus'])).toEqual(['TASK_STAGING', 'TASK_RUNNING']);
    expect(updates[0]).toMatchObject({ appId: '/web', eventType: 'status_update_event' });
    const order = received.map((m) => m.event);
    expect(order.indexOf('api_post_event')).toBeLessThan(order.indexOf('status_update_event'));
    expect(order).toContain('instance_changed_event');
  });
});
