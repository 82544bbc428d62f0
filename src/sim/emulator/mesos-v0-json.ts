import type { SimCluster } from '../cluster/cluster.js';
import { UNRESERVED_FULL_SINCE, versionAtLeast } from '../cluster/mesos-version.js';
import { formatRanges, releasePorts, type Range } from '../cluster/ranges.js';
import type { SimAgent, SimFramework, SimTask } from '../cluster/types.js';
import { agentCapabilities, agentResources, allocatedResources, discovery, drainInfoJson, faultDomain, hasDraining } from './mesos-v1-json.js';
import { seconds, type JsonObject } from './json-types.js';

interface Flat {
  disk: number;
  mem: number;
  gpus: number;
  cpus: number;
  ports: Range[];
}

const emptyFlat = (): Flat => ({ disk: 0, mem: 0, gpus: 0, cpus: 0, ports: [] });

/** v0 flat resource map; `ports` as "[a-b, c-d]" and left out when there are none. */
function flatJson(f: Flat): JsonObject {
  const out: JsonObject = { disk: f.disk, mem: f.mem, gpus: f.gpus, cpus: f.cpus };
  if (f.ports.length > 0) out['ports'] = formatRanges(f.ports);
  return out;
}

function addInto(f: Flat, r: { cpus: number; mem: number; disk: number; gpus: number }, ports: readonly Range[]): void {
  f.cpus += r.cpus;
  f.mem += r.mem;
  f.disk += r.disk;
  f.gpus += r.gpus;
  if (ports.length > 0) f.ports = releasePorts(f.ports, ports);
}

/**
 * One agent as the classic endpoints write it (src/master/readonly_handler.cpp `SlaveWriter`).
 * `full` adds the `*_full` resource lists, which only `/master/slaves` has
 * (`SlavesWriter::writeSlave`); `/master/state` uses the plain `SlaveWriter`.
 */
export function v0Slave(cluster: SimCluster, agent: SimAgent, full: boolean): JsonObject {
  const total = emptyFlat();
  const unreserved = emptyFlat();
  const reserved: JsonObject = {};
  const reservedFull: JsonObject = {};
  for (const [role, pool] of agent.pools) {
    addInto(total, pool.total, pool.totalPorts);
    if (role === '*') addInto(unreserved, pool.total, pool.totalPorts);
    else {
      const f = emptyFlat();
      addInto(f, pool.total, pool.totalPorts);
      if (f.cpus + f.mem + f.disk + f.gpus > 0 || f.ports.length > 0) reserved[role] = flatJson(f);
    }
  }
  for (const r of agentResources(agent, true)) {
    const role = r['role'];
    if (typeof role !== 'string' || role === '*') continue;
    const list = reservedFull[role];
    reservedFull[role] = Array.isArray(list) ? [...list, r] : [r];
  }
  const used = emptyFlat();
  for (const t of agent.tasks.values()) for (const a of t.allocations) addInto(used, a.resources, a.ports);
  const out: JsonObject = {
    id: agent.id,
    hostname: agent.hostname,
    port: agent.port,
    attributes: { ...agent.attributes },
    pid: `slave(1)@${agent.ip}:${agent.port}`,
    registered_time: seconds(agent.registeredAt),
    resources: flatJson(total),
    used_resources: flatJson(used),
    offered_resources: flatJson(emptyFlat()),
    reserved_resources: reserved,
    unreserved_resources: flatJson(unreserved),
    active: agent.active && !agent.deactivated,
    ...(hasDraining(cluster.mesosVersion) ? { deactivated: agent.deactivated } : {}),
    version: agent.version,
    capabilities: agentCapabilities(agent.version),
  };
  if (agent.domain) out['domain'] = faultDomain(agent.domain.region, agent.domain.zone);
  if (agent.drain) {
    out['drain_info'] = drainInfoJson(agent.drain);
    out['estimated_drain_start_time_seconds'] = seconds(agent.drain.startedAt);
  }
  if (full) {
    out['reserved_resources_full'] = reservedFull;
    if (versionAtLeast(cluster.mesosVersion, UNRESERVED_FULL_SINCE)) {
      out['unreserved_resources_full'] = agentResources(agent, true).filter((r) => r['role'] === '*');
    }
    out['used_resources_full'] = allocatedResources(agent, true);
    out['offered_resources_full'] = [];
  }
  return out;
}

export function slavesJson(cluster: SimCluster): JsonObject {
  return { slaves: [...cluster.agents()].map((a) => v0Slave(cluster, a, true)), recovered_slaves: [] };
}

export function v0Task(task: SimTask, agentIp: string): JsonObject {
  const f = emptyFlat();
  for (const a of task.allocations) addInto(f, a.resources, a.ports);
  const out: JsonObject = {
    id: task.id,
    name: task.name,
    framework_id: task.frameworkId,
    executor_id: '',
    slave_id: task.agentId,
    state: task.state,
    resources: flatJson(f),
    role: task.role,
    statuses: task.statuses.slice(1).map((s) => ({
      state: s.state,
      timestamp: seconds(s.timestamp),
      container_status: { network_infos: [{ ip_addresses: [{ ip_address: agentIp }] }] },
    })),
    discovery: discovery(task),
  };
  const labels = Object.entries(task.labels).map(([key, value]) => ({ key, value }));
  if (labels.length > 0) out['labels'] = labels;
  return out;
}

function v0Framework(cluster: SimCluster, fw: SimFramework): JsonObject {
  const used = emptyFlat();
  const tasks: JsonObject[] = [];
  for (const t of cluster.tasks()) {
    if (t.frameworkId !== fw.id) continue;
    for (const a of t.allocations) addInto(used, a.resources, a.ports);
    tasks.push(v0Task(t, cluster.getAgent(t.agentId)?.ip ?? ''));
  }
  const completed = cluster.completedTasks().filter((t) => t.frameworkId === fw.id).map((t) => v0Task(t, ''));
  return {
    id: fw.id,
    name: fw.name,
    pid: `scheduler-${fw.id}@${fw.hostname}:15101`,
    used_resources: flatJson(used),
    offered_resources: flatJson(emptyFlat()),
    capabilities: ['TASK_KILLING_STATE', 'GPU_RESOURCES', 'PARTITION_AWARE'],
    hostname: fw.hostname,
    webui_url: fw.webuiUrl ?? '',
    active: true,
    connected: true,
    recovered: false,
    user: 'root',
    failover_timeout: 604800,
    checkpoint: true,
    registered_time: seconds(fw.registeredAt),
    unregistered_time: 0,
    resources: flatJson(used),
    role: fw.role,
    tasks,
    unreachable_tasks: [],
    completed_tasks: completed,
    offers: [],
    executors: [],
  };
}

export interface MasterIdentity {
  readonly hostname: string;
  readonly port: number;
  readonly cluster: string;
}

export function stateJson(cluster: SimCluster, me: MasterIdentity): JsonObject {
  const pid = `master@${me.hostname}:${me.port}`;
  const agents = [...cluster.agents()];
  return {
    version: cluster.mesosVersion,
    git_sha: '0000000000000000000000000000000000000000',
    build_date: '2019-09-01 00:00:00',
    build_time: 1567296000,
    build_user: '',
    start_time: seconds(cluster.startedAt),
    elected_time: seconds(cluster.startedAt),
    id: cluster.id,
    pid,
    hostname: me.hostname,
    activated_slaves: agents.filter((a) => a.active && !a.deactivated).length,
    deactivated_slaves: agents.filter((a) => a.deactivated).length,
    unreachable_slaves: 0,
    leader: pid,
    leader_info: { id: cluster.id, pid, port: me.port, hostname: me.hostname },
    cluster: me.cluster,
    flags: { port: String(me.port), cluster: me.cluster, allocation_interval: '1secs', authenticate_http_readonly: 'false' },
    slaves: agents.map((a) => v0Slave(cluster, a, false)),
    recovered_slaves: [],
    frameworks: cluster.frameworks().map((fw) => v0Framework(cluster, fw)),
    completed_frameworks: [],
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
