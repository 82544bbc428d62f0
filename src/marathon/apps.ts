import type { Constraint } from '../model/pending.js';
import type { Resources } from '../model/resources.js';
import { describeIssues } from '../util/http.js';
import { err, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';
import { appResources, appRole, parseConstraint } from './queue.js';
import { appsSchema } from './schema.js';

export interface MarathonTask {
  readonly id: string;
  readonly host?: string;
  readonly agentId?: string;
  readonly state?: string;
}

/** A Marathon app as the autoscaler needs it: size, per-instance resources, placement, tasks. */
export interface MarathonApp {
  readonly id: string;
  readonly instances: number;
  readonly resources: Resources;
  readonly constraints: readonly Constraint[];
  readonly role: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Present with `embed=apps.tasks`. */
  readonly tasks: readonly MarathonTask[];
}

/** `GET /v2/apps[?embed=apps.tasks]` -> apps. */
export function parseApps(json: unknown): Result<MarathonApp[], MarathonError> {
  const parsed = appsSchema.safeParse(json);
  if (!parsed.success) return err({ kind: 'malformed', message: `/v2/apps: unexpected shape: ${describeIssues(parsed.error)}` });
  const apps: MarathonApp[] = [];
  for (const a of parsed.data.apps) {
    const constraints: Constraint[] = [];
    for (const c of a.constraints) {
      const p = parseConstraint(c);
      if (!p.ok) return err({ kind: 'malformed', message: `/v2/apps: ${a.id}: ${p.error}` });
      constraints.push(p.value);
    }
    apps.push({
      id: a.id,
      instances: a.instances ?? 1,
      resources: appResources(a),
      constraints,
      role: appRole(a),
      labels: a.labels,
      tasks: a.tasks.map((t) => ({
        id: t.id,
        ...(t.host ? { host: t.host } : {}),
        ...(t.slaveId ? { agentId: t.slaveId } : {}),
        ...(t.state ? { state: t.state } : {}),
      })),
    });
  }
  return ok(apps);
}
