import { add, resources, type Resources } from '../model/resources.js';
import { CONSTRAINT_OPERATORS, type Constraint, type ConstraintOperator, type PendingLaunch } from '../model/pending.js';
import { describeIssues } from '../util/http.js';
import { err, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';
import { queueSchema, type MarathonAppJson, type MarathonPodJson, type QueueItemJson } from './schema.js';


const NEEDS_VALUE: ReadonlySet<ConstraintOperator> = new Set(['LIKE', 'UNLIKE', 'MAX_PER', 'IS']);
const isOperator = (op: string): op is ConstraintOperator => (CONSTRAINT_OPERATORS as readonly string[]).includes(op);

/** Marathon's `["field", "OP", "value"]`; an unknown operator is an error, not a constraint to ignore. */
export function parseConstraint(c: readonly string[]): Result<Constraint, string> {
  const [field, op, value] = c;
  if (!field || !op) return err(`constraint ${JSON.stringify(c)} needs a field and an operator`);
  const operator = op.toUpperCase();
  if (!isOperator(operator)) return err(`constraint ${JSON.stringify(c)} has unknown operator ${op}`);
  if (value === undefined && NEEDS_VALUE.has(operator)) return err(`constraint ${JSON.stringify(c)}: ${operator} needs a value`);
  return ok(value === undefined ? { field, operator } : { field, operator, value });
}

/** Host ports one instance takes: port definitions, the legacy `ports`, or mappings with a host port. */
export function appPortCount(app: MarathonAppJson): number {
  if (app.portDefinitions) return app.portDefinitions.length;
  const mappings = app.container?.portMappings ?? app.container?.docker?.portMappings;
  if (mappings) return mappings.filter((m) => m.hostPort !== undefined).length;
  return app.ports?.length ?? 0;
}

/**
 * Host ports an instance binds by number: `portDefinitions` / `ports` with
 * `requirePorts: true`, container `portMappings` with a non-zero `hostPort`
 * (0 asks Marathon for a random port). Marathon docs, ports.md (requirePorts, hostPort).
 */
export function appFixedPorts(app: MarathonAppJson): number[] {
  const mappings = app.container?.portMappings ?? app.container?.docker?.portMappings;
  if (mappings) return mappings.map((m) => m.hostPort ?? 0).filter((p) => p > 0);
  if (!app.requirePorts) return [];
  const ports = app.portDefinitions ? app.portDefinitions.map((d) => d.port ?? 0) : (app.ports ?? []);
  return ports.filter((p) => p > 0);
}

export function podFixedPorts(pod: MarathonPodJson): number[] {
  return pod.containers.flatMap((c) => c.endpoints.map((e) => e.hostPort ?? 0)).filter((p) => p > 0);
}

/** An app's `GPU_SCHEDULING_BEHAVIOR` label (ResourceMatcher.scala `checkGpuSchedulingBehaviour`), when valid. */
export function gpuScheduling(labels: Readonly<Record<string, string>> | undefined): 'restricted' | 'unrestricted' | undefined {
  const v = labels?.['GPU_SCHEDULING_BEHAVIOR'];
  return v === 'restricted' || v === 'unrestricted' ? v : undefined;
}

export function appResources(app: MarathonAppJson): Resources {
  return resources({ cpus: app.cpus ?? 1, mem: app.mem ?? 128, disk: app.disk ?? 0, gpus: app.gpus ?? 0, ports: appPortCount(app) });
}

/** Marathon's defaults for a pod's executor when `executorResources` is not given. */
const POD_EXECUTOR_DEFAULT = resources({ cpus: 0.1, mem: 32, disk: 10 });

export function podResources(pod: MarathonPodJson): Resources {
  const exec = pod.executorResources
    ? resources({ cpus: pod.executorResources.cpus ?? 0.1, mem: pod.executorResources.mem ?? 32, disk: pod.executorResources.disk ?? 10 })
    : POD_EXECUTOR_DEFAULT;
  return pod.containers.reduce(
    (acc, c) =>
      add(
        acc,
        resources({
          cpus: c.resources?.cpus ?? 0,
          mem: c.resources?.mem ?? 0,
          disk: c.resources?.disk ?? 0,
          gpus: c.resources?.gpus ?? 0,
          ports: c.endpoints.filter((e) => e.hostPort !== undefined).length,
        }),
      ),
    exec,
  );
}

/** Role an app launches under: its own `role` (1.9+), else the single reserved role it accepts, else "*". */
export function appRole(app: MarathonAppJson, queueRole?: string): string {
  if (app.role) return app.role;
  if (queueRole) return queueRole;
  const reserved = (app.acceptedResourceRoles ?? []).filter((r) => r !== '*');
  return reserved.length === 1 && reserved[0] ? reserved[0] : '*';
}

/** Placement of one instance of a run spec: its constraints as Marathon writes them, or why they are not valid. */
function constraintsOf(raw: readonly (readonly string[])[]): Result<Constraint[], string> {
  const constraints: Constraint[] = [];
  for (const c of raw) {
    const parsed = parseConstraint(c);
    if (!parsed.ok) return parsed;
    constraints.push(parsed.value);
  }
  return ok(constraints);
}

/**
 * What one instance of an app needs, as a launch with `count` waiting and nothing known of its
 * wait (no delay, no rejections): the event-fed queue model builds its entries from app definitions.
 */
export function launchFromApp(app: MarathonAppJson, count: number): Result<PendingLaunch, string> {
  const constraints = constraintsOf(app.constraints);
  if (!constraints.ok) return constraints;
  const accepted = app.acceptedResourceRoles;
  const fixedPorts = appFixedPorts(app);
  const gpu = gpuScheduling(app.labels);
  return ok({
    id: app.id,
    source: 'marathon',
    count,
    resources: appResources(app),
    constraints: constraints.value,
    role: appRole(app),
    ...(accepted && accepted.length > 0 ? { acceptedRoles: accepted } : {}),
    ...(fixedPorts.length > 0 ? { fixedPorts } : {}),
    ...(gpu ? { gpuScheduling: gpu } : {}),
    delayed: false,
    rejections: {},
  });
}

function pendingFromItem(q: QueueItemJson): Result<PendingLaunch, string> {
  const raw: readonly (readonly string[])[] = q.app
    ? q.app.constraints
    : (q.pod?.scheduling?.placement?.constraints ?? []).map((c) => (c.value === undefined ? [c.fieldName, c.operator] : [c.fieldName, c.operator, c.value]));
  const constraints = constraintsOf(raw);
  if (!constraints.ok) return constraints;
  const id = q.app?.id ?? q.pod?.id ?? '';
  const role = q.app ? appRole(q.app, q.role) : (q.pod?.role ?? q.role ?? '*');
  const rejections: Record<string, number> = {};
  for (const r of q.processedOffersSummary?.rejectSummaryLastOffers ?? []) rejections[r.reason] = r.declined;
  const since = q.since ? Date.parse(q.since) : Number.NaN;
  const accepted = q.app ? q.app.acceptedResourceRoles : q.pod?.scheduling?.placement?.acceptedResourceRoles;
  const fixedPorts = q.app ? appFixedPorts(q.app) : q.pod ? podFixedPorts(q.pod) : [];
  const gpu = gpuScheduling(q.app?.labels ?? q.pod?.labels);
  return ok({
    id,
    source: 'marathon',
    count: q.count,
    resources: q.app ? appResources(q.app) : q.pod ? podResources(q.pod) : resources({}),
    constraints: constraints.value,
    role,
    ...(accepted && accepted.length > 0 ? { acceptedRoles: accepted } : {}),
    ...(fixedPorts.length > 0 ? { fixedPorts } : {}),
    ...(gpu ? { gpuScheduling: gpu } : {}),
    // Marathon backs off after failed launches: those instances wait for time, not capacity.
    delayed: isDelayed(q),
    ...(Number.isFinite(since) ? { since } : {}),
    rejections,
  });
}

const isDelayed = (q: QueueItemJson): boolean => q.delay !== undefined && q.delay.overdue === false && q.delay.timeLeftSeconds > 0;

/** One `/v2/queue` entry: the launch as read, the app definition it carries (pods have none), the backoff left. */
export interface QueueEntry {
  readonly launch: PendingLaunch;
  readonly app?: MarathonAppJson;
  readonly kind: 'app' | 'pod';
  /** Milliseconds of launch backoff left when read (0: none). */
  readonly backoffMs: number;
}

/** `GET /v2/queue` -> its entries; a malformed entry fails the whole read. */
export function parseQueueEntries(json: unknown): Result<QueueEntry[], MarathonError> {
  const parsed = queueSchema.safeParse(json);
  if (!parsed.success) return err({ kind: 'malformed', message: `/v2/queue: unexpected shape: ${describeIssues(parsed.error)}` });
  const out: QueueEntry[] = [];
  for (const [i, q] of parsed.data.queue.entries()) {
    const p = pendingFromItem(q);
    if (!p.ok) return err({ kind: 'malformed', message: `/v2/queue: queue.${i}: ${p.error}` });
    out.push({
      launch: p.value,
      ...(q.app ? { app: q.app } : {}),
      kind: q.app ? 'app' : 'pod',
      backoffMs: isDelayed(q) ? (q.delay?.timeLeftSeconds ?? 0) * 1000 : 0,
    });
  }
  return ok(out);
}

/** `GET /v2/queue` -> pending launches; a malformed entry fails the whole read. */
export function parseQueue(json: unknown): Result<PendingLaunch[], MarathonError> {
  const entries = parseQueueEntries(json);
  return entries.ok ? ok(entries.value.map((e) => e.launch)) : entries;
}
