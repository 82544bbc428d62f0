import { Registry, collectDefaultMetrics } from 'prom-client';
import type { LeaderStatus } from '../controller/leader-gate.js';
import type { ActionRecord, CycleReport, ObserveError } from '../model/ports.js';
import type { PendingLaunch } from '../model/pending.js';
import type { Direction, GroupPlan, Plan } from '../model/plan.js';
import { QUEUE_RESYNC_REASONS, type QueueResyncReason } from '../marathon/queue-model.js';
import { packageVersion } from '../util/version.js';
import { readFigures } from './figures.js';
import { createMetricSet, type MetricSet } from './metric-set.js';

export { METRIC_PREFIX } from './metric-set.js';

/** Mesos reports memory and disk in MiB; metrics carry bytes. */
const MIB = 1024 * 1024;

const DIRECTIONS: readonly Direction[] = ['up', 'down', 'none'];
const RESULTS = ['ok', 'error', 'dry_run'] as const;
const CYCLE_RESULTS = ['ok', 'failed', 'skipped'] as const;
const ACTION_KINDS: readonly ActionRecord['kind'][] = ['set-size', 'drain', 'down', 'delete', 'finish'];
const OBSERVE_KINDS: readonly ObserveError['kind'][] = ['mesos-unreachable', 'mesos-malformed', 'mesos-stale', 'marathon', 'provider'];
/** Every error kind the service counts (cli/service.ts), so each series exists from the first scrape at 0. */
export const ERROR_KINDS: readonly string[] = [...OBSERVE_KINDS, 'prometheus', 'cloud-deadline', 'mesos-stream', 'marathon-stream', ...ACTION_KINDS.map((k) => `action-${k}`)];
/** The provider calls timed by controller/timing.ts. */
const CLOUD_OPERATIONS = ['describe', 'setDesiredSize', 'deleteInstances'] as const;
/** Resources counted in units (not bytes) in `waiting_resources`. */
const COUNTED = ['cpus', 'gpus', 'ports'] as const;

/** A group as configured: its labels start at zero and its bounds are exported. */
export interface MetricGroup {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Provider kind (`azure-vmss`, ...): its call histograms start at zero too. */
  readonly provider?: string;
}

export interface MetricsOptions {
  /** Also export the standard process and Node.js metrics (unprefixed, as every exporter names them). Default true. */
  readonly processMetrics?: boolean;
  readonly groups?: readonly MetricGroup[];
  /** Read at each scrape for `is_leader`. Without it, this replica counts as leader (single replica). */
  readonly leader?: () => LeaderStatus;
  /** Read at each scrape for `group_paused`. */
  readonly paused?: (group: string) => boolean;
  /** For `build_info`; package.json's version by default. */
  readonly version?: string;
}

/**
 * Prometheus metrics on a registry of their own, so tests and several instances in
 * one process never collide in prom-client's global registry.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #known = new Set<string>();
  readonly #c: MetricSet['counters'];
  readonly #g: MetricSet['gauges'];
  readonly #h: MetricSet['histograms'];

  constructor(options: MetricsOptions = {}) {
    const groups = options.groups ?? [];
    const set = createMetricSet(this.registry, { leader: options.leader, paused: options.paused, known: this.#known });
    this.#c = set.counters;
    this.#g = set.gauges;
    this.#h = set.histograms;
    this.#g.build.set({ version: options.version ?? packageVersion(), nodejs_version: process.version }, 1);
    for (const r of CYCLE_RESULTS) this.#c.cycles.inc({ result: r }, 0);
    for (const kind of ERROR_KINDS) this.#c.errors.inc({ kind }, 0);
    for (const reason of QUEUE_RESYNC_REASONS) this.#c.queueResyncs.inc({ reason }, 0);
    this.#g.unplaceable.set(0);
    this.#g.waitingSince.set(0);
    // Histograms of the calls every cycle makes, at zero from the first scrape (timing.ts names them).
    this.#h.mesos.zero({ endpoint: 'agents' });
    this.#h.marathon.zero({ endpoint: 'queue' });
    for (const provider of new Set(groups.flatMap((g) => (g.provider ? [g.provider] : []))))
      for (const operation of CLOUD_OPERATIONS) this.#h.cloud.zero({ provider, operation });
    for (const g of groups) {
      this.#know(g.name);
      this.#g.min.set({ group: g.name }, g.min);
      this.#g.max.set({ group: g.name }, g.max);
    }
    // Unprefixed, so the standard process/Node.js dashboards find them (prom-client's defaults).
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Updates everything a cycle report tells: decisions, gauges from the plan's figures, drains, actions, errors, duration. */
  recordCycle(report: CycleReport, pending?: readonly PendingLaunch[]): void {
    this.#h.loop.observe(report.durationMs / 1000);
    if (report.error) this.#c.errors.inc({ kind: report.error.kind });
    this.#c.cycles.inc({ result: !report.plan ? 'failed' : report.plan.skipped ? 'skipped' : 'ok' });
    const plan = report.plan;
    if (plan && !plan.skipped) {
      this.#g.lastSuccess.set(report.at / 1000);
      this.#recordPlan(plan);
      if (pending) this.#g.waitingSince.set(oldestWaitSeconds(pending, report.at));
    }
    const directions = new Map<string, Direction>(plan?.groups.map((g) => [g.group, g.direction]) ?? []);
    const moves = plan?.moves ?? [];
    report.actions.forEach((a, i) => {
      this.#know(a.group);
      this.#c.actions.inc({ group: a.group, direction: actionDirection(a, directions.get(a.group)), result: a.dryRun ? 'dry_run' : a.ok ? 'ok' : 'error' });
      if (!a.ok) this.#c.errors.inc({ kind: `action-${a.kind}` });
      if (!a.ok || a.dryRun) return;
      const move = moves[i];
      if (a.kind === 'set-size' && move?.kind === 'set-size' && move.group === a.group && move.to > move.from) this.#c.scaledUp.inc({ group: a.group }, move.to - move.from);
      if (a.kind === 'delete') this.#c.scaledDown.inc({ group: a.group });
    });
  }

  /** Duration of one Mesos master call. */
  observeMesos(endpoint: string, seconds: number): void {
    this.#h.mesos.observe({ endpoint }, seconds);
  }

  /** Duration of one Marathon call (its own metric: another service, other latencies). */
  observeMarathon(endpoint: string, seconds: number): void {
    this.#h.marathon.observe({ endpoint }, seconds);
  }

  /** Duration of one cloud provider call. */
  observeCloud(provider: string, operation: string, seconds: number): void {
    this.#h.cloud.observe({ provider, operation }, seconds);
  }

  /** One re-read of Marathon by the event-fed launch queue (marathon/queue-from-events.ts). */
  marathonQueueResync(reason: QueueResyncReason): void {
    this.#c.queueResyncs.inc({ reason });
  }

  /** Counts an error that no cycle report carries (streams, deadlines, signals). */
  error(kind: string): void {
    this.#c.errors.inc({ kind });
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A group's counters exist at 0 from the first scrape, so rate() and alerts see them start. */
  #know(group: string): void {
    if (this.#known.has(group)) return;
    this.#known.add(group);
    for (const direction of DIRECTIONS) {
      this.#c.decisions.inc({ group, direction }, 0);
      for (const result of RESULTS) this.#c.actions.inc({ group, direction, result }, 0);
    }
    this.#c.scaledUp.inc({ group }, 0);
    this.#c.scaledDown.inc({ group }, 0);
    for (const g of [this.#g.drains, this.#g.drainAge, this.#g.ghosts, this.#g.pending, this.#g.booting]) g.set({ group }, 0);
  }

  #recordPlan(plan: Plan): void {
    for (const gp of plan.groups) this.#recordGroup(gp);
    const drains = new Map<string, { n: number; oldestMs: number }>();
    for (const d of plan.drains ?? []) {
      const e = drains.get(d.group) ?? { n: 0, oldestMs: 0 };
      drains.set(d.group, { n: e.n + 1, oldestMs: Math.max(e.oldestMs, d.watchedMs) });
    }
    const ghosts = new Map<string, number>();
    for (const g of plan.ghosts ?? []) ghosts.set(g.group, (ghosts.get(g.group) ?? 0) + 1);
    for (const group of [...drains.keys(), ...ghosts.keys()]) this.#know(group);
    for (const group of this.#known) {
      this.#g.drains.set({ group }, drains.get(group)?.n ?? 0);
      this.#g.drainAge.set({ group }, (drains.get(group)?.oldestMs ?? 0) / 1000);
      this.#g.ghosts.set({ group }, ghosts.get(group) ?? 0);
    }
    this.#g.unplaceable.set(plan.groups[0]?.figures['pending.unplaceable'] ?? 0);
  }

  #recordGroup(gp: GroupPlan): void {
    const group = gp.group;
    this.#know(group);
    const f = readFigures(gp.figures);
    this.#c.decisions.inc({ group, direction: gp.direction });
    this.#g.desired.set({ group }, gp.target);
    this.#g.actual.set({ group }, f.activeNodes ?? gp.current);
    this.#g.booting.set({ group }, gp.figures['nodes.provisioning'] ?? 0);
    this.#g.pending.set({ group }, f.pendingInstances ?? 0);
    for (const [resource, v] of Object.entries(f.utilization)) this.#g.utilization.set({ group, resource }, v);
    for (const resource of COUNTED) {
      const v = f.waiting[resource];
      if (v !== undefined) this.#g.waiting.set({ group, resource }, v);
    }
    if (f.waiting.mem !== undefined) this.#g.waitingMem.set({ group }, f.waiting.mem * MIB);
    if (f.waiting.disk !== undefined) this.#g.waitingDisk.set({ group }, f.waiting.disk * MIB);
  }
}

/** Seconds since the longest-waiting launch started waiting; Marathon's delayed launches wait for a backoff, not capacity. */
function oldestWaitSeconds(pending: readonly PendingLaunch[], now: number): number {
  let oldest = now;
  for (const p of pending) if (!p.delayed && p.count > 0 && p.since !== undefined) oldest = Math.min(oldest, p.since);
  return Math.max(0, (now - oldest) / 1000);
}

/** Drains and deletions shrink a group; a size change goes where the plan went; the other drain steps change no size. */
function actionDirection(a: ActionRecord, planned: Direction | undefined): Direction {
  switch (a.kind) {
    case 'drain':
    case 'delete':
      return 'down';
    case 'down':
    case 'finish':
      return 'none';
    case 'set-size':
      return planned ?? 'none';
  }
}
