import type { CycleReport } from '../controller/ports.js';
import type { GroupPlan, Plan } from '../model/plan.js';
import { AlwaysLeader, type DescribedGate } from '../controller/leader-gate.js';
import { scrub, type Secret } from '../util/secret.js';
import { readFigures } from './figures.js';
import type {
  AutoscalerHandle,
  CycleSummary,
  EventLevel,
  GroupPlanView,
  GroupStatus,
  HistoryPoint,
  InFlightOperation,
  StatusEvent,
  SourcesView,
  StatusView,
} from './handle.js';
import { RingBuffer } from './ring-buffer.js';

/** The few facts about a group the status page shows; copied field by field so nothing else is kept. */
export interface GroupInfo {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

export interface StatusStoreOptions {
  readonly groups: readonly GroupInfo[];
  readonly gate?: DescribedGate;
  /** Removed from every message kept (errors can quote URLs or SDK output). See `collectSecrets`. */
  readonly secrets?: readonly (Secret | undefined)[];
  readonly dryRun?: boolean;
  /** Cycles kept per group for the charts (default 720: 12 h at a 60 s timer). */
  readonly historyLength?: number;
  readonly eventsLength?: number;
  /** The leader is ready while its last good cycle is at most this old (default 5 min). */
  readonly readyWithinMs?: number;
  readonly now?: () => number;
  /** Read at each view: the event-fed models' own status (cli/service.ts). */
  readonly sources?: () => SourcesView;
}

interface GroupEntry {
  readonly info: GroupInfo;
  plan?: GroupPlanView;
  readonly history: RingBuffer<HistoryPoint>;
}

/**
 * What the controller feeds after each cycle and the server reads: last plan per
 * group, bounded history of capacity against demand, recent events, operations in
 * flight, paused groups. Produces StatusView.
 */
export class StatusStore {
  readonly #groups = new Map<string, GroupEntry>();
  readonly #events: RingBuffer<StatusEvent>;
  readonly #paused = new Set<string>();
  readonly #gate: DescribedGate;
  readonly #secrets: readonly (Secret | undefined)[];
  readonly #now: () => number;
  readonly #readyWithinMs: number;
  readonly #dryRun: boolean;
  readonly #startedAt: number;
  readonly #sources: (() => SourcesView) | undefined;
  #inFlight: readonly InFlightOperation[] = [];
  #lastCycle: CycleSummary | undefined;
  #lastSuccessAt: number | undefined;
  #cycles = 0;
  #seq = 0;

  constructor(options: StatusStoreOptions) {
    const historyLength = options.historyLength ?? 720;
    for (const g of options.groups)
      this.#groups.set(g.name, { info: { name: g.name, min: g.min, max: g.max }, history: new RingBuffer(historyLength) });
    this.#events = new RingBuffer(options.eventsLength ?? 200);
    this.#gate = options.gate ?? new AlwaysLeader();
    this.#secrets = options.secrets ?? [];
    this.#now = options.now ?? Date.now;
    this.#readyWithinMs = options.readyWithinMs ?? 5 * 60_000;
    this.#dryRun = options.dryRun ?? false;
    this.#startedAt = this.#now();
    this.#sources = options.sources;
  }

  knows(group: string): boolean {
    return this.#groups.has(group);
  }

  /** Takes in one cycle's report: plan, history point, events for changes, errors and actions. */
  record(report: CycleReport): void {
    this.#cycles++;
    const ok = !report.error;
    if (ok) this.#lastSuccessAt = report.at;
    this.#lastCycle = {
      at: report.at,
      durationMs: report.durationMs,
      ok,
      ...(report.error ? { error: { kind: report.error.kind, message: this.#clean(report.error.message) } } : {}),
      ...(report.plan?.skipped ? { skipped: this.#clean(report.plan.skipped) } : {}),
      ...(this.#lastSuccessAt !== undefined ? { lastSuccessAt: this.#lastSuccessAt } : {}),
      cycles: this.#cycles,
    };
    if (report.error) this.event('error', `observation failed (${report.error.kind}): ${report.error.message}`, undefined, report.at);
    if (report.plan) this.#recordPlan(report.plan, report.at);
    for (const a of report.actions)
      this.event(a.ok ? 'info' : 'error', `${a.dryRun ? '[dry run] ' : ''}${a.kind} ${a.ok ? 'done' : 'failed'}: ${a.detail}`, a.group, a.at);
  }

  /** Adds a line to the event log (leadership changes, pauses, ...). */
  event(level: EventLevel, message: string, group?: string, at: number = this.#now()): void {
    this.#events.push({ seq: ++this.#seq, at, level, message: this.#clean(message), ...(group !== undefined ? { group } : {}) });
  }

  /** Replaces the list of operations in flight (the controller owns the truth). */
  setInFlight(ops: readonly InFlightOperation[]): void {
    this.#inFlight = ops.map((o) => ({ group: o.group, kind: o.kind, detail: this.#clean(o.detail), since: o.since }));
  }

  /** Mirrors the controller's paused flag; false for an unknown group. */
  setPaused(group: string, paused: boolean): boolean {
    if (!this.#groups.has(group)) return false;
    const changed = paused !== this.#paused.has(group);
    if (paused) this.#paused.add(group);
    else this.#paused.delete(group);
    if (changed) this.event('warn', paused ? 'scaling paused' : 'scaling resumed', group);
    return true;
  }

  isPaused(group: string): boolean {
    return this.#paused.has(group);
  }

  /** Leader: its last good cycle is recent. Follower: standing by is ready. Joining or stopped: not ready. */
  ready(): boolean {
    const role = this.#gate.describe().role;
    if (role === 'follower') return true;
    if (role !== 'leader') return false;
    return this.#lastSuccessAt !== undefined && this.#now() - this.#lastSuccessAt <= this.#readyWithinMs;
  }

  view(): StatusView {
    const groups: GroupStatus[] = [...this.#groups.values()].map((g) => ({
      name: g.info.name,
      min: g.info.min,
      max: g.info.max,
      paused: this.#paused.has(g.info.name),
      ...(g.plan ? { plan: g.plan } : {}),
      history: g.history.toArray(),
    }));
    return {
      now: this.#now(),
      startedAt: this.#startedAt,
      ready: this.ready(),
      dryRun: this.#dryRun,
      leader: this.#gate.describe(),
      ...(this.#lastCycle ? { lastCycle: this.#lastCycle } : {}),
      groups,
      inFlight: this.#inFlight,
      events: this.#events.toArray(),
      paused: [...this.#paused].sort(),
      ...(this.#sources ? { sources: this.#sources() } : {}),
    };
  }

  #recordPlan(plan: Plan, at: number): void {
    if (plan.skipped) this.event('warn', `cycle took no action: ${plan.skipped}`, undefined, at);
    for (const gp of plan.groups) {
      const entry = this.#groups.get(gp.group);
      if (!entry) continue;
      const before = entry.plan;
      entry.plan = this.#planView(gp, plan.at);
      entry.history.push(historyPoint(gp, at));
      const changed = !before || before.direction !== gp.direction || before.target !== gp.target;
      if (changed && gp.direction !== 'none')
        this.event('info', `plan: ${gp.direction === 'up' ? 'scale up' : 'scale down'} ${gp.current} → ${gp.target}: ${gp.reasons[0] ?? ''}`, gp.group, at);
    }
  }

  #planView(gp: GroupPlan, at: number): GroupPlanView {
    return {
      at,
      current: gp.current,
      target: gp.target,
      direction: gp.direction,
      reasons: gp.reasons.map((r) => this.#clean(r)),
      figures: { ...gp.figures },
      removals: gp.removals.map((r) => ({
        agentId: String(r.agentId),
        hostname: r.hostname,
        ...(r.instanceId !== undefined ? { instanceId: r.instanceId } : {}),
        reason: this.#clean(r.reason),
      })),
    };
  }

  #clean(text: string): string {
    return scrub(text, this.#secrets);
  }
}

function historyPoint(gp: GroupPlan, at: number): HistoryPoint {
  const f = readFigures(gp.figures);
  return { at, nodes: f.activeNodes ?? gp.current, target: gp.target, pending: f.pendingInstances ?? 0, util: f.utilization };
}

export interface HandleParts {
  readonly store: StatusStore;
  readonly dryRun: () => Promise<Plan>;
  /** The controller's own pause switch; the store mirrors it. Without one, only the store records the pause. */
  readonly setPaused?: (group: string, paused: boolean) => boolean;
}

/** An AutoscalerHandle over a StatusStore, for the controller to hand to the server. */
export function createHandle(parts: HandleParts): AutoscalerHandle {
  const { store } = parts;
  const set = (group: string, paused: boolean): boolean => {
    if (!store.knows(group)) return false;
    if (parts.setPaused && !parts.setPaused(group, paused)) return false;
    return store.setPaused(group, paused);
  };
  return {
    status: () => store.view(),
    dryRun: parts.dryRun,
    pause: (group) => set(group, true),
    resume: (group) => set(group, false),
    isReady: () => store.ready(),
  };
}
