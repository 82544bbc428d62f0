import type { SimCluster } from '../cluster/cluster.js';
import { rejectSummary } from '../cluster/funnel.js';
import { isoTime } from '../cluster/ids.js';
import type { SimApp, SimTask } from '../cluster/types.js';
import type { JsonObject } from './json-types.js';
import { agentResources, v1Attributes } from './mesos-v1-json.js';

export function marathonTask(cluster: SimCluster, task: SimTask): JsonObject {
  const agent = cluster.getAgent(task.agentId);
  const out: JsonObject = {
    ipAddresses: agent ? [{ ipAddress: agent.ip, protocol: 'IPv4' }] : [],
    stagedAt: isoTime(task.stagedAt),
    state: task.state,
    ports: [...task.ports],
    version: task.version,
    id: task.id,
    appId: task.appId,
    slaveId: task.agentId,
    host: agent?.hostname ?? '',
  };
  if (task.startedAt !== undefined) out['startedAt'] = isoTime(task.startedAt);
  return out;
}

/** Marathon `App` JSON; `embedTasks` adds `tasks` as `?embed=apps.tasks` does. */
export function marathonApp(cluster: SimCluster, app: SimApp, embedTasks: boolean): JsonObject {
  const s = app.spec;
  const tasks = [...app.tasks].map((id) => cluster.getTask(id)).filter((t): t is SimTask => t !== undefined);
  const out: JsonObject = {
    id: s.id,
    backoffFactor: 1.15,
    backoffSeconds: 1,
    cmd: 'sleep 3600',
    cpus: s.cpus,
    disk: s.disk ?? 0,
    executor: '',
    instances: s.instances,
    labels: { ...(s.labels ?? {}), ...(s.gpuScheduling ? { GPU_SCHEDULING_BEHAVIOR: s.gpuScheduling } : {}) },
    maxLaunchDelaySeconds: 3600,
    mem: s.mem,
    gpus: s.gpus ?? 0,
    constraints: (s.constraints ?? []).map((c) => (c.value === undefined ? [c.field, c.operator] : [c.field, c.operator, c.value])),
    // Service ports, one per host port the app asks for (Marathon assigns them from 10000).
    ports: Array.from({ length: s.ports ?? 0 }, (_, i) => 10000 + i),
    requirePorts: false,
    ...fixedPortsJson(s.fixedPorts ?? [], app.need.ports),
    ...(s.acceptedRoles ? { acceptedResourceRoles: [...s.acceptedRoles] } : {}),
    upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: 1 },
    version: app.version,
    versionInfo: { lastScalingAt: app.version, lastConfigChangeAt: isoTime(app.createdAt) },
    killSelection: 'YOUNGEST_FIRST',
    unreachableStrategy: { inactiveAfterSeconds: 300, expungeAfterSeconds: 600 },
    tasksStaged: tasks.filter((t) => t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING').length,
    tasksRunning: tasks.filter((t) => t.state === 'TASK_RUNNING').length,
    tasksHealthy: 0,
    tasksUnhealthy: 0,
    deployments: app.queue ? [{ id: deploymentIdFor(app) }] : [],
  };
  if (app.role !== '*') out['role'] = app.role;
  if (embedTasks) out['tasks'] = tasks.map((t) => marathonTask(cluster, t));
  return out;
}

/** Fixed host ports as a container's port mappings (fixed `hostPort`s, 0 for the random rest): how Marathon shows them. */
function fixedPortsJson(fixed: readonly number[], count: number): JsonObject {
  if (fixed.length === 0) return {};
  const mappings: JsonObject[] = [...fixed.map((p) => ({ containerPort: p, hostPort: p, protocol: 'tcp' })), ...Array.from({ length: Math.max(0, count - fixed.length) }, () => ({ containerPort: 0, hostPort: 0, protocol: 'tcp' }))];
  return { ports: [], container: { type: 'DOCKER', portMappings: mappings } };
}

export function deploymentIdFor(app: SimApp): string {
  return Buffer.from(`${app.spec.id}@${app.version}`).toString('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
}

/** `GET /v2/queue` body, shaped like Marathon 1.5+ with processedOffersSummary. */
export function queueJson(cluster: SimCluster): JsonObject {
  const queue = cluster.queue().map((app): JsonObject => {
    const q = app.queue;
    const attempt = cluster.attemptFunnel(app);
    const summary: JsonObject = {
      processedOffersCount: attempt?.processed ?? 0,
      unusedOffersCount: attempt ? attempt.processed - attempt.used : 0,
    };
    if (q?.lastUnusedOfferAt !== undefined) summary['lastUnusedOfferAt'] = isoTime(q.lastUnusedOfferAt);
    if (q?.lastUsedOfferAt !== undefined) summary['lastUsedOfferAt'] = isoTime(q.lastUsedOfferAt);
    if (q) {
      summary['rejectSummaryLastOffers'] = rejectSummary(q.lastPass);
      if (attempt) summary['rejectSummaryLaunchAttempt'] = rejectSummary(attempt);
    }
    const item: JsonObject = {
      app: marathonApp(cluster, app, false),
      count: cluster.waitingCount(app),
      role: app.role,
      delay: { timeLeftSeconds: 0, overdue: true },
      since: isoTime(q?.since ?? cluster.clock.now()),
      processedOffersSummary: summary,
    };
    const unused = q?.lastUnused ?? [];
    if (unused.length > 0) {
      item['lastUnusedOffers'] = unused.map((u) => {
        const agent = cluster.getAgent(u.agentId);
        return {
          offer: {
            id: `${u.agentId}-O${Math.round(u.at)}`,
            agentId: u.agentId,
            hostname: u.hostname,
            resources: agent ? agentResources(agent, true).map(offerResource) : [],
            attributes: agent ? v1Attributes(agent.attributes).map(offerAttribute) : [],
          },
          timestamp: isoTime(u.at),
          reason: [u.reason],
        };
      });
    }
    return item;
  });
  return { queue };
}

/** Marathon flattens offer resources: `{name, scalar: 23, ranges: [...], role}`. */
function offerResource(r: JsonObject): JsonObject {
  const out: JsonObject = { name: r['name'] ?? '' };
  const sc = r['scalar'];
  if (sc && typeof sc === 'object' && !Array.isArray(sc) && typeof sc['value'] === 'number') out['scalar'] = sc['value'];
  const rg = r['ranges'];
  if (rg && typeof rg === 'object' && !Array.isArray(rg) && Array.isArray(rg['range'])) out['ranges'] = rg['range'];
  out['role'] = r['role'] ?? '*';
  return out;
}

function offerAttribute(a: JsonObject): JsonObject {
  const out: JsonObject = { name: a['name'] ?? '' };
  const sc = a['scalar'];
  if (sc && typeof sc === 'object' && !Array.isArray(sc) && typeof sc['value'] === 'number') out['scalar'] = sc['value'];
  const tx = a['text'];
  if (tx && typeof tx === 'object' && !Array.isArray(tx) && typeof tx['value'] === 'string') out['set'] = [tx['value']];
  return out;
}

/** Marathon's instance condition names for Mesos task states. */
export function condition(state: string): string {
  const map: Record<string, string> = {
    TASK_STAGING: 'Staging',
    TASK_STARTING: 'Starting',
    TASK_RUNNING: 'Running',
    TASK_KILLING: 'Killing',
    TASK_FINISHED: 'Finished',
    TASK_FAILED: 'Failed',
    TASK_KILLED: 'Killed',
    TASK_LOST: 'Unreachable',
    TASK_GONE: 'Gone',
    TASK_GONE_BY_OPERATOR: 'Gone',
    TASK_UNREACHABLE: 'Unreachable',
  };
  return map[state] ?? 'Unknown';
}
