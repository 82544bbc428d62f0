import { DRAINING_SINCE, versionAtLeast } from '../cluster/mesos-version.js';
import type { MachineId, WindowInput } from '../cluster/types.js';
import { err, ok, type Result } from '../../util/result.js';
import { bool, int64, isObject, message, messages, Missing, string } from './proto-json.js';

/**
 * The master's calls and maintenance bodies read as a real master reads them: protobuf messages
 * of apache/mesos include/mesos/v1/master/master.proto, include/mesos/v1/maintenance/maintenance.proto
 * and include/mesos/v1/mesos.proto, parsed by stout (proto-json.ts), then checked by
 * src/master/validation.cpp `validation::master::call::validate`. Error texts are the master's.
 */

/** mesos.proto `MachineID {optional string hostname; optional string ip}`, each as given (presence kept). */
function machineId(o: Record<string, unknown>): Result<MachineId, string> {
  const hostname = string(o['hostname'], 'hostname');
  if (!hostname.ok) return hostname;
  const ip = string(o['ip'], 'ip');
  if (!ip.ok) return ip;
  return ok({ ...(hostname.value !== undefined ? { hostname: hostname.value } : {}), ...(ip.value !== undefined ? { ip: ip.value } : {}) });
}

function machineIds(v: unknown, field: string): Result<MachineId[], string> {
  const list = messages(v, field);
  if (!list.ok) return list;
  const out: MachineId[] = [];
  for (const o of list.value) {
    const m = machineId(o);
    if (!m.ok) return m;
    out.push(m.value);
  }
  return ok(out);
}

/** `TimeInfo` / `DurationInfo`: `required int64 nanoseconds`, exact. */
function nanosField(o: Record<string, unknown>, path: string, missing: Missing): Result<bigint | undefined, string> {
  if (!missing.require(o, 'nanoseconds', `${path}.nanoseconds`)) return ok(undefined);
  return int64(o['nanoseconds'], 'nanoseconds');
}

/** maintenance.proto `Schedule {repeated Window windows}`, `Window {repeated MachineID machine_ids; required Unavailability}`. */
function schedule(o: Record<string, unknown>, path: string, missing: Missing): Result<WindowInput[], string> {
  const windows = messages(o['windows'], 'windows');
  if (!windows.ok) return windows;
  const out: WindowInput[] = [];
  for (const [i, w] of windows.value.entries()) {
    const at = `${path}windows[${i}]`;
    const machines = machineIds(w['machine_ids'], 'machine_ids');
    if (!machines.ok) return machines;
    const un = message(w['unavailability'], 'unavailability');
    if (!un.ok) return un;
    if (!missing.require(w, 'unavailability', `${at}.unavailability`) || un.value === undefined) {
      out.push({ machines: machines.value, startNs: 0n });
      continue;
    }
    // mesos.proto `Unavailability {required TimeInfo start; optional DurationInfo duration}`.
    const start = message(un.value['start'], 'start');
    if (!start.ok) return start;
    let startNs = 0n;
    if (missing.require(un.value, 'start', `${at}.unavailability.start`) && start.value) {
      const ns = nanosField(start.value, `${at}.unavailability.start`, missing);
      if (!ns.ok) return ns;
      startNs = ns.value ?? 0n;
    }
    const duration = message(un.value['duration'], 'duration');
    if (!duration.ok) return duration;
    let durationNs: bigint | undefined;
    if (duration.value) {
      const ns = nanosField(duration.value, `${at}.unavailability.duration`, missing);
      if (!ns.ok) return ns;
      durationNs = ns.value;
    }
    out.push({ machines: machines.value, startNs, ...(durationNs !== undefined ? { durationNs } : {}) });
  }
  return ok(out);
}

/** POST /master/maintenance/schedule (http.cpp `maintenanceSchedule`): `protobuf::parse<Schedule>` of a JSON object. */
export function readV0Schedule(body: unknown): Result<WindowInput[], string> {
  if (!isObject(body)) return err('Expecting a JSON object');
  const missing = new Missing();
  const windows = schedule(body, '', missing);
  if (!windows.ok) return windows;
  const gap = missing.error();
  return gap !== undefined ? err(gap) : windows;
}

/** POST /master/machine/down and /up (http.cpp `machineDown`, `machineUp`): a JSON array of MachineIDs. */
export function readV0Machines(body: unknown): Result<MachineId[], string> {
  if (!Array.isArray(body)) return err('Expecting a JSON array');
  return machineIds(body, 'machines');
}

/** A v1 call the emulated master serves, read and validated. */
export type MasterCall =
  | { readonly type: 'UPDATE_MAINTENANCE_SCHEDULE'; readonly windows: WindowInput[] }
  | { readonly type: 'START_MAINTENANCE' | 'STOP_MAINTENANCE'; readonly machines: MachineId[] }
  | { readonly type: 'DRAIN_AGENT'; readonly agentId: string; readonly maxGracePeriodNs?: bigint; readonly markGone: boolean }
  | { readonly type: 'REACTIVATE_AGENT'; readonly agentId: string }
  | { readonly type: 'GET_AGENTS' | 'GET_TASKS' | 'GET_STATE' | 'GET_MASTER' | 'GET_MAINTENANCE_SCHEDULE' | 'GET_MAINTENANCE_STATUS' | 'SUBSCRIBE' }
  | { readonly type: 'UNSUPPORTED'; readonly name: string };

const SIMPLE = ['GET_AGENTS', 'GET_TASKS', 'GET_STATE', 'GET_MASTER', 'GET_MAINTENANCE_SCHEDULE', 'GET_MAINTENANCE_STATUS', 'SUBSCRIBE'] as const;
type Simple = (typeof SIMPLE)[number];
const isSimple = (t: string): t is Simple => (SIMPLE as readonly string[]).includes(t);

/** master.proto `Call.Type` (apache/mesos 1.11), UNKNOWN left out. */
const CALL_TYPES = new Set(
  (
    'GET_HEALTH GET_FLAGS GET_VERSION GET_METRICS GET_LOGGING_LEVEL SET_LOGGING_LEVEL LIST_FILES READ_FILE GET_STATE GET_AGENTS ' +
    'GET_FRAMEWORKS GET_EXECUTORS GET_OPERATIONS GET_TASKS GET_ROLES GET_WEIGHTS UPDATE_WEIGHTS GET_MASTER SUBSCRIBE RESERVE_RESOURCES ' +
    'UNRESERVE_RESOURCES CREATE_VOLUMES DESTROY_VOLUMES GROW_VOLUME SHRINK_VOLUME GET_MAINTENANCE_STATUS GET_MAINTENANCE_SCHEDULE ' +
    'UPDATE_MAINTENANCE_SCHEDULE START_MAINTENANCE STOP_MAINTENANCE DRAIN_AGENT DEACTIVATE_AGENT REACTIVATE_AGENT GET_QUOTA UPDATE_QUOTA ' +
    'SET_QUOTA REMOVE_QUOTA TEARDOWN MARK_AGENT_GONE'
  ).split(' '),
);

/** Call types a master of this version knows; the draining calls arrived in 1.9. */
function knownType(type: string, version: string): boolean {
  if (['DRAIN_AGENT', 'DEACTIVATE_AGENT', 'REACTIVATE_AGENT'].includes(type)) return versionAtLeast(version, DRAINING_SINCE);
  return CALL_TYPES.has(type);
}

const PARSE = 'Failed to convert JSON into Call protobuf: ';
const VALIDATE = 'Failed to validate master::Call: ';

/** `AgentID {required string value}` under `<outer>.agent_id`. */
function agentId(o: Record<string, unknown>, outer: string, missing: Missing): Result<string, string> {
  const id = message(o['agent_id'], 'agent_id');
  if (!id.ok) return id;
  if (!missing.require(o, 'agent_id', `${outer}.agent_id`) || !id.value) return ok('');
  if (!missing.require(id.value, 'value', `${outer}.agent_id.value`)) return ok('');
  const value = string(id.value['value'], 'value');
  return value.ok ? ok(value.value ?? '') : value;
}

/**
 * master.proto `Call.DrainAgent {required AgentID agent_id; optional google.protobuf.Duration
 * max_grace_period; optional bool mark_gone = false}`. The grace period is a protobuf Duration,
 * `{seconds, nanos}`, devolved to nanoseconds as src/internal/devolve.cpp
 * `devolve(const google::protobuf::Duration&)` does (`seconds * 1e9 + nanos`); a field it does
 * not know, such as `nanoseconds`, is ignored, so `{nanoseconds: N}` is a zero grace period.
 */
function drainAgent(o: Record<string, unknown>, missing: Missing): Result<MasterCall, string> {
  const id = agentId(o, 'drain_agent', missing);
  if (!id.ok) return id;
  const grace = message(o['max_grace_period'], 'max_grace_period');
  if (!grace.ok) return grace;
  let maxGracePeriodNs: bigint | undefined;
  if (grace.value) {
    const seconds = int64(grace.value['seconds'], 'seconds');
    if (!seconds.ok) return seconds;
    const nanos = int64(grace.value['nanos'], 'nanos');
    if (!nanos.ok) return nanos;
    maxGracePeriodNs = (seconds.value ?? 0n) * 1_000_000_000n + (nanos.value ?? 0n);
  }
  const markGone = bool(o['mark_gone'], 'mark_gone');
  if (!markGone.ok) return markGone;
  return ok({ type: 'DRAIN_AGENT', agentId: id.value, markGone: markGone.value ?? false, ...(maxGracePeriodNs !== undefined ? { maxGracePeriodNs } : {}) });
}

/**
 * A v1 `Call` body as http.cpp `Master::Http::api` takes it: stout parse (errors prefixed
 * "Failed to convert JSON into Call protobuf: "), then validation.cpp (prefixed "Failed to
 * validate master::Call: "): an unknown type is dropped like any unknown enum value of an
 * optional field, so it reads as a missing type.
 */
export function readCall(body: unknown, masterVersion: string): Result<MasterCall, string> {
  if (!isObject(body)) return err(`${PARSE}Expecting a JSON object`);
  const t = body['type'];
  if (typeof t !== 'string' || !knownType(t, masterVersion)) return err(`${VALIDATE}Expecting 'type' to be present`);
  const missing = new Missing();
  const inner = (field: string): Result<Record<string, unknown> | undefined, string> => {
    const m = message(body[field], field);
    return m.ok ? m : err(`${PARSE}${m.error}`);
  };
  const done = (call: Result<MasterCall, string>): Result<MasterCall, string> => {
    if (!call.ok) return err(`${PARSE}${call.error}`);
    const gap = missing.error();
    return gap !== undefined ? err(`${PARSE}${gap}`) : call;
  };

  switch (t) {
    case 'UPDATE_MAINTENANCE_SCHEDULE': {
      const u = inner('update_maintenance_schedule');
      if (!u.ok) return u;
      if (!u.value) return err(`${VALIDATE}Expecting 'update_maintenance_schedule' to be present`);
      const s = message(u.value['schedule'], 'schedule');
      if (!s.ok) return err(`${PARSE}${s.error}`);
      const windows =
        missing.require(u.value, 'schedule', 'update_maintenance_schedule.schedule') && s.value
          ? schedule(s.value, 'update_maintenance_schedule.schedule.', missing)
          : ok<WindowInput[]>([]);
      return done(windows.ok ? ok({ type: t, windows: windows.value }) : windows);
    }
    case 'START_MAINTENANCE':
    case 'STOP_MAINTENANCE': {
      const field = t === 'START_MAINTENANCE' ? 'start_maintenance' : 'stop_maintenance';
      const u = inner(field);
      if (!u.ok) return u;
      if (!u.value) return err(`${VALIDATE}Expecting '${field}' to be present`);
      const machines = machineIds(u.value['machines'], 'machines');
      return done(machines.ok ? ok({ type: t, machines: machines.value }) : machines);
    }
    case 'DRAIN_AGENT':
    case 'REACTIVATE_AGENT': {
      const field = t === 'DRAIN_AGENT' ? 'drain_agent' : 'reactivate_agent';
      const u = inner(field);
      if (!u.ok) return u;
      if (!u.value) return err(`${VALIDATE}Expecting '${field}' to be present`);
      return done(t === 'DRAIN_AGENT' ? drainAgent(u.value, missing) : agentIdCall(u.value, missing));
    }
    default:
      return ok(isSimple(t) ? { type: t } : { type: 'UNSUPPORTED', name: t });
  }
}

function agentIdCall(o: Record<string, unknown>, missing: Missing): Result<MasterCall, string> {
  const id = agentId(o, 'reactivate_agent', missing);
  return id.ok ? ok({ type: 'REACTIVATE_AGENT', agentId: id.value }) : id;
}
