import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCluster } from '../cluster/cluster.js';
import type { ClusterEvent } from '../cluster/events.js';
import { isoTime } from '../cluster/ids.js';
import { admit, isRecord, newFaults, parseJson, readBody, sendJson, sendText, type EmulatorAuth, type EmulatorFaults, closeServer } from './http-util.js';
import type { JsonObject } from './json-types.js';
import { parseAppBody } from './marathon-app-body.js';
import { condition, deploymentIdFor, marathonApp, queueJson } from './marathon-json.js';

export interface MarathonServerOptions {
  readonly cluster: SimCluster;
  readonly host?: string;
  readonly port?: number;
  readonly auth?: EmulatorAuth;
  readonly faults?: Partial<EmulatorFaults>;
  /** Real milliseconds between SSE keep-alive comments; 0 disables them. */
  readonly keepAliveMs?: number;
}

export interface MarathonServer {
  readonly url: string;
  readonly faults: EmulatorFaults;
  readonly server: Server;
  close(): Promise<void>;
}

/** Marathon's REST API (apps, queue, events) over a simulated cluster. */
export async function startMarathonServer(options: MarathonServerOptions): Promise<MarathonServer> {
  const cluster = options.cluster;
  const faults = newFaults(options.faults);
  const streams = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: e instanceof Error ? e.message : 'internal error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(await admit(req, res, options.auth, faults))) return;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === '/v2/apps') {
      if (method === 'GET') {
        const embed = url.searchParams.getAll('embed');
        const withTasks = embed.includes('apps.tasks') || embed.includes('app.tasks');
        return sendJson(res, 200, { apps: [...cluster.apps()].map((a) => marathonApp(cluster, a, withTasks)) }, faults);
      }
      if (method === 'POST') return createApp(req, res);
      return sendJson(res, 405, { message: 'Method not allowed' });
    }
    if (path.startsWith('/v2/apps/')) {
      const appId = decodeURIComponent(path.slice('/v2/apps'.length));
      if (method === 'GET') {
        const app = cluster.getApp(appId);
        if (!app) return sendJson(res, 404, { message: `App '${appId}' does not exist` });
        return sendJson(res, 200, { app: marathonApp(cluster, app, true) }, faults);
      }
      if (method === 'PUT') return updateApp(req, res, appId);
      if (method === 'DELETE') {
        const app = cluster.getApp(appId);
        const r = cluster.deleteApp(appId);
        if (!r.ok || !app) return sendJson(res, 404, { message: `App '${appId}' does not exist` });
        return sendJson(res, 200, { version: isoTime(cluster.clock.now()), deploymentId: deploymentIdFor(app) });
      }
      return sendJson(res, 405, { message: 'Method not allowed' });
    }
    if (path === '/v2/queue' && method === 'GET') return sendJson(res, 200, queueJson(cluster), faults);
    if (path === '/v2/events' && method === 'GET') return events(req, res, url.searchParams.getAll('event_type'));
    if (path === '/ping') return sendText(res, 200, 'pong');
    return sendJson(res, 404, { message: 'Not found' });
  }

  async function createApp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJson(await readBody(req));
    if (body instanceof Error) return sendJson(res, 400, { message: `Invalid JSON: ${body.message}` });
    const spec = parseAppBody(body);
    if (typeof spec === 'string') return sendJson(res, 422, { message: 'Object is not valid', details: [{ path: '/', errors: [spec] }] });
    const r = cluster.createApp(spec);
    if (!r.ok) return sendJson(res, 409, { message: r.error.message });
    return sendJson(res, 201, marathonApp(cluster, r.value, true));
  }

  async function updateApp(req: IncomingMessage, res: ServerResponse, appId: string): Promise<void> {
    const body = parseJson(await readBody(req));
    if (body instanceof Error || !isRecord(body)) return sendJson(res, 400, { message: 'Invalid JSON' });
    const app = cluster.getApp(appId);
    if (!app) {
      // Marathon's PUT creates a missing app.
      const spec = parseAppBody(body, appId);
      if (typeof spec === 'string') return sendJson(res, 422, { message: 'Object is not valid', details: [{ path: '/', errors: [spec] }] });
      const r = cluster.createApp(spec);
      if (!r.ok) return sendJson(res, 409, { message: r.error.message });
      return sendJson(res, 201, { version: r.value.version, deploymentId: deploymentIdFor(r.value) });
    }
    const instances = body['instances'];
    if (instances !== undefined) {
      if (typeof instances !== 'number') return sendJson(res, 422, { message: '/instances: must be a number' });
      const r = cluster.scaleApp(appId, instances);
      if (!r.ok) return sendJson(res, 422, { message: r.error.message });
    }
    return sendJson(res, 200, { version: app.version, deploymentId: deploymentIdFor(app) });
  }

  function events(req: IncomingMessage, res: ServerResponse, filter: string[]): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (eventType: string, data: JsonObject) => {
      if (filter.length > 0 && !filter.includes(eventType)) return;
      res.write(`event: ${eventType}\ndata: ${JSON.stringify({ ...data, eventType, timestamp: isoTime(cluster.clock.now()) })}\n\n`);
    };
    send('event_stream_attached', { remoteAddress: req.socket.remoteAddress ?? '' });
    streams.add(res);
    const unsubscribe = cluster.events.on((e) => {
      for (const [type, data] of marathonEvents(cluster, e)) send(type, data);
    });
    const keepAliveMs = options.keepAliveMs ?? 0;
    const keepAlive = keepAliveMs > 0 ? setInterval(() => res.write(':\n\n'), keepAliveMs) : undefined;
    res.on('close', () => {
      if (keepAlive) clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    faults,
    server,
    close: () => closeServer(server, streams),
  };
}

/** Marathon event bus messages for one cluster event (eventType and timestamp are added by the writer). */
export function marathonEvents(cluster: SimCluster, e: ClusterEvent): [string, JsonObject][] {
  switch (e.type) {
    case 'task_added':
    case 'task_updated': {
      const t = e.task;
      const agent = cluster.getAgent(t.agentId);
      const host = agent?.hostname ?? '';
      return [
        [
          'status_update_event',
          { slaveId: t.agentId, taskId: t.id, taskStatus: t.state, message: '', appId: t.appId, host, ports: [...t.ports], version: t.version },
        ],
        [
          'instance_changed_event',
          { instanceId: t.id, condition: condition(t.state), runSpecId: t.appId, agentId: t.agentId, host, runSpecVersion: t.version },
        ],
      ];
    }
    case 'app_changed': {
      const id = e.app.spec.id;
      // An app that leaves (deleted, or a finished run): no api_post_event, but DeploymentActor's
      // AppTerminatedEvent once its instances are killed (Events.scala `AppTerminatedEvent(appId)`,
      // written by Json.writes: `{appId, eventType, timestamp}`).
      if (e.change === 'deleted' || e.change === 'completed') return [['app_terminated_event', { appId: id }]];
      // AppsResource.scala `maybePostEvent` (POST /v2/apps, PUT /v2/apps/{id}): the new definition;
      // then the deployment's first step starts (DeploymentActor.scala `DeploymentStatus(plan, step)`:
      // raml deploymentPlan.raml `{id, steps, version}`, deploymentSteps.raml `{actions: [{action, app}]}`).
      const steps = e.change === 'created' ? [[{ action: 'StartApplication', app: id }], [{ action: 'ScaleApplication', app: id }]] : [[{ action: 'ScaleApplication', app: id }]];
      const plan = { id: deploymentIdFor(e.app), steps: steps.map((actions) => ({ actions })), version: e.app.version };
      return [
        ['api_post_event', { clientIp: '127.0.0.1', uri: `/v2/apps${id}`, appDefinition: marathonApp(cluster, e.app, false) }],
        ['deployment_info', { plan, currentStep: { actions: steps[0] ?? [] } }],
      ];
    }
    case 'deployment_success':
      return [['deployment_success', { id: e.deploymentId, plan: { id: e.deploymentId, steps: [], version: isoTime(cluster.clock.now()) } }]];
    default:
      return [];
  }
}
