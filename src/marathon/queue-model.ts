import type { Constraint, PendingLaunch } from '../model/pending.js';
import type { MarathonEvent } from './events.js';
import { launchFromApp, type QueueEntry } from './queue.js';
import { appSchema, type MarathonAppJson } from './schema.js';

/**
 * Task states after which a task holds no place among an app's instances: Marathon relaunches it
 * (or, scaled down, forgets it). core/condition/Condition.scala: Error, Failed, Finished, Killed,
 * Gone, Dropped, Unknown are terminal or failures; Unreachable is still active (its replacement
 * waits until UnreachableInactive, an instance condition, handled apart).
 */
const TERMINAL_TASK_STATES: ReadonlySet<string> = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
]);
/** Failed launches: Marathon backs the app off (RateLimiter), and only a read says for how long. */
const FAILED_TASK_STATES: ReadonlySet<string> = new Set(['TASK_FAILED', 'TASK_ERROR', 'TASK_DROPPED']);
/**
 * Instance conditions whose task does not count as launched. 1.8-1.10 count Scheduled and
 * Provisioned instances in `/v2/queue` (core/launchqueue/LaunchStats.scala `launchingInstancesFold`:
 * `isScheduled || isProvisioned`); a Provisioned one already has a task reported TASK_STAGING
 * (InstanceChangedEventsGenerator.scala: no Mesos status yet). UnreachableInactive instances are
 * replaced (a new instance waits) while their task is still TASK_UNREACHABLE.
 */
const NOT_LAUNCHED_CONDITIONS: ReadonlySet<string> = new Set(['Provisioned', 'UnreachableInactive']);

/** Why the queue was read again, for `mesos_autoscaler_marathon_queue_resyncs_total{reason}`. */
export const QUEUE_RESYNC_REASONS = ['connect', 'check', 'inexact-event', 'app-definition'] as const;
export type QueueResyncReason = (typeof QUEUE_RESYNC_REASONS)[number];

interface TaskRecord {
  state: string;
  /** Sequence number of the event that last changed it (reads keep what changed after they began). */
  seq: number;
}

interface AppRecord {
  readonly id: string;
  kind: 'app' | 'pod';
  /** The definition as last read or posted; undefined while only its tasks' events are known. */
  def?: MarathonAppJson;
  /** One instance's launch built from `def` (count 0), or from a queue entry for pods. */
  template?: PendingLaunch;
  readonly tasks: Map<string, TaskRecord>;
  /** Instance id -> condition, for instances whose task is not launched yet or no longer counts. */
  readonly notLaunched: Map<string, string>;
  /**
   * Count taken from a `/v2/queue` read while events cannot say it: a deployment replacing
   * instances (RestartApplication), pods, a read that disagreed. Released when a read agrees.
   */
  held?: number;
  /** A `/v2/queue` read is wanted at the next cycle (backoff after a failure, a pod changed). */
  readWanted: boolean;
  /** The app's definition is to be read (`/v2/apps/{id}`): a deployment of a version we did not see. */
  defWanted: boolean;
  since?: number;
  backoffUntil?: number;
  rejections: Readonly<Record<string, number>>;
  /** Last event touching the app or its tasks. */
  seq: number;
  /** Gone (app_terminated_event, StopApplication) at this sequence number; kept so a read begun before does not revive it. */
  goneAt?: number;
}

/** A read's view of the queue against the model's, for the periodic check. */
export interface QueueDisagreement {
  readonly id: string;
  readonly model: number;
  readonly read: number;
}

const instanceOfTask = (taskId: string, instanceId: string): boolean => taskId.startsWith(`${instanceId}.`);
const timeOf = (ts: string | undefined, fallback: number): number => {
  const t = ts ? Date.parse(ts) : Number.NaN;
  return Number.isFinite(t) ? t : fallback;
};
const sameVersion = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && (a === b || Date.parse(a) === Date.parse(b));
const appDefinitionOf = (data: unknown): MarathonAppJson | undefined => {
  const r = appSchema.safeParse(typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['appDefinition'] : undefined);
  return r.success ? r.data : undefined;
};

/**
 * Marathon's launch queue kept from its event bus, without I/O. An app's waiting count is its
 * `instances` less its launched, live tasks, the rule `/v2/queue` follows once a deployment is
 * done (1.4-1.7 core/launchqueue/impl/TaskLauncherActor.scala `instancesToLaunch`, which the
 * scheduler tops up to `instances`; 1.8-1.10 LaunchStats.scala: instances Scheduled or
 * Provisioned). Definitions come from `/v2/apps` and `api_post_event`; tasks from
 * `status_update_event`. Where that rule does not hold (a rolling restart, pods, a backoff after a
 * failure) the app's count comes from a `/v2/queue` read until a read agrees with the rule again.
 * Every change carries a sequence number, so a read that began before a change does not undo it.
 */
export class QueueModel {
  readonly #apps = new Map<string, AppRecord>();
  #seq = 0;

  /** Sequence number of the last event applied; a read begun now passes it back when it lands. */
  get seq(): number {
    return this.#seq;
  }

  get appCount(): number {
    let n = 0;
    for (const a of this.#apps.values()) if (a.goneAt === undefined) n++;
    return n;
  }

  /** Ids of apps whose definition is to be read (`/v2/apps/{id}`). */
  definitionsWanted(): string[] {
    return [...this.#apps.values()].filter((a) => a.defWanted && a.goneAt === undefined).map((a) => a.id);
  }

  /**
   * True when the next cycle should read `/v2/queue`: an event could not say, or an app's count is
   * held (pods only when they changed: their counts always come from reads).
   */
  queueReadWanted(): boolean {
    for (const a of this.#apps.values()) if (a.goneAt === undefined && (a.readWanted || (a.held !== undefined && a.kind === 'app'))) return true;
    return false;
  }

  /** Apps whose count follows reads, not events (for status and logs). */
  heldApps(): string[] {
    return [...this.#apps.values()].filter((a) => a.goneAt === undefined && a.held !== undefined).map((a) => a.id);
  }

  /** Waiting count of an app: held from a read, else `instances` less launched live tasks. */
  count(id: string): number {
    const a = this.#apps.get(id);
    return a ? this.#count(a) : 0;
  }

  #count(a: AppRecord): number {
    if (a.goneAt !== undefined) return 0;
    if (a.held !== undefined) return a.held;
    return this.#derived(a) ?? 0;
  }

  /** The rule's count, undefined when it cannot be worked out (pods, an app known only from its tasks). */
  #derived(a: AppRecord): number | undefined {
    if (a.kind === 'pod' || !a.def) return undefined;
    let launched = 0;
    for (const [taskId, t] of a.tasks) {
      if (TERMINAL_TASK_STATES.has(t.state)) continue;
      let counted = true;
      for (const instanceId of a.notLaunched.keys()) if (instanceOfTask(taskId, instanceId)) counted = false;
      if (counted) launched++;
    }
    return Math.max(0, (a.def.instances ?? 1) - launched);
  }

  #record(id: string): AppRecord {
    let a = this.#apps.get(id);
    if (!a) {
      a = { id, kind: 'app', tasks: new Map(), notLaunched: new Map(), readWanted: false, defWanted: false, rejections: {}, seq: this.#seq };
      this.#apps.set(id, a);
    }
    return a;
  }

  #define(a: AppRecord, def: MarathonAppJson): void {
    a.def = def;
    a.kind = 'app';
    const t = launchFromApp(def, 0);
    if (t.ok) a.template = t.value;
  }

  /** Keeps `since` as Marathon's: set when an app starts waiting, cleared when nothing waits. */
  #settle(a: AppRecord, at: number): void {
    const c = this.#count(a);
    if (c === 0) delete a.since;
    else a.since ??= at;
  }

  /** Applies one event; `at` is its time when it carries none. */
  apply(e: MarathonEvent, at: number): void {
    const seq = ++this.#seq;
    switch (e.type) {
      case 'status_update_event': {
        const terminal = TERMINAL_TASK_STATES.has(e.taskStatus);
        const known = this.#apps.get(e.appId);
        // A task's end for an app we do not know (deleted, or never ours) changes no count.
        if ((!known || known.goneAt !== undefined) && terminal) return;
        const a = known && known.goneAt === undefined ? known : this.#revive(e.appId);
        a.seq = seq;
        a.tasks.set(e.taskId, { state: e.taskStatus, seq });
        if (FAILED_TASK_STATES.has(e.taskStatus)) a.readWanted = true;
        // Tasks of an app created without an api_post_event (a group change): its definition is read.
        if (!a.def && a.kind === 'app') a.defWanted = true;
        if (a.kind === 'pod') a.readWanted = true;
        this.#settle(a, timeOf(e.timestamp, at));
        return;
      }
      case 'instance_changed_event': {
        const a = this.#apps.get(e.runSpecId);
        if (!a || a.goneAt !== undefined) {
          // Scheduled instances of a run spec we do not know: a new app's (its api_post_event
          // brings the definition, often just after) or a pod's: read its definition if none came.
          if (e.condition === 'Scheduled' || e.condition === 'Provisioned') {
            const r = this.#revive(e.runSpecId);
            r.seq = seq;
            if (!r.def) r.defWanted = true;
          }
          return;
        }
        a.seq = seq;
        if (NOT_LAUNCHED_CONDITIONS.has(e.condition)) a.notLaunched.set(e.instanceId, e.condition);
        else a.notLaunched.delete(e.instanceId);
        if (a.kind === 'pod') a.readWanted = true;
        this.#settle(a, timeOf(e.timestamp, at));
        return;
      }
      case 'other': {
        // AppsResource.scala `maybePostEvent`: POST /v2/apps and PUT /v2/apps/{id} publish the
        // app's new definition (1.4-1.10); instances, resources and placement are all in it.
        if (e.eventType !== 'api_post_event') return;
        const def = appDefinitionOf(e.data);
        if (!def) return;
        const a = this.#revive(def.id);
        a.seq = seq;
        this.#define(a, def);
        a.defWanted = false;
        this.#settle(a, timeOf(undefined, at));
        return;
      }
      case 'app_terminated_event': {
        // DeploymentActor.scala (1.10) / MarathonSchedulerActor.scala (1.4): published once the app's instances are killed.
        this.#gone(e.appId, seq);
        return;
      }
      // The step's start says what it does (the step events repeat it).
      case 'deployment_info':
      case 'deployment_failed': {
        for (const action of e.actions ?? []) {
          if (action.pod) {
            const p = this.#revive(action.pod);
            p.kind = 'pod';
            p.seq = seq;
            p.readWanted = true;
            continue;
          }
          if (!action.app) continue;
          if (action.action === 'StopApplication') {
            if (e.type !== 'deployment_failed') this.#gone(action.app, seq);
            continue;
          }
          if (action.action === 'ResolveArtifacts') continue;
          const a = this.#revive(action.app);
          a.seq = seq;
          // A change we saw no api_post_event for (group updates, kill-and-scale): read the definition.
          if (!sameVersion(a.def?.version, e.planVersion)) a.defWanted = true;
          // A rolling restart queues new instances while old ones still run; a failed deployment
          // is rolled back or left half way: neither follows the rule until it is over.
          if (action.action === 'RestartApplication' || e.type === 'deployment_failed') a.readWanted = true;
          if (action.action === 'RestartApplication' && a.held === undefined) a.held = this.#count(a);
        }
        return;
      }
      case 'pod_created_event':
      case 'pod_updated_event':
      case 'pod_deleted_event': {
        // PodEvent carries only the URI (/v2/pods/{id}): a pod's waiting count comes from reads.
        const id = e.uri?.replace(/^\/v2\/pods/, '').replace(/::status$/, '');
        if (!id) return;
        const p = this.#revive(id);
        p.kind = 'pod';
        p.seq = seq;
        p.readWanted = true;
        return;
      }
      default:
        return;
    }
  }

  #revive(id: string): AppRecord {
    const a = this.#record(id);
    if (a.goneAt !== undefined) {
      delete a.goneAt;
      delete a.def;
      delete a.template;
      delete a.held;
      a.tasks.clear();
      a.notLaunched.clear();
      a.kind = 'app';
    }
    return a;
  }

  #gone(id: string, seq: number): void {
    const a = this.#record(id);
    a.goneAt = seq;
    a.seq = seq;
    a.tasks.clear();
    a.notLaunched.clear();
    delete a.since;
    delete a.held;
    a.readWanted = false;
    a.defWanted = false;
  }

  /**
   * A full read of `/v2/apps?embed=apps.tasks` begun at `startSeq`: definitions and tasks replace
   * the model's, except what events changed after the read began.
   */
  applyApps(apps: readonly MarathonAppJson[], startSeq: number): void {
    const seen = new Set<string>();
    for (const def of apps) {
      seen.add(def.id);
      this.#applyApp(def.id, def, startSeq);
    }
    for (const a of [...this.#apps.values()]) {
      if (seen.has(a.id) || a.seq > startSeq) continue;
      if (a.kind === 'pod' && a.goneAt === undefined) continue;
      this.#apps.delete(a.id);
    }
  }

  /** One app's definition and tasks as read (`/v2/apps/{id}`), or `missing` (404: gone, or a pod). */
  applyApp(id: string, def: MarathonAppJson | 'missing', startSeq: number): void {
    this.#applyApp(id, def, startSeq);
  }

  #applyApp(id: string, def: MarathonAppJson | 'missing', startSeq: number): void {
    const existing = this.#apps.get(id);
    if (existing && existing.goneAt !== undefined && existing.goneAt > startSeq) return;
    if (def === 'missing') {
      if (!existing || existing.seq > startSeq) {
        if (existing) existing.defWanted = false;
        return;
      }
      // No such app: a pod's tasks, or an app deleted since. A queue read says which.
      existing.defWanted = false;
      existing.kind = 'pod';
      existing.readWanted = true;
      return;
    }
    const a = existing && existing.goneAt === undefined ? existing : this.#revive(id);
    if (a.seq <= startSeq || !a.def) this.#define(a, def);
    a.defWanted = false;
    // Tasks as read, but for those an event changed after the read began.
    const read = new Map(def.tasks.map((t) => [t.id, t.state ?? 'TASK_STAGING']));
    for (const [taskId, t] of [...a.tasks]) if (t.seq <= startSeq && !read.has(taskId)) a.tasks.delete(taskId);
    for (const [taskId, state] of read) {
      const mine = a.tasks.get(taskId);
      if (!mine || mine.seq <= startSeq) a.tasks.set(taskId, { state, seq: startSeq });
    }
  }

  /**
   * A `/v2/queue` read begun at `startSeq`. Counts of apps no event touched since are compared
   * with the rule: equal releases a held count; different holds the read's count. With `check`,
   * the apps whose count followed events and differ are returned (the model missed something).
   */
  applyQueue(entries: readonly QueueEntry[], startSeq: number, at: number, check = false): QueueDisagreement[] {
    const disagree: QueueDisagreement[] = [];
    const byId = new Map(entries.map((q) => [q.launch.id, q]));
    for (const q of entries) {
      const existing = this.#apps.get(q.launch.id);
      if (existing?.goneAt !== undefined && existing.goneAt > startSeq) continue;
      const a = existing && existing.goneAt === undefined ? existing : this.#revive(q.launch.id);
      if (q.kind === 'pod') {
        a.kind = 'pod';
        a.template = { ...q.launch, count: 0 };
      } else if (q.app && !a.def) {
        // Known from the queue alone (an event missed, or a read that raced the app's creation):
        // its count is the read's until its tasks are read too.
        if (check && a.seq <= startSeq && a.held === undefined) disagree.push({ id: a.id, model: 0, read: q.launch.count });
        this.#define(a, q.app);
        a.defWanted = true;
        a.held = q.launch.count;
      }
    }
    for (const a of this.#apps.values()) {
      if (a.goneAt !== undefined) continue;
      const q = byId.get(a.id);
      const read = q?.launch.count ?? 0;
      a.rejections = q?.launch.rejections ?? {};
      if (q && q.backoffMs > 0) a.backoffUntil = at + q.backoffMs;
      else delete a.backoffUntil;
      if (a.seq > startSeq) {
        // Changed while the read was under way: the read may be older than the model.
        if (a.held !== undefined) a.held = read;
        continue;
      }
      a.readWanted = false;
      const derived = a.defWanted ? undefined : this.#derived(a);
      if (derived === read) delete a.held;
      else {
        if (check && a.held === undefined && derived !== undefined) disagree.push({ id: a.id, model: derived, read });
        a.held = read;
      }
      if (read > 0 && q?.launch.since !== undefined) a.since = q.launch.since;
      this.#settle(a, at);
    }
    return disagree;
  }

  /** The waiting launches, as `/v2/queue` would list them now. */
  pending(now: number): PendingLaunch[] {
    const out: PendingLaunch[] = [];
    for (const a of this.#apps.values()) {
      const count = this.#count(a);
      if (count === 0 || !a.template) continue;
      out.push({
        ...a.template,
        count,
        delayed: a.backoffUntil !== undefined && a.backoffUntil > now,
        ...(a.since !== undefined ? { since: a.since } : {}),
        rejections: a.rejections,
      });
    }
    return out.sort((x, y) => (x.since ?? 0) - (y.since ?? 0) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  /** Every known app's placement constraints (scale-down re-places running tasks with them). */
  appConstraints(): Map<string, readonly Constraint[]> {
    const out = new Map<string, readonly Constraint[]>();
    for (const a of this.#apps.values()) if (a.goneAt === undefined && a.kind === 'app' && a.template) out.set(a.id, a.template.constraints);
    return out;
  }

  /** Drops records of apps and tasks gone at or before `seq`: no read begun earlier is under way. */
  prune(seq: number): void {
    for (const a of [...this.#apps.values()]) {
      if (a.goneAt !== undefined && a.goneAt <= seq) {
        this.#apps.delete(a.id);
        continue;
      }
      for (const [taskId, t] of [...a.tasks]) if (t.seq <= seq && TERMINAL_TASK_STATES.has(t.state)) a.tasks.delete(taskId);
    }
  }
}
