import { agentId, type Agent, type Task } from '../../src/model/agent.js';
import { resources, type Resources } from '../../src/model/resources.js';
import type { ClusterSnapshot } from '../../src/model/snapshot.js';
import type { NodeGroupState } from '../../src/model/node-group.js';
import { validateConfig } from '../../src/config/load.js';
import type { Config, ConfigInput } from '../../src/config/schema.js';

let seq = 0;

export function task(partial: Partial<Task> & { resources?: Resources } = {}): Task {
  seq += 1;
  return {
    id: partial.id ?? `task-${seq}`,
    name: partial.name ?? 'task',
    frameworkId: partial.frameworkId ?? 'marathon',
    state: partial.state ?? 'TASK_RUNNING',
    resources: partial.resources ?? resources({ cpus: 1, mem: 128 }),
    labels: partial.labels ?? {},
    ...(partial.appId ? { appId: partial.appId } : {}),
    ...(partial.constraints ? { constraints: partial.constraints } : {}),
  };
}

export interface AgentSpec {
  id: string;
  cpus?: number;
  mem?: number;
  usedCpus?: number;
  usedMem?: number;
  attributes?: Record<string, string>;
  tasks?: Task[];
  active?: boolean;
  draining?: boolean;
  reservedRoles?: string[];
  volumes?: number;
  /** IP of the agent's pid; one is made up per id when not given (real agents always have one). */
  ip?: string;
}

const ips = new Map<string, string>();
/** A stable, unique private IP per agent id, so machines are named as Mesos names them. */
export function ipFor(id: string): string {
  let ip = ips.get(id);
  if (!ip) {
    const n = ips.size + 1;
    ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    ips.set(id, ip);
  }
  return ip;
}

export function agent(s: AgentSpec): Agent {
  const tasks = s.tasks ?? (s.usedCpus ? [task({ resources: resources({ cpus: s.usedCpus, mem: s.usedMem ?? 0 }) })] : []);
  return {
    id: agentId(s.id),
    hostname: `${s.id}.cluster`,
    ip: s.ip ?? ipFor(s.id),
    attributes: s.attributes ?? { workload: 'stateless' },
    total: resources({ cpus: s.cpus ?? 2, mem: s.mem ?? 4096, disk: 10000, ports: 1000 }),
    used: resources({ cpus: s.usedCpus ?? 0, mem: s.usedMem ?? 0 }),
    reserved: resources({}),
    reservedRoles: s.reservedRoles ?? [],
    persistentVolumes: Array.from({ length: s.volumes ?? 0 }, (_, i) => ({ id: `vol-${i}`, role: 'db', diskMb: 100 })),
    tasks,
    active: s.active ?? true,
    draining: s.draining ?? false,
  };
}

/** An empty agent with exactly this identity (no IP when `ip` is undefined), for identity-matching tests. */
export function identityAgent(id: string, hostname: string, ip: string | undefined, attributes: Record<string, string> = {}): Agent {
  const none = resources({});
  return {
    id: agentId(id),
    hostname,
    ...(ip !== undefined ? { ip } : {}),
    port: 5051,
    attributes,
    total: none,
    used: none,
    reserved: none,
    reservedRoles: [],
    persistentVolumes: [],
    tasks: [],
    active: true,
    draining: false,
  };
}

/** A provider state whose instances are named like the agents (hostname match). */
export function groupState(agents: readonly Agent[], desired = agents.length): NodeGroupState {
  return {
    desired,
    instances: agents.map((a, i) => ({ id: String(i), hostname: a.hostname, ...(a.ip !== undefined ? { privateIp: a.ip } : {}), state: 'running' as const })),
  };
}

export function snapshot(agents: Agent[], groups: Record<string, NodeGroupState>, at = 1_000_000): ClusterSnapshot {
  return { takenAt: at, agents, pending: [], groups, sources: { mesos: { readAt: at, from: 'test' } } };
}

/** A one-group config; scale-down timing as the original flags set it (no waiting) unless given. */
export function config(group: Partial<Record<string, unknown>> = {}, extra: Partial<ConfigInput> = {}): Config {
  const scaleDown = { unneededTime: 0, delayAfterAdd: 0, ...(group['scaleDown'] as object | undefined) };
  return validateConfig({
    mesos: { masters: ['http://127.0.0.1:5050'] },
    groups: [{ name: 'stateless', selector: { workload: 'stateless' }, provider: { kind: 'simulated' }, ...group, scaleDown }],
    ...extra,
  });
}
