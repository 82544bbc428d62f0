import type { Config } from '../config/schema.js';
import type { GroupPlan, Plan } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { viewGroup } from '../planner/group-view.js';
import { plan as makePlan } from '../planner/planner.js';
import { settleInFlight } from '../planner/reconcile.js';
import { trackUnneeded } from '../planner/unneeded.js';
import type { ControllerState, GroupMemory } from '../planner/state.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from '../util/retry.js';
import { alwaysLeader, type Bindings, type Leadership } from './bindings.js';
import type { ActionRecord, CycleReport, Drainer, Observer } from './ports.js';
import { DrainManager } from './drain-manager.js';

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
  private readonly drains: DrainManager | undefined;
  private lastSnapshot: ClusterSnapshot | undefined;

  constructor(private readonly o: ControllerOptions) {
    this.drains = o.drainer ? new DrainManager(o.drainer, o.bindings, o.config, o.logger, this.retry) : undefined;
  }

  private get retry(): RetryOptions {
    return this.o.retry ?? DEFAULT_RETRY;
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
    return makePlan(observed.value, this.o.config, this.state, now);
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
    const { clock, logger, config } = this.o;
    const started = clock.now();
    const observed = await this.o.observer.observe(started);
    if (!observed.ok) {
      logger.warn({ kind: observed.error.kind, err: observed.error.message }, 'observation failed: no scaling action this cycle');
      return this.emit({ at: started, durationMs: clock.now() - started, error: observed.error, actions: [] });
    }
    const snapshot = observed.value;
    this.lastSnapshot = snapshot;
    const now = clock.now();
    this.settle(snapshot, now);
    const actions: ActionRecord[] = [];
    if (this.drains) actions.push(...(await this.drains.progress(snapshot, now, this.canAct())));

    const plan = makePlan(snapshot, config, this.state, now);
    if (plan.skipped) {
      logger.warn({ reason: plan.skipped }, 'plan skipped: no scaling action this cycle');
      return this.emit({ at: started, durationMs: clock.now() - started, plan, actions, error: { kind: 'mesos-stale', message: plan.skipped } });
    }
    for (const g of plan.groups) {
      logger.info({ group: g.group, current: g.current, target: g.target, direction: g.direction, figures: g.figures, reasons: g.reasons, removals: g.removals }, `decision ${g.group}: ${g.direction} ${g.current} -> ${g.target}`);
      if (g.direction === 'none') continue;
      actions.push(...(await this.act(g, snapshot, now)));
    }
    return this.emit({ at: started, durationMs: clock.now() - started, plan, actions });
  }

  private canAct(): boolean {
    return !this.o.config.dryRun && this.leadership.isLeader();
  }

  /** Clears in-flight changes that Mesos now reflects, or that timed out. */
  private settle(snapshot: ClusterSnapshot, now: number): void {
    for (const g of this.o.config.groups) {
      const memory = this.memory(g.name);
      const view = viewGroup(snapshot, g);
      const settled = settleInFlight(memory, view, now);
      if (settled.status === 'done') this.o.logger.info({ group: g.name }, 'last change reached Mesos');
      if (settled.status === 'timed-out') this.o.logger.warn({ group: g.name, inFlight: memory.inFlight }, 'last change did not reach Mesos in time; backing off');
      this.setMemory(g.name, trackUnneeded(settled.memory, view, now));
    }
  }

  private async act(g: GroupPlan, snapshot: ClusterSnapshot, now: number): Promise<ActionRecord[]> {
    const { logger, config } = this.o;
    const binding = this.o.bindings.get(g.group);
    const groupConfig = config.groups.find((c) => c.name === g.group);
    if (!binding || !groupConfig) return [];
    const record = (kind: ActionRecord['kind'], detail: string, ok: boolean): ActionRecord => ({ at: now, group: g.group, kind, detail, ok, dryRun: config.dryRun });
    if (config.dryRun) {
      const detail = g.direction === 'up' ? `set size ${g.target}` : `remove ${g.removals.map((r) => `${r.hostname} (instance ${r.instanceId})`).join(', ')}`;
      logger.info({ group: g.group, detail }, `dry run: would ${detail}`);
      return [record(g.direction === 'up' ? 'set-size' : 'delete', detail, true)];
    }
    // Checked right before acting: a deposed leader must not issue a call.
    if (!this.leadership.isLeader()) {
      logger.info({ group: g.group }, 'not the leader: no action');
      return [];
    }
    const activeAgents = viewGroup(snapshot, groupConfig).capacity.length;
    if (g.direction === 'up') {
      const detail = `set size ${g.current} -> ${g.target} (term ${this.leadership.term()})`;
      try {
        await this.cloud(() => binding.provider.setDesiredSize(binding.ref, g.target), g.group, 'setDesiredSize');
        this.setMemory(g.group, {
          ...this.memory(g.group),
          lastScaleUpAt: now,
          inFlight: { direction: 'up', target: g.target, expectAgents: activeAgents + (g.target - g.current), since: now },
        });
        logger.info({ group: g.group, target: g.target }, `scaled up ${g.group} to ${g.target}`);
        return [record('set-size', detail, true)];
      } catch (e) {
        logger.error({ group: g.group, err: errorMessage(e) }, 'scale-up failed');
        return [record('set-size', `${detail}: ${errorMessage(e)}`, false)];
      }
    }
    if (this.drains) {
      return this.drains.start(g, now);
    }
    const ids = g.removals.flatMap((r) => (r.instanceId === undefined ? [] : [r.instanceId]));
    const detail = `delete instance(s) ${ids.join(', ')} (${g.removals.map((r) => r.hostname).join(', ')})`;
    try {
      await this.cloud(() => binding.provider.deleteInstances(binding.ref, ids), g.group, 'deleteInstances');
      this.setMemory(g.group, {
        ...this.memory(g.group),
        lastScaleDownAt: now,
        inFlight: { direction: 'down', target: g.target, expectAgents: activeAgents - ids.length, since: now },
      });
      logger.info({ group: g.group, instances: ids }, `scaled down ${g.group}: ${detail}`);
      return [record('delete', detail, true)];
    } catch (e) {
      logger.error({ group: g.group, err: errorMessage(e) }, 'scale-down failed');
      return [record('delete', `${detail}: ${errorMessage(e)}`, false)];
    }
  }

  private cloud<T>(fn: () => Promise<T>, group: string, op: string): Promise<T> {
    return withRetry(fn, this.retry, (error, attempt) => this.o.logger.warn({ group, op, attempt, err: error.message }, 'cloud call failed; retrying'));
  }
}
