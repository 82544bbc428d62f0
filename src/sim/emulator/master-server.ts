import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimCluster } from '../cluster/cluster.js';
import type { ClusterEvent } from '../cluster/events.js';
import { DRAINING_SINCE, HEARTBEAT_SINCE, versionAtLeast } from '../cluster/mesos-version.js';
import { parseExact, stringifyExact } from './exact-json.js';
import {
  admit,
  newFaults,
  readBody,
  readBodyBytes,
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
import { readCall, readV0Machines, readV0Schedule } from './v1-calls.js';
import { acceptsMediaType, answerEncoding, APPLICATION_JSON, APPLICATION_PROTOBUF, callFromProtobuf, recordIoProtobuf, sendProtobufResponse, type Encoding } from './proto/serve.js';

export interface MasterServerOptions {
  readonly cluster: SimCluster;
  readonly host?: string;
  readonly port?: number;
  readonly auth?: EmulatorAuth;
  readonly faults?: Partial<EmulatorFaults>;
  /** False: act as a non-leading master that redirects everything to `leaderUrl`. */
  readonly leading?: boolean;
  readonly leaderUrl?: string;
  /**
   * Real milliseconds between SUBSCRIBE heartbeats (Mesos: 15 s). Masters before 1.5 send none
   * (the emulated version is the cluster's `mesosVersion`).
   */
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
  const text = stringifyExact(body);
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
        // The operator API's route arrived in 1.0.0 (`Master::initialize`, src/master/master.cpp @1.0.0; absent @0.28.0).
        if (!versionAtLeast(cluster.mesosVersion, [1, 0, 0])) return sendText(res, 404, 'Not found');
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

  /** POST /master/maintenance/schedule, as src/master/http.cpp `maintenanceSchedule`: int64 nanoseconds kept exactly. */
  async function postSchedule(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseExact(await readBody(req));
    if (body instanceof Error) return sendText(res, 400, body.message);
    const windows = readV0Schedule(body);
    if (!windows.ok) return sendText(res, 400, windows.error);
    const r = cluster.updateMaintenanceSchedule(windows.value);
    if (!r.ok) return sendText(res, 400, r.error.message);
    return sendText(res, 200, '');
  }

  /** POST /master/machine/down and /up, as src/master/http.cpp `machineDown` / `machineUp`. */
  async function machines(req: IncomingMessage, res: ServerResponse, down: boolean): Promise<void> {
    const body = parseExact(await readBody(req));
    if (body instanceof Error) return sendText(res, 400, body.message);
    const ids = readV0Machines(body);
    if (!ids.ok) return sendText(res, 400, ids.error);
    const r = down ? cluster.startMaintenance(ids.value) : cluster.stopMaintenance(ids.value);
    if (!r.ok) return sendText(res, 400, r.error.message);
    return sendText(res, 200, '');
  }

  /**
   * POST /api/v1, as src/master/http.cpp `Master::Http::api`: a Content-Type is required and must
   * be exactly application/x-protobuf (a serialized `Call`) or application/json (parsed exactly);
   * the call is validated (v1-calls.ts) before the Accept header is looked at; the answer is JSON
   * if Accept allows it, else protobuf if it allows that, else 406.
   */
  async function apiV1(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers['content-type'];
    if (contentType === undefined) return sendText(res, 400, "Expecting 'Content-Type' to be present");
    let body: unknown;
    if (contentType === APPLICATION_PROTOBUF) {
      body = callFromProtobuf(await readBodyBytes(req));
      if (body instanceof Error) return sendText(res, 400, 'Failed to parse body into Call protobuf');
    } else if (contentType === APPLICATION_JSON) {
      body = parseExact(await readBody(req));
      if (body instanceof Error) return sendText(res, 400, `Failed to parse body into JSON: ${body.message}`);
    } else {
      return sendText(res, 415, `Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`);
    }
    const read = readCall(body, cluster.mesosVersion);
    if (!read.ok) return sendText(res, 400, read.error);
    const call = read.value;
    const encoding = answerEncoding(req.headers.accept);
    if (!encoding) return sendText(res, 406, `Expecting 'Accept' to allow '${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}'`);
    const type = call.type;
    const answer = (json: JsonObject): void => (encoding === 'protobuf' ? sendProtobufResponse(res, json, faults) : sendJson(res, 200, json, faults));
    const ok = () => {
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
    };
    const done = (r: { ok: true } | { ok: false; error: Error }) => (r.ok ? ok() : sendText(res, 400, r.error.message));
    switch (call.type) {
      case 'GET_AGENTS':
        return answer({ type, get_agents: getAgentsBody(cluster) });
      case 'GET_TASKS':
        return answer({ type, get_tasks: getTasksBody(cluster) });
      case 'GET_STATE':
        return answer({ type, get_state: getStateBody(cluster) });
      case 'GET_MASTER':
        return answer({ type, get_master: masterInfo() });
      case 'GET_MAINTENANCE_SCHEDULE':
        return answer({ type, get_maintenance_schedule: { schedule: scheduleJson(cluster.maintenance.windows) } });
      case 'GET_MAINTENANCE_STATUS':
        return answer({ type, get_maintenance_status: { status: maintenanceStatusJson(cluster) } });
      case 'UPDATE_MAINTENANCE_SCHEDULE':
        return done(cluster.updateMaintenanceSchedule(call.windows));
      case 'START_MAINTENANCE':
        return done(cluster.startMaintenance(call.machines));
      case 'STOP_MAINTENANCE':
        return done(cluster.stopMaintenance(call.machines));
      case 'DRAIN_AGENT':
        return done(
          cluster.drainAgent(call.agentId, { markGone: call.markGone, ...(call.maxGracePeriodNs !== undefined ? { maxGracePeriodNs: call.maxGracePeriodNs } : {}) }),
        );
      case 'REACTIVATE_AGENT':
        return done(cluster.reactivateAgent(call.agentId));
      case 'SUBSCRIBE':
        return subscribe(res, encoding);
      case 'UNSUPPORTED':
        return sendText(res, 400, `Unsupported call type ${call.name}`);
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
        capabilities: versionAtLeast(cluster.mesosVersion, DRAINING_SINCE) ? [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }] : [{ type: 'AGENT_UPDATE' }],
      },
      start_time: cluster.startedAt / 1000,
      elected_time: cluster.startedAt / 1000,
    };
  }

  /**
   * SUBSCRIBE: SUBSCRIBED with the state, then events. Heartbeats (and `heartbeat_interval_seconds`)
   * only from Mesos 1.5 (MESOS-7695, apache/mesos 4d0e692 "Added a heartbeat event to the operator
   * API" and ef73c23, both first released in 1.5.0): an older master's stream is silent between events.
   */
  function subscribe(res: ServerResponse, encoding: Encoding): void {
    const heartbeats = versionAtLeast(cluster.mesosVersion, HEARTBEAT_SINCE);
    // The stream's Content-Type is the answer's media type (src/master/http.cpp `subscribe`).
    res.writeHead(200, { 'Content-Type': encoding === 'protobuf' ? APPLICATION_PROTOBUF : APPLICATION_JSON, 'Cache-Control': 'no-cache' });
    const record = (event: JsonObject) => (encoding === 'protobuf' ? recordIoProtobuf(event) : recordIo(event));
    const subscribed: JsonObject = { get_state: getStateBody(cluster) };
    if (heartbeats) subscribed['heartbeat_interval_seconds'] = heartbeatMs / 1000;
    res.write(record({ type: 'SUBSCRIBED', subscribed }));
    streams.add(res);
    const unsubscribe = cluster.events.on((e) => {
      const frame = eventFrame(cluster, e);
      if (frame) res.write(record(frame));
    });
    // One HEARTBEAT right after SUBSCRIBED (src/master/http.cpp `Master::Http::subscribe` @1.5.0,
    // src/master/readonly_handler.cpp `subscribe` later), then one per interval from the subscriber's
    // heartbeater, whose first beat waits an interval (src/master/master.hpp `Subscriber`).
    if (heartbeats) res.write(record({ type: 'HEARTBEAT' }));
    const heartbeat = heartbeats ? setInterval(() => res.write(record({ type: 'HEARTBEAT' })), heartbeatMs) : undefined;
    const stop = () => {
      if (heartbeat !== undefined) clearInterval(heartbeat);
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

/** Whether an Accept header allows JSON (proto/serve.ts `acceptsMediaType`). */
export function acceptsJson(header: string | undefined): boolean {
  return acceptsMediaType(header, APPLICATION_JSON);
}

/**
 * Operator API event for a cluster event, or undefined when Mesos has none for it. Mesos 1.0 had
 * only SUBSCRIBED, TASK_ADDED and TASK_UPDATED, the latter with the task's ids at the top level and
 * no status (`Event.TaskUpdated` in include/mesos/v1/master/master.proto and
 * `protobuf::master::event::createTaskUpdated` in src/common/protobuf_utils.cpp @1.0.0); 1.1 sends
 * a TaskStatus and adds AGENT_ADDED / AGENT_REMOVED.
 */
export function eventFrame(cluster: SimCluster, e: ClusterEvent): JsonObject | undefined {
  const v10 = !versionAtLeast(cluster.mesosVersion, [1, 1, 0]);
  switch (e.type) {
    case 'task_added':
      return { type: 'TASK_ADDED', task_added: { task: v1Task(e.task) } };
    case 'task_updated':
      if (v10) {
        return {
          type: 'TASK_UPDATED',
          task_updated: { task_id: { value: e.task.id }, framework_id: { value: e.task.frameworkId }, agent_id: { value: e.task.agentId }, state: e.task.state },
        };
      }
      return {
        type: 'TASK_UPDATED',
        task_updated: {
          framework_id: { value: e.task.frameworkId },
          status: v1TaskStatus(e.task, e.task.statuses.length - 1, cluster.getAgent(e.task.agentId)?.ip),
          state: e.task.state,
        },
      };
    case 'agent_added':
      if (v10) return undefined;
      return { type: 'AGENT_ADDED', agent_added: { agent: v1Agent(e.agent, cluster.mesosVersion) } };
    case 'agent_removed':
      if (v10) return undefined;
      return { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: e.agent.id } } };
    default:
      return undefined;
  }
}
