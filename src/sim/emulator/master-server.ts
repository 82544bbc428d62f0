import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCluster } from '../cluster/cluster.js';
import type { ClusterEvent } from '../cluster/events.js';
import {
  admit,
  isRecord,
  newFaults,
  parseJson,
  readBody,
  sendJson,
  sendText,
  type EmulatorAuth,
  type EmulatorFaults,
  closeServer,
} from './http-util.js';
import type { JsonObject } from './json-types.js';
import { slavesJson, stateJson } from './mesos-v0-json.js';
import {
  faultDomain,
  getAgentsBody,
  getStateBody,
  getTasksBody,
  maintenanceStatusJson,
  scheduleJson,
  v1Agent,
  v1Task,
  v1TaskStatus,
} from './mesos-v1-json.js';
import { nanosToMs, parseMachineIds, parseSchedule } from './v1-calls.js';

export interface MasterServerOptions {
  readonly cluster: SimCluster;
  readonly host?: string;
  readonly port?: number;
  readonly auth?: EmulatorAuth;
  readonly faults?: Partial<EmulatorFaults>;
  /** False: act as a non-leading master that redirects everything to `leaderUrl`. */
  readonly leading?: boolean;
  readonly leaderUrl?: string;
  /** Real milliseconds between SUBSCRIBE heartbeats (Mesos: 15 s). */
  readonly heartbeatIntervalMs?: number;
  readonly clusterName?: string;
}

export interface MasterServer {
  readonly url: string;
  readonly faults: EmulatorFaults;
  readonly server: Server;
  close(): Promise<void>;
}

/** RecordIO: `<length in bytes>\n<record>`. */
export function recordIo(body: JsonObject): string {
  const text = JSON.stringify(body);
  return `${Buffer.byteLength(text)}\n${text}`;
}

/** A Mesos master (operator API v1 and the classic endpoints) over a simulated cluster. */
export async function startMasterServer(options: MasterServerOptions): Promise<MasterServer> {
  const cluster = options.cluster;
  const faults = newFaults(options.faults);
  const leading = options.leading ?? true;
  const heartbeatMs = options.heartbeatIntervalMs ?? 15_000;
  const streams = new Set<ServerResponse>();
  let self = { host: '127.0.0.1', port: 0 };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, e instanceof Error ? e.message : 'internal error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (!leading) {
      const leader = new URL(options.leaderUrl ?? 'http://127.0.0.1:5050');
      const location = path === '/master/redirect' ? `//${leader.host}` : `//${leader.host}${url.pathname}${url.search}`;
      res.writeHead(307, { Location: location, 'Content-Length': 0 });
      res.end();
      return;
    }
    if (path === '/master/redirect' || path === '/redirect') {
      res.writeHead(307, { Location: `//${self.host}:${self.port}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    if (!(await admit(req, res, options.auth, faults))) return;
    const method = req.method ?? 'GET';
    switch (path) {
      case '/api/v1':
        if (method !== 'POST') return sendText(res, 405, 'Expecting POST');
        return apiV1(req, res);
      case '/master/slaves':
      case '/slaves':
        return sendJson(res, 200, slavesJson(cluster), faults);
      case '/master/state':
      case '/state':
      case '/master/state.json':
      case '/state.json':
        return sendJson(res, 200, stateJson(cluster, identity()), faults);
      case '/master/maintenance/schedule':
      case '/maintenance/schedule':
        if (method === 'GET') return sendJson(res, 200, scheduleJson(cluster.maintenance.windows), faults);
        if (method === 'POST') return postSchedule(req, res);
        return sendText(res, 405, 'Expecting GET or POST');
      case '/master/maintenance/status':
      case '/maintenance/status':
        return sendJson(res, 200, maintenanceStatusJson(cluster), faults);
      case '/master/machine/down':
      case '/machine/down':
      case '/master/machine/up':
      case '/machine/up':
        if (method !== 'POST') return sendText(res, 405, 'Expecting POST');
        return machines(req, res, path.endsWith('/down'));
      default:
        return sendText(res, 404, 'Not found');
    }
  }

  function identity() {
    return { hostname: self.host, port: self.port, cluster: options.clusterName ?? 'sim-cluster' };
  }

  async function postSchedule(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJson(await readBody(req));
    if (body instanceof Error) return sendText(res, 400, `Failed to parse the schedule: ${body.message}`);
    const windows = parseSchedule(body ?? {});
    if (typeof windows === 'string') return sendText(res, 400, windows);
    const r = cluster.updateMaintenanceSchedule(windows);
    if (!r.ok) return sendText(res, 400, r.error.message);
    return sendText(res, 200, '');
  }

  async function machines(req: IncomingMessage, res: ServerResponse, down: boolean): Promise<void> {
    const body = parseJson(await readBody(req));
    if (body instanceof Error) return sendText(res, 400, `Failed to parse machines: ${body.message}`);
    const ids = parseMachineIds(body);
    if (typeof ids === 'string') return sendText(res, 400, ids);
    const r = down ? cluster.startMaintenance(ids) : cluster.stopMaintenance(ids);
    if (!r.ok) return sendText(res, 400, r.error.message);
    return sendText(res, 200, '');
  }

  async function apiV1(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = parseJson(await readBody(req));
    if (call instanceof Error || !isRecord(call)) return sendText(res, 400, 'Failed to parse body into Call');
    const type = call['type'];
    const ok = () => {
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
    };
    switch (type) {
      case 'GET_AGENTS':
        return sendJson(res, 200, { type, get_agents: getAgentsBody(cluster) }, faults);
      case 'GET_TASKS':
        return sendJson(res, 200, { type, get_tasks: getTasksBody(cluster) }, faults);
      case 'GET_STATE':
        return sendJson(res, 200, { type, get_state: getStateBody(cluster) }, faults);
      case 'GET_MASTER':
        return sendJson(res, 200, { type, get_master: masterInfo() }, faults);
      case 'GET_MAINTENANCE_SCHEDULE':
        return sendJson(res, 200, { type, get_maintenance_schedule: { schedule: scheduleJson(cluster.maintenance.windows) } }, faults);
      case 'GET_MAINTENANCE_STATUS':
        return sendJson(res, 200, { type, get_maintenance_status: { status: maintenanceStatusJson(cluster) } }, faults);
      case 'UPDATE_MAINTENANCE_SCHEDULE': {
        const u = call['update_maintenance_schedule'];
        const windows = parseSchedule(isRecord(u) ? u['schedule'] : undefined);
        if (typeof windows === 'string') return sendText(res, 400, windows);
        const r = cluster.updateMaintenanceSchedule(windows);
        return r.ok ? ok() : sendText(res, 400, r.error.message);
      }
      case 'START_MAINTENANCE':
      case 'STOP_MAINTENANCE': {
        const key = type === 'START_MAINTENANCE' ? 'start_maintenance' : 'stop_maintenance';
        const inner = call[key];
        const ids = parseMachineIds(isRecord(inner) ? inner['machines'] : undefined);
        if (typeof ids === 'string') return sendText(res, 400, ids);
        const r = type === 'START_MAINTENANCE' ? cluster.startMaintenance(ids) : cluster.stopMaintenance(ids);
        return r.ok ? ok() : sendText(res, 400, r.error.message);
      }
      case 'DRAIN_AGENT': {
        const d = call['drain_agent'];
        const agentId = isRecord(d) && isRecord(d['agent_id']) ? d['agent_id']['value'] : undefined;
        if (!isRecord(d) || typeof agentId !== 'string') return sendText(res, 400, 'Expecting drain_agent.agent_id');
        const grace = nanosToMs(d['max_grace_period']);
        const r = cluster.drainAgent(agentId, {
          markGone: d['mark_gone'] === true,
          ...(grace !== undefined ? { maxGracePeriodMs: grace } : {}),
        });
        return r.ok ? ok() : sendText(res, 400, r.error.message);
      }
      case 'REACTIVATE_AGENT': {
        const d = call['reactivate_agent'];
        const agentId = isRecord(d) && isRecord(d['agent_id']) ? d['agent_id']['value'] : undefined;
        if (typeof agentId !== 'string') return sendText(res, 400, 'Expecting reactivate_agent.agent_id');
        const r = cluster.reactivateAgent(agentId);
        return r.ok ? ok() : sendText(res, 400, r.error.message);
      }
      case 'SUBSCRIBE':
        return subscribe(res);
      default:
        return sendText(res, 400, `Unsupported call type ${String(type)}`);
    }
  }

  function masterInfo(): JsonObject {
    const [a, b, c, d] = self.host.split('.').map(Number);
    // Mesos packs the IPv4 address in network byte order into a uint32 read little-endian.
    const ip = (((d ?? 0) << 24) >>> 0) + ((c ?? 0) << 16) + ((b ?? 0) << 8) + (a ?? 0);
    return {
      master_info: {
        id: cluster.id,
        ip,
        port: self.port,
        pid: `master@${self.host}:${self.port}`,
        hostname: self.host,
        version: cluster.mesosVersion,
        address: { hostname: self.host, ip: self.host, port: self.port },
        domain: faultDomain('sim/region-1', 'sim/region-1a'),
        capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }],
      },
      start_time: cluster.startedAt / 1000,
      elected_time: cluster.startedAt / 1000,
    };
  }

  function subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
    res.write(recordIo({ type: 'SUBSCRIBED', subscribed: { get_state: getStateBody(cluster), heartbeat_interval_seconds: heartbeatMs / 1000 } }));
    streams.add(res);
    const unsubscribe = cluster.events.on((e) => {
      const frame = eventFrame(cluster, e);
      if (frame) res.write(recordIo(frame));
    });
    const heartbeat = setInterval(() => res.write(recordIo({ type: 'HEARTBEAT' })), heartbeatMs);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    res.on('close', stop);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  self = { host: addr.address, port: addr.port };

  return {
    url: `http://${self.host}:${self.port}`,
    faults,
    server,
    close: () => closeServer(server, streams),
  };
}

/** Operator API event for a cluster event, or undefined when Mesos has none for it. */
export function eventFrame(cluster: SimCluster, e: ClusterEvent): JsonObject | undefined {
  switch (e.type) {
    case 'task_added':
      return { type: 'TASK_ADDED', task_added: { task: v1Task(e.task) } };
    case 'task_updated':
      return {
        type: 'TASK_UPDATED',
        task_updated: {
          framework_id: { value: e.task.frameworkId },
          status: v1TaskStatus(e.task, e.task.statuses.length - 1, cluster.getAgent(e.task.agentId)?.ip),
          state: e.task.state,
        },
      };
    case 'agent_added':
      return { type: 'AGENT_ADDED', agent_added: { agent: v1Agent(e.agent) } };
    case 'agent_removed':
      return { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: e.agent.id } } };
    default:
      return undefined;
  }
}
