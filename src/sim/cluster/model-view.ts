import { agentId, type Agent, type Task } from '../../model/agent.js';
import type { PendingLaunch } from '../../model/pending.js';
import type { SimCluster } from './cluster.js';
import { rejectionCounts } from './funnel.js';
import { agentTotals } from './pools.js';
import type { SimAgent, SimTask } from './types.js';

/**
 * The cluster as the planner's model types, read straight from memory: the simulator's
 * fast path that skips HTTP and JSON. The emulator's JSON, parsed by the Mesos and
 * Marathon clients, must give the same picture.
 */
export function modelTask(t: SimTask): Task {
  return {
    id: t.id,
    name: t.name,
    frameworkId: t.frameworkId,
    state: t.state,
    resources: t.resources,
    labels: t.labels,
    role: t.role,
    appId: t.appId,
  };
}

export function modelAgent(cluster: SimCluster, a: SimAgent): Agent {
  const { total, used, reserved } = agentTotals(a);
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.attributes)) attributes[k] = String(v);
  return {
    id: agentId(a.id),
    hostname: a.hostname,
    ip: a.ip,
    port: a.port,
    attributes,
    total,
    used,
    reserved,
    reservedRoles: [...a.pools.keys()].filter((r) => r !== '*'),
    persistentVolumes: a.volumes.map((v) => ({ id: v.id, role: v.role, diskMb: v.diskMb })),
    tasks: [...a.tasks.values()].map(modelTask),
    active: a.active && !a.deactivated,
    draining: cluster.isDraining(a),
    ...(a.drain ? { drainInfo: drainInfoOf(a) } : {}),
    registeredAt: a.registeredAt,
    version: a.version,
    ...(a.domain ? { domain: { region: a.domain.region, zone: a.domain.zone } } : {}),
  };
}

export function modelAgents(cluster: SimCluster): Agent[] {
  return [...cluster.agents()].map((a) => modelAgent(cluster, a));
}

export function modelPending(cluster: SimCluster): PendingLaunch[] {
  return cluster.queue().map((app) => {
    const s = app.spec;
    return {
      id: s.id,
      source: 'marathon',
      count: cluster.waitingCount(app),
      resources: app.need,
      constraints: s.constraints ?? [],
      role: app.role,
      ...(s.acceptedRoles ? { acceptedRoles: s.acceptedRoles } : {}),
      ...(s.fixedPorts && s.fixedPorts.length > 0 ? { fixedPorts: s.fixedPorts } : {}),
      ...(s.gpuScheduling ? { gpuScheduling: s.gpuScheduling } : {}),
      delayed: false,
      ...(app.queue ? { since: app.queue.since } : {}),
      rejections: app.queue ? rejectionCounts(app.queue.lastPass) : {},
    };
  });
}

/** An agent's DRAIN_AGENT state as the v1 API reports it (`drain_info`), the grace period's nanoseconds exact. */
export function drainInfoOf(a: SimAgent): Agent['drainInfo'] {
  if (!a.drain) return undefined;
  return { state: a.drain.state, ...(a.drain.maxGracePeriodNs !== undefined ? { maxGracePeriodNs: a.drain.maxGracePeriodNs.toString() } : {}) };
}
