import { z } from 'zod';
import { agentId, type Agent, type Task } from '../model/agent.js';
import { add, resources, ZERO, type Resources } from '../model/resources.js';
import { err, ok, type Result } from '../util/result.js';
import { malformed, type MesosError } from './errors.js';
import { activeTasksUse, drainInfoOf, faultDomain, ipFromPid, type FrameworkSummary, type MesosState } from './parse-v1.js';
import { dynamicReservationRoles, flatResourcesSchema, persistentVolumesV1 } from './resources.js';
import { labelsOf, marathonAppId } from './tasks.js';
import { domainSchema, drainInfoSchema } from './v1-schema.js';
import { v1ResourceListSchema } from './v1-in-place.js';

/**
 * Classic (v0) endpoints: `/master/slaves` and `/master/state`. Resources are flat maps,
 * `ports` a range string, `reserved_resources` keyed by role, attributes a name -> value map.
 */

const emptyFlat = resources({});
const flat = flatResourcesSchema.optional().transform((r) => r ?? emptyFlat);

export const v0SlaveSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  port: z.number().optional(),
  pid: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional().default({}),
  registered_time: z.number().optional(),
  resources: flatResourcesSchema,
  used_resources: flat,
  reserved_resources: z.record(z.string(), flatResourcesSchema).optional().default({}),
  /** 1.x: the reserved resources as v1 resource objects, which carry persistent volumes. */
  reserved_resources_full: z.record(z.string(), v1ResourceListSchema).optional().default({}),
  active: z.boolean(),
  deactivated: z.boolean().optional(),
  drain_info: drainInfoSchema.optional(),
  version: z.string().optional(),
  domain: domainSchema.optional(),
});
export type V0Slave = z.infer<typeof v0SlaveSchema>;

const v0TaskSchema = z.object({
  id: z.string(),
  name: z.string(),
  framework_id: z.string(),
  slave_id: z.string(),
  state: z.string(),
  resources: flat,
  role: z.string().optional(),
  labels: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
});

const v0FrameworkSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string().optional(),
  roles: z.array(z.string()).optional(),
  active: z.boolean().optional(),
  connected: z.boolean().optional(),
  tasks: z.array(v0TaskSchema).optional().default([]),
  unreachable_tasks: z.array(v0TaskSchema).optional().default([]),
});

const slavesResponse = z.object({ slaves: z.array(v0SlaveSchema) });
const stateResponse = z.object({
  slaves: z.array(v0SlaveSchema),
  frameworks: z.array(v0FrameworkSchema).optional().default([]),
  recovered_slaves: z.array(z.object({ id: z.string(), hostname: z.string() })).optional().default([]),
});

export function agentFromV0(s: V0Slave, tasks: readonly Task[] = []): Agent {
  let reserved: Resources = ZERO;
  const roles: string[] = [];
  for (const [role, r] of Object.entries(s.reserved_resources)) {
    if (role === '*') continue;
    reserved = add(reserved, r);
    roles.push(role);
  }
  const ip = ipFromPid(s.pid);
  const domain = faultDomain(s.domain);
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.attributes)) attributes[k] = String(v);
  // Old masters may leave used_resources out; then the tasks we know of are the best figure.
  const used = s.used_resources === emptyFlat ? activeTasksUse(tasks) : s.used_resources;
  return {
    id: agentId(s.id),
    hostname: s.hostname,
    ...(ip ? { ip } : {}),
    ...(s.port !== undefined ? { port: s.port } : {}),
    attributes,
    total: s.resources,
    used,
    reserved,
    reservedRoles: roles.sort(),
    // Only /master/slaves has the `_full` lists that say which reservations are dynamic.
    ...(s.reserved_resources_full !== undefined && Object.keys(s.reserved_resources_full).length > 0
      ? { dynamicRoles: dynamicReservationRoles(Object.values(s.reserved_resources_full).flat()) }
      : roles.length === 0 ? { dynamicRoles: [] } : {}),
    persistentVolumes: Object.values(s.reserved_resources_full).flatMap((list) => persistentVolumesV1(list)),
    tasks,
    active: s.active && s.deactivated !== true,
    draining: s.drain_info?.state === 'DRAINING' || s.drain_info?.state === 'DRAINED',
    ...(s.drain_info?.state ? { drainInfo: drainInfoOf(s.drain_info.state, s.drain_info.config?.max_grace_period?.nanoseconds) } : {}),
    ...(s.registered_time !== undefined ? { registeredAt: Math.round(s.registered_time * 1000) } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(domain ? { domain } : {}),
  };
}

/** `GET /master/slaves` (or the original tool's `/slaves`) -> agents without tasks. */
export function parseSlaves(json: unknown): Result<Agent[], MesosError> {
  const parsed = slavesResponse.safeParse(json);
  if (!parsed.success) return err(malformed('/master/slaves', parsed.error));
  return ok(parsed.data.slaves.map((s) => agentFromV0(s)));
}

/** `GET /master/state` -> agents with the tasks of all frameworks joined in. */
export function parseMasterState(json: unknown): Result<MesosState, MesosError> {
  const parsed = stateResponse.safeParse(json);
  if (!parsed.success) return err(malformed('/master/state', parsed.error));
  const byAgent = new Map<string, Task[]>();
  const frameworks: FrameworkSummary[] = [];
  for (const fw of parsed.data.frameworks) {
    const fwRoles = fw.roles && fw.roles.length > 0 ? fw.roles : [fw.role ?? '*'];
    frameworks.push({ id: fw.id, name: fw.name, roles: fwRoles, active: fw.active ?? false, connected: fw.connected ?? fw.active ?? false });
    const isMarathon = fw.name === 'marathon';
    for (const t of [...fw.tasks, ...fw.unreachable_tasks]) {
      const labels = labelsOf(t.labels);
      const role = t.role ?? fw.role;
      const appId = isMarathon ? marathonAppId(t.id, labels) : undefined;
      const task: Task = {
        id: t.id,
        name: t.name,
        frameworkId: t.framework_id,
        state: t.state,
        resources: t.resources,
        labels,
        ...(role ? { role } : {}),
        ...(appId ? { appId } : {}),
      };
      const list = byAgent.get(t.slave_id) ?? [];
      list.push(task);
      byAgent.set(t.slave_id, list);
    }
  }
  return ok({
    agents: parsed.data.slaves.map((s) => agentFromV0(s, byAgent.get(s.id) ?? [])),
    recoveredAgents: parsed.data.recovered_slaves.map((r) => ({ id: r.id, hostname: r.hostname })),
    frameworks,
  });
}
