import { afterEach, describe, expect, it } from 'vitest';
import { marathonSchema } from '../../src/config/schema.js';
import { MarathonClient } from '../../src/marathon/client.js';
import { parseMarathonEvent, readSse, type MarathonEvent } from '../../src/marathon/events.js';
import { fixtureJson, fixtureText } from '../support/fixtures.js';
import { json, silentLogger, startServer, type Handler, type TestServer } from '../mesos/servers.js';

const SSE = fixtureText('real-captures/marathon-v2-events-sse-docs-example.txt');

const servers: TestServer[] = [];
const clients: MarathonClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function setup(handler: Handler, extra: Record<string, unknown> = {}) {
  const s = await startServer(handler);
  servers.push(s);
  const c = new MarathonClient(marathonSchema.parse({ url: `${s.url}/`, ...extra }), silentLogger(), { timeoutMs: 2000 });
  clients.push(c);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('Marathon SSE events', () => {
  it('parses the docs example, event by event, from any chunking', async () => {
    for (const size of [1, 13, SSE.length]) {
      const events: MarathonEvent[] = [];
      for await (const msg of readSse(pieces(SSE, size))) {
        const e = parseMarathonEvent(msg);
        if (!e.ok) throw new Error(e.error.message);
        events.push(e.value);
      }
      expect(events).toEqual([
        { type: 'event_stream_attached', remoteAddress: '0:0:0:0:0:0:0:1', timestamp: '2015-09-30T12:44:30.061Z' },
        {
          type: 'status_update_event',
          appId: '/foo',
          taskId: 'foo.0664256e-6771-11e5-94e1-be5b2935a987',
          taskStatus: 'TASK_FAILED',
          host: 'srv5.hw.ca1.mesosphere.com',
          agentId: '20150707-153709-218108076-5050-25588-S6',
          timestamp: '2015-09-30T12:44:45.681Z',
        },
        {
          type: 'status_update_event',
          appId: '/test-app',
          taskId: 'test-app.5dd78972-6771-11e5-94e1-be5b2935a987',
          taskStatus: 'TASK_RUNNING',
          host: 'srv4.hw.ca1.mesosphere.com',
          agentId: '20150707-153709-201330860-5050-12052-S0',
          timestamp: '2015-09-30T12:47:11.286Z',
        },
      ]);
    }
  });

  it('types deployment, instance and termination events; keeps unknown ones', () => {
    const parse = (event: string, data: unknown) => parseMarathonEvent({ event, data: JSON.stringify(data) });
    expect(parse('deployment_success', { plan: { id: 'd-1' }, timestamp: 't' })).toEqual({ ok: true, value: { type: 'deployment_success', deploymentId: 'd-1', timestamp: 't' } });
    expect(parse('instance_changed_event', { instanceId: 'i', runSpecId: '/a', condition: 'Running', agentId: 'S1', host: 'h' })).toEqual({
      ok: true,
      value: { type: 'instance_changed_event', instanceId: 'i', runSpecId: '/a', condition: 'Running', agentId: 'S1', host: 'h' },
    });
    expect(parse('app_terminated_event', { appId: '/gone' })).toEqual({ ok: true, value: { type: 'app_terminated_event', appId: '/gone' } });
    expect(parse('health_status_changed_event', { alive: true })).toEqual({
      ok: true,
      value: { type: 'other', eventType: 'health_status_changed_event', data: { alive: true } },
    });
    expect(parse('status_update_event', { appId: '/x' }).ok).toBe(false);
    expect(parseMarathonEvent({ event: 'status_update_event', data: '{' }).ok).toBe(false);
  });

  it('streams /v2/events over HTTP with auth, split chunks and abort', async () => {
    let accept = '';
    let auth = '';
    const c = await setup(
      (req, res) => {
        accept = req.headers.accept ?? '';
        auth = req.headers.authorization ?? '';
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        void (async () => {
          for (let at = 0; at < SSE.length; at += 17) {
            res.write(SSE.slice(at, at + 17));
            await sleep(1);
          }
          res.write('event: bogus_event\ndata: {not json\n\n'); // skipped, not fatal
          res.write(': keep-alive comment\n\n');
        })();
      },
      { token: 'marathon-token' },
    );
    const ac = new AbortController();
    const seen: string[] = [];
    const r = await c.events(
      (e) => {
        seen.push(e.type);
        if (seen.length === 3) setTimeout(() => ac.abort(), 20);
      },
      { signal: ac.signal },
    );
    expect(r).toEqual({ ok: true, value: 'aborted' });
    expect(seen).toEqual(['event_stream_attached', 'status_update_event', 'status_update_event']);
    expect(accept).toBe('text/event-stream');
    expect(auth).toBe('token=marathon-token');
  });

  it('a refused stream is an error value', async () => {
    const c = await setup((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    expect(await c.events(() => undefined)).toMatchObject({ ok: false, error: { kind: 'http', status: 403 } });
  });
});

describe('MarathonClient', () => {
  it('reads the queue and apps with basic auth', async () => {
    const paths: string[] = [];
    const c = await setup(
      (req, res) => {
        paths.push(`${req.url} ${req.headers.authorization ?? ''}`);
        if (req.url === '/v2/queue') return json(res, 200, fixtureJson('real-captures/marathon-v2-queue-docs-example.json'));
        if (req.url === '/v2/apps?embed=apps.tasks') return json(res, 200, fixtureJson('real-captures/marathon-v2-apps-embed-tasks-1.5-marathonlb.json'));
        res.writeHead(404);
        res.end();
      },
      { username: 'm', password: 'pw' },
    );
    const q = await c.getQueue();
    expect(q.ok && q.value.map((p) => [p.id, p.count])).toEqual([
      ['/tools/datadog-agent', 1],
      ['/foo', 2],
    ]);
    const apps = await c.getApps();
    expect(apps.ok && apps.value.map((a) => a.id)).toEqual(['/pywebserver']);
    const basic = `Basic ${Buffer.from('m:pw').toString('base64')}`;
    expect(paths).toEqual([`/v2/queue ${basic}`, `/v2/apps?embed=apps.tasks ${basic}`]);
  });

  it('errors are values: HTTP status, non-JSON, malformed queue', async () => {
    let mode = 0;
    const c = await setup((_req, res) => {
      if (mode === 0) {
        res.writeHead(503);
        return res.end('Marathon is not the leader');
      }
      if (mode === 1) return res.end('<html>');
      return json(res, 200, { queue: [{ count: 1 }] });
    });
    expect(await c.getQueue()).toMatchObject({ ok: false, error: { kind: 'http', status: 503 } });
    mode = 1;
    expect(await c.getQueue()).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    mode = 2;
    expect(await c.getQueue()).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});
