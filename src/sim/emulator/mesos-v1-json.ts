import type { SimCluster } from '../cluster/cluster.js';
import type { Range } from '../cluster/ranges.js';
import { releasePorts } from '../cluster/ranges.js';
import { DRAINING_SINCE, versionAtLeast } from '../cluster/mesos-version.js';
import type { DrainInfo, MachineId, SimAgent, SimFramework, SimTask, SimWindow } from '../cluster/types.js';
import { int64Json } from './exact-json.js';
import { seconds, timeInfo, withList, type Json, type JsonObject } from './json-types.js';

const SCALARS = ['cpus', 'mem', 'disk', 'gpus'] as const;
type ScalarName = (typeof SCALARS)[number];

export const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT', 'AGENT_DRAINING'];

/** Capabilities an agent of this version reports: AGENT_DRAINING only from 1.9 (mesos.proto `SlaveInfo.Capability`). */
export function agentCapabilities(version: string): string[] {
  return versionAtLeast(version, DRAINING_SINCE) ? [...AGENT_CAPABILITIES] : AGENT_CAPABILITIES.filter((c) => c !== 'AGENT_DRAINING');
}

/** Agents and masters from 1.9 report `deactivated` and `drain_info` (added with agent draining, MESOS-9814). */
export function hasDraining(version: string): boolean {
  return versionAtLeast(version, DRAINING_SINCE);
}

/**
 * mesos.proto `DrainInfo` as the master renders it (stout `JSON::Protobuf`: set fields plus
 * optional fields with a default, so `mark_gone` always; `max_grace_period` only when posted,
 * its nanoseconds exactly as posted).
 */
export function drainInfoJson(d: DrainInfo): JsonObject {
  const config: JsonObject = {};
  if (d.maxGracePeriodNs !== undefined) config['max_grace_period'] = { nanoseconds: int64Json(d.maxGracePeriodNs) };
  config['mark_gone'] = d.markGone;
  return { state: d.state, config };
}

export function scalar(name: string, value: number, extra: JsonObject = {}): JsonObject {
  return { name, type: 'SCALAR', scalar: { value }, ...extra };
}

export function rangesResource(name: string, ranges: readonly Range[], extra: JsonObject = {}): JsonObject {
  return { name, type: 'RANGES', ranges: { range: ranges.map((r) => ({ begin: r.begin, end: r.end })) }, ...extra };
}

/** Role fields of a resource: "*" for unreserved, old `role` plus `reservations` for a static reservation. */
function roleFields(role: string, withStar: boolean): JsonObject {
  if (role === '*') return withStar ? { role: '*' } : {};
  return { role, reservations: [{ type: 'STATIC', role }] };
}

function poolResources(
  values: Readonly<Record<ScalarName, number>>,
  ports: readonly Range[],
  extra: JsonObject,
  skipZero: boolean,
): JsonObject[] {
  const out: JsonObject[] = [];
  if (ports.length > 0) out.push(rangesResource('ports', ports, extra));
  for (const name of ['disk', 'cpus', 'mem', 'gpus'] as const) {
    const v = values[name];
    if (skipZero && v === 0) continue;
    out.push(scalar(name, v, extra));
  }
  return out;
}

/** `total_resources` (withStar) or `agent_info.resources` of an agent, volumes as `disk.persistence`. */
export function agentResources(agent: SimAgent, withStar: boolean): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [role, pool] of agent.pools) {
    const values = { cpus: pool.total.cpus, mem: pool.total.mem, disk: pool.total.disk - pool.volumeDisk, gpus: pool.total.gpus };
    const empty = values.cpus === 0 && values.mem === 0 && values.disk === 0 && pool.totalPorts.length === 0;
    if (role !== '*' && empty) continue;
    out.push(...poolResources(values, pool.totalPorts, roleFields(role, withStar), true));
  }
  for (const v of agent.volumes) out.push(volumeResource(v.id, v.role, v.diskMb, v.containerPath ?? 'data', v.principal));
  return out;
}

export function volumeResource(id: string, role: string, diskMb: number, containerPath: string, principal?: string): JsonObject {
  const p = principal ?? 'sim-principal';
  return scalar('disk', diskMb, {
    role,
    reservation: { principal: p },
    reservations: [{ type: 'DYNAMIC', role, principal: p }],
    disk: { persistence: { id, principal: p }, volume: { mode: 'RW', container_path: containerPath } },
  });
}

/** What the agent's tasks hold, per pool role, each tagged with the allocation role. */
export function allocatedResources(agent: SimAgent, withStar: boolean): JsonObject[] {
  const byKey = new Map<string, { role: string; alloc: string; values: Record<ScalarName, number>; ports: Range[] }>();
  for (const task of agent.tasks.values()) {
    for (const a of task.allocations) {
      const key = `${a.role}\u0000${task.role}`;
      let e = byKey.get(key);
      if (!e) {
        e = { role: a.role, alloc: task.role, values: { cpus: 0, mem: 0, disk: 0, gpus: 0 }, ports: [] };
        byKey.set(key, e);
      }
      for (const n of SCALARS) e.values[n] += a.resources[n];
      if (a.ports.length > 0) e.ports = releasePorts(e.ports, a.ports);
    }
  }
  const out: JsonObject[] = [];
  for (const e of byKey.values()) {
    out.push(...poolResources(e.values, e.ports, { ...roleFields(e.role, withStar), allocation_info: { role: e.alloc } }, true));
  }
  return out;
}

export function v1Attributes(attrs: Readonly<Record<string, string | number>>): JsonObject[] {
  return Object.entries(attrs).map(([name, v]): JsonObject =>
    typeof v === 'number' ? { name, type: 'SCALAR', scalar: { value: v } } : { name, type: 'TEXT', text: { value: v } },
  );
}

/** One agent of GET_AGENTS / AGENT_ADDED; `masterVersion` decides the master-side fields (`deactivated`). */
export function v1Agent(agent: SimAgent, masterVersion: string): JsonObject {
  const info: JsonObject = {
    hostname: agent.hostname,
    port: agent.port,
    resources: agentResources(agent, false),
    id: { value: agent.id },
  };
  withList(info, 'attributes', v1Attributes(agent.attributes));
  if (agent.domain) info['domain'] = faultDomain(agent.domain.region, agent.domain.zone);
  // protobuf_utils.cpp `createAgentResponse`: `active` is false once deactivated (Master::deactivate).
  const out: JsonObject = {
    agent_info: info,
    active: agent.active && !agent.deactivated,
    ...(hasDraining(masterVersion) ? { deactivated: agent.deactivated } : {}),
    version: agent.version,
    pid: `slave(1)@${agent.ip}:${agent.port}`,
    registered_time: timeInfo(agent.registeredAt),
    reregistered_time: timeInfo(agent.registeredAt),
    total_resources: agentResources(agent, true),
  };
  withList(out, 'allocated_resources', allocatedResources(agent, true));
  out['capabilities'] = agentCapabilities(agent.version).map((type) => ({ type }));
  if (agent.drain) {
    out['drain_info'] = drainInfoJson(agent.drain);
    out['estimated_drain_start_time'] = timeInfo(agent.drain.startedAt);
  }
  return out;
}

export function faultDomain(region: string, zone: string): JsonObject {
  return { fault_domain: { region: { name: region }, zone: { name: zone } } };
}

export function taskResources(task: SimTask): JsonObject[] {
  const out: JsonObject[] = [];
  for (const a of task.allocations) {
    const extra: JsonObject = { ...roleFields(a.role, false), allocation_info: { role: task.role } };
    const values = { cpus: a.resources.cpus, mem: a.resources.mem, disk: a.resources.disk, gpus: a.resources.gpus };
    for (const n of ['cpus', 'mem', 'disk', 'gpus'] as const) if (values[n] > 0) out.push(scalar(n, values[n], extra));
    if (a.ports.length > 0) out.push(rangesResource('ports', a.ports, extra));
  }
  return out;
}

/** A stable UUID-looking container id per task. */
function containerId(task: SimTask): string {
  const h = Buffer.from(task.id).toString('hex').padEnd(32, '0').slice(-32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function statusUuid(task: SimTask, index: number): string {
  return Buffer.from(`${task.id}#${index}`).toString('base64').slice(0, 22) + '==';
}

export function v1TaskStatus(task: SimTask, index: number, agentIp?: string): JsonObject {
  const s = task.statuses[index] ?? { state: task.state, timestamp: task.stagedAt };
  return {
    task_id: { value: task.id },
    state: s.state,
    source: 'SOURCE_EXECUTOR',
    agent_id: { value: task.agentId },
    executor_id: { value: task.id },
    timestamp: seconds(s.timestamp),
    uuid: statusUuid(task, index),
    container_status: {
      container_id: { value: containerId(task) },
      ...(agentIp ? { network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: agentIp }] }], executor_pid: 1000 + (task.stagedAt % 30000) } : {}),
    },
  };
}

export function v1Task(task: SimTask, agentIp?: string): JsonObject {
  const out: JsonObject = {
    name: task.name,
    task_id: { value: task.id },
    framework_id: { value: task.frameworkId },
    agent_id: { value: task.agentId },
    state: task.state,
    resources: taskResources(task),
  };
  // The first record is TASK_STAGING, which no executor reports: real masters list only updates.
  const statuses: Json[] = [];
  for (let i = 1; i < task.statuses.length; i++) statuses.push(v1TaskStatus(task, i, agentIp));
  withList(out, 'statuses', statuses);
  const labels = Object.entries(task.labels).map(([key, value]) => ({ key, value }));
  if (labels.length > 0) out['labels'] = { labels };
  out['discovery'] = discovery(task);
  out['container'] = { type: 'MESOS', mesos: {} };
  return out;
}

/** Marathon fills DiscoveryInfo with the app's host ports. */
export function discovery(task: SimTask): JsonObject {
  const out: JsonObject = { visibility: 'FRAMEWORK', name: task.name };
  out['ports'] = withList({}, 'ports', task.ports.map((number) => ({ number, protocol: 'tcp' })));
  return out;
}

export function v1Framework(fw: SimFramework): JsonObject {
  const info: JsonObject = {
    user: 'root',
    name: fw.name,
    id: { value: fw.id },
    failover_timeout: 604800,
    checkpoint: true,
    hostname: fw.hostname,
  };
  if (fw.role !== '*') info['role'] = fw.role;
  if (fw.principal) info['principal'] = fw.principal;
  if (fw.webuiUrl) info['webui_url'] = fw.webuiUrl;
  info['capabilities'] = [{ type: 'TASK_KILLING_STATE' }, { type: 'GPU_RESOURCES' }, { type: 'PARTITION_AWARE' }];
  return {
    framework_info: info,
    active: true,
    connected: true,
    recovered: false,
    registered_time: timeInfo(fw.registeredAt),
    reregistered_time: timeInfo(fw.registeredAt),
  };
}

export function getAgentsBody(cluster: SimCluster): JsonObject {
  return withList({}, 'agents', [...cluster.agents()].map((a) => v1Agent(a, cluster.mesosVersion)));
}

export function getTasksBody(cluster: SimCluster): JsonObject {
  const out: JsonObject = {};
  const ip = (t: SimTask) => cluster.getAgent(t.agentId)?.ip;
  withList(out, 'tasks', [...cluster.tasks()].map((t) => v1Task(t, ip(t))));
  withList(out, 'completed_tasks', cluster.completedTasks().map((t) => v1Task(t)));
  return out;
}

export function getFrameworksBody(cluster: SimCluster): JsonObject {
  return withList({}, 'frameworks', cluster.frameworks().map(v1Framework));
}

export function getStateBody(cluster: SimCluster): JsonObject {
  return {
    get_tasks: getTasksBody(cluster),
    get_executors: {},
    get_frameworks: getFrameworksBody(cluster),
    get_agents: getAgentsBody(cluster),
  };
}

export function machineIdJson(m: MachineId): JsonObject {
  const out: JsonObject = {};
  if (m.hostname !== undefined) out['hostname'] = m.hostname;
  if (m.ip !== undefined) out['ip'] = m.ip;
  return out;
}

/** `maintenance.Schedule` JSON (used by both the v1 API and the v0 endpoint). */
export function scheduleJson(windows: readonly SimWindow[]): JsonObject {
  return withList(
    {},
    'windows',
    windows.map((w) => {
      // int64 nanoseconds written back exactly as posted (see exact-json.ts).
      const unavailability: JsonObject = { start: { nanoseconds: int64Json(w.startNs) } };
      if (w.durationNs !== undefined) unavailability['duration'] = { nanoseconds: int64Json(w.durationNs) };
      return { machine_ids: w.machines.map(machineIdJson), unavailability };
    }),
  );
}

/** `maintenance.ClusterStatus` JSON. */
export function maintenanceStatusJson(cluster: SimCluster): JsonObject {
  const out: JsonObject = {};
  withList(out, 'draining_machines', cluster.maintenance.machines('DRAINING').map((m) => ({ id: machineIdJson(m) })));
  withList(out, 'down_machines', cluster.maintenance.machines('DOWN').map(machineIdJson));
  return out;
}
