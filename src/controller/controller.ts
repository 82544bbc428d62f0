import type { Config } from '../config/schema.js';
import type { Plan } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { Move } from '../model/drain.js';
import { formatMachine } from '../model/machine.js';
import { recordOutcome, step } from '../planner/step.js';
import type { ControllerState, GroupMemory } from '../planner/state.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import { CLOUD_RETRIES, DEFAULT_RETRY, withRetry, type RetryOptions } from '../util/retry.js';
import { ProviderError } from '../providers/provider.js';
import { alwaysLeader, type Bindings, type Leadership } from './bindings.js';
import type { ActionRecord, CycleReport, Drainer, Observer } from '../model/ports.js';

export interface ControllerOptions {
  readonly config: Config;
  readonly observer: Observer;
  readonly bindings: Bindings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly drainer?: Drainer;
  readonly leadership?: Leadership;
  readonly retry?: RetryOptions;
  /** Quiet period after an event before the triggered cycle runs. */
  readonly debounceMs?: number;
}

/** Observe, plan, act: one cycle at a time, on a timer and on demand. */
export class Controller {
  private state: ControllerState = { groups: {} };
  private readonly listeners: ((r: CycleReport) => void)[] = [];
  private running: Promise<CycleReport> | undefined;
  private wake: (() => void) | undefined;
  private triggered = false;
  private lastSnapshot: ClusterSnapshot | undefined;

  constructor(private readonly o: ControllerOptions) {}

  private get retry(): RetryOptions {
    return this.o.retry ?? DEFAULT_RETRY;
  }

  /** The config the step sees: without a drainer, chosen instances are deleted without a drain. */
  private get config(): Config {
    return this.o.drainer || !this.o.config.drain ? this.o.config : { ...this.o.config, drain: false };
  }

  private get leadership(): Leadership {
    return this.o.leadership ?? alwaysLeader;
  }

  onCycle(listener: (r: CycleReport) => void): void {
    this.listeners.push(listener);
  }

  memory(group: string): GroupMemory {
    return this.state.groups[group] ?? {};
  }

  setPaused(group: string, paused: boolean): boolean {
    if (!this.o.config.groups.some((g) => g.name === group)) return false;
    this.setMemory(group, { ...this.memory(group), paused });
    return true;
  }

  snapshot(): ClusterSnapshot | undefined {
    return this.lastSnapshot;
  }

  /** A plan for the current cluster that changes nothing. */
  async dryRun(): Promise<Plan | { error: string }> {
    const now = this.o.clock.now();
    const observed = await this.o.observer.observe(now);
    if (!observed.ok) return { error: observed.error.message };
    return step(observed.value, this.config, this.state, now).plan;
  }

  /**
   * The plan the last cycle's observation gives now, read from memory only: no Mesos, Marathon or
   * cloud call (why: /api/plan is unauthenticated and must not cost the cluster a read per request).
   * Undefined until a cycle has observed the cluster.
   */
  planFromLastSnapshot(): Plan | undefined {
    return this.lastSnapshot && step(this.lastSnapshot, this.config, this.state, this.o.clock.now()).plan;
  }

  /** Runs one cycle; concurrent calls share the cycle in progress. */
  cycle(): Promise<CycleReport> {
    this.running ??= this.runCycle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Asks for a cycle soon (debounced), e.g. after a Mesos or Marathon event. */
  trigger(): void {
    this.triggered = true;
    this.wake?.();
  }

  /** Cycles until the signal aborts: every `timer` seconds, sooner when triggered. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.cycle();
      await this.waitForNext(signal);
    }
  }

  private async waitForNext(signal: AbortSignal): Promise<void> {
    const { clock, config } = this.o;
    // Aborted during the cycle: a listener added now would never fire, and the loop would sleep a whole timer.
    if (signal.aborted) return;
    if (!this.triggered) {
      const ac = new AbortController();
      const abort = (): void => ac.abort();
      signal.addEventListener('abort', abort, { once: true });
      this.wake = abort;
      await clock.sleep(config.timer * 1000, ac.signal);
      this.wake = undefined;
      signal.removeEventListener('abort', abort);
    }
    if (this.triggered && !signal.aborted) {
      await clock.sleep(this.o.debounceMs ?? 200, signal);
      this.triggered = false;
    }
  }

  private setMemory(group: string, memory: GroupMemory): void {
    this.state = { groups: { ...this.state.groups, [group]: memory } };
  }

  private emit(report: CycleReport): CycleReport {
    for (const l of this.listeners) l(report);
    return report;
  }

  private async runCycle(): Promise<CycleReport> {
    const { clock, logger } = this.o;
    const started = clock.now();
    const observed = await this.o.observer.observe(started);
    if (!observed.ok) {
      logger.warn({ kind: observed.error.kind, err: observed.error.message }, 'observation failed: no scaling action this cycle');
      return this.emit({ at: started, durationMs: clock.now() - started, error: observed.error, actions: [] });
    }
    const snapshot = observed.value;
    this.lastSnapshot = snapshot;
    const now = clock.now();
    const { plan, next } = step(snapshot, this.config, this.state, now);
    this.state = next;
    if (plan.skipped) {
      logger.warn({ reason: plan.skipped }, 'plan skipped: no scaling action this cycle');
      return this.emit({ at: started, durationMs: clock.now() - started, plan, actions: [], error: { kind: 'mesos-stale', message: plan.skipped } });
    }
    for (const g of plan.groups) {
      logger.info({ group: g.group, current: g.current, target: g.target, direction: g.direction, figures: g.figures, reasons: g.reasons, removals: g.removals }, `decision ${g.group}: ${g.direction} ${g.current} -> ${g.target}`);
    }
    for (const d of plan.drains ?? []) logger.debug({ drain: d }, `drain of ${formatMachine(d.machine)}: ${d.phase}, next ${d.next}`);
    const actions = await this.execute(plan.moves ?? [], now);
    return this.emit({ at: started, durationMs: clock.now() - started, plan, actions });
  }

  /** Carries the step's moves out in order and records each outcome; never decides anything. */
  private async execute(moves: readonly Move[], now: number): Promise<ActionRecord[]> {
    const { logger, config } = this.o;
    const out: ActionRecord[] = [];
    /** Groups where a delete failed this cycle: their size was planned as if it had lowered the cloud's desired size. */
    const deleteFailed = new Set<string>();
    for (const move of moves) {
      const detail = describeMove(move);
      const record = (ok: boolean, extra = ''): ActionRecord => ({ at: now, group: move.group, kind: move.kind, detail: extra ? `${detail}: ${extra}` : detail, ok, dryRun: config.dryRun });
      if (move.kind === 'set-size' && deleteFailed.has(move.group)) {
        // Setting the size the plan meant would lower the cloud's desired size below its instances,
        // and the cloud would pick which to remove (chaos seed 5 episode 124: one running tasks).
        logger.warn({ group: move.group, move: move.kind }, `${detail} skipped: a delete in the group failed first; sized again next cycle`);
        out.push(record(false, 'skipped: a delete in the group failed first; sized again next cycle'));
        continue;
      }
      if (config.dryRun) {
        const would = move.kind === 'set-size' ? `set size ${move.to} (from ${move.from})` : detail;
        logger.info({ group: move.group, detail: would }, `dry run: would ${would}`);
        out.push({ ...record(true), detail: would });
        continue;
      }
      // Checked right before every call: a deposed leader must not issue one.
      if (!this.leadership.isLeader()) {
        logger.info({ group: move.group }, 'not the leader: no action');
        break;
      }
      // Each call is tagged with the leadership term it was made in.
      const term = this.leadership.term();
      try {
        await this.perform(move, now);
        this.state = recordOutcome(this.state, move, true, now);
        logger.info({ group: move.group, move: move.kind, term }, `${detail} (${move.reason})`);
        out.push({ ...record(true), detail: `${detail} (term ${term})` });
      } catch (e) {
        const retryAfterMs = retryAfterOf(e);
        this.state = recordOutcome(this.state, move, false, now, retryAfterMs === undefined ? {} : { retryAfterMs });
        if (retryAfterMs !== undefined) logger.warn({ group: move.group, move: move.kind, retryAfterMs }, `the cloud asked to wait ${Math.ceil(retryAfterMs / 1000)} s: group ${move.group} backed off until then`);
        logger.error({ group: move.group, move: move.kind, err: errorMessage(e) }, `${detail} failed; retried in a later cycle`);
        if (move.kind === 'delete') deleteFailed.add(move.group);
        out.push(record(false, errorMessage(e)));
      }
    }
    return out;
  }

  private async perform(move: Move, now: number): Promise<void> {
    const binding = this.o.bindings.get(move.group);
    const drainer = this.o.drainer;
    switch (move.kind) {
      case 'set-size':
        if (!binding) throw new Error(`no cloud binding for group ${move.group}`);
        return this.cloud(() => binding.provider.setDesiredSize(binding.ref, move.to), move.group, 'setDesiredSize');
      case 'delete':
        if (!binding) throw new Error(`no cloud binding for group ${move.group}`);
        return this.cloud(() => binding.provider.deleteInstances(binding.ref, [move.instanceId]), move.group, 'deleteInstances');
      case 'drain':
        if (drainer && move.method === 'drain-agent') return withRetry(() => drainer.drainAgent(move.agentId, move.graceMs), this.retry);
        if (drainer) return withRetry(() => drainer.start(move.machine, now), this.retry);
        // Draining turned off: the chosen instance is deleted at once.
        if (!binding) throw new Error(`no cloud binding for group ${move.group}`);
        return this.cloud(() => binding.provider.deleteInstances(binding.ref, [move.instanceId]), move.group, 'deleteInstances');
      case 'down':
        if (!drainer) throw new Error('no drainer configured');
        return withRetry(() => drainer.down(move.machine), this.retry);
      case 'finish':
        if (!drainer) throw new Error('no drainer configured');
        return withRetry(() => drainer.finish(move.machine), this.retry);
    }
  }

  /**
   * One cloud call of a move: few retries here (CLOUD_RETRIES), since the provider's SDK retries
   * inside it and every call already has an overall deadline (providers/deadline.ts); a 429 with a
   * long Retry-After is not retried at all (util/retry.ts `retryNow`) but backs the group off.
   */
  private cloud<T>(fn: () => Promise<T>, group: string, op: string): Promise<T> {
    const retry = { ...this.retry, retries: Math.min(this.retry.retries, CLOUD_RETRIES) };
    return withRetry(fn, retry, (error, attempt) => this.o.logger.warn({ group, op, attempt, err: error.message }, 'cloud call failed; retrying'));
  }
}

/** The wait a cloud asked for (ProviderError.retryAfterMs), if the failure carries one. */
function retryAfterOf(e: unknown): number | undefined {
  return e instanceof ProviderError && e.retryAfterMs !== undefined && e.retryAfterMs > 0 ? e.retryAfterMs : undefined;
}

/** One line a person reads for a move. */
export function describeMove(m: Move): string {
  switch (m.kind) {
    case 'set-size':
      return `set size ${m.from} -> ${m.to}`;
    case 'drain':
      return `${m.method === 'drain-agent' ? 'DRAIN_AGENT' : 'drain'} ${formatMachine(m.machine)} (instance ${m.instanceId})`;
    case 'down':
      return `machine down ${formatMachine(m.machine)}`;
    case 'delete':
      return `delete instance ${m.instanceId}${m.machine ? ` (${formatMachine(m.machine)})` : ''}`;
    case 'finish':
      return `clear maintenance of ${formatMachine(m.machine)}`;
  }
}
