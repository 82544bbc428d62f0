import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActionRecord, CycleReport } from '../controller/ports.js';
import type { Direction, GroupPlan } from '../model/plan.js';
import { readFigures } from './figures.js';

export const METRIC_PREFIX = 'mesos_autoscaler_';

export interface MetricsOptions {
  /** Also export process metrics (CPU, memory, event loop lag) with the same prefix. Default true. */
  readonly processMetrics?: boolean;
}

/**
 * Prometheus metrics on a registry of their own, so tests and several instances in
 * one process never collide in prom-client's global registry.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #decisions: Counter<'group' | 'direction'>;
  readonly #actions: Counter<'group' | 'direction' | 'result'>;
  readonly #errors: Counter<'kind'>;
  readonly #desired: Gauge<'group'>;
  readonly #actual: Gauge<'group'>;
  readonly #utilization: Gauge<'group' | 'resource'>;
  readonly #pending: Gauge<'group'>;
  readonly #waiting: Gauge<'group' | 'resource'>;
  readonly #loop: Histogram<string>;
  readonly #mesos: Histogram<'endpoint'>;
  readonly #cloud: Histogram<'provider' | 'operation'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    this.#decisions = new Counter({ name: `${p}decisions_total`, help: 'Planner decisions per group and direction (one per group per cycle).', labelNames: ['group', 'direction'], registers });
    this.#actions = new Counter({ name: `${p}scale_actions_total`, help: 'Scaling actions carried out, by result (ok, error, dry_run).', labelNames: ['group', 'direction', 'result'], registers });
    this.#errors = new Counter({ name: `${p}errors_total`, help: 'Errors by kind (mesos-unreachable, provider, ...).', labelNames: ['kind'], registers });
    this.#desired = new Gauge({ name: `${p}desired_nodes`, help: 'Target size of the node group from the last plan.', labelNames: ['group'], registers });
    this.#actual = new Gauge({ name: `${p}actual_nodes`, help: 'Nodes of the group counted as capacity in the last cycle.', labelNames: ['group'], registers });
    this.#utilization = new Gauge({ name: `${p}utilization_ratio`, help: 'Used over total of a resource in the group, 0..1.', labelNames: ['group', 'resource'], registers });
    this.#pending = new Gauge({ name: `${p}pending_instances`, help: 'Instances waiting to launch that the group could host.', labelNames: ['group'], registers });
    this.#waiting = new Gauge({ name: `${p}waiting_resources`, help: 'Resources asked for by waiting instances.', labelNames: ['group', 'resource'], registers });
    this.#loop = new Histogram({ name: `${p}loop_duration_seconds`, help: 'Duration of one observe-plan-act cycle.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.#mesos = new Histogram({ name: `${p}mesos_request_duration_seconds`, help: 'Mesos master / Marathon request durations.', labelNames: ['endpoint'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers });
    this.#cloud = new Histogram({ name: `${p}cloud_request_duration_seconds`, help: 'Cloud provider API call durations.', labelNames: ['provider', 'operation'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** Updates everything a cycle report tells: decisions, gauges from the plan's figures, actions, errors, duration. */
  recordCycle(report: CycleReport): void {
    this.#loop.observe(report.durationMs / 1000);
    if (report.error) this.#errors.inc({ kind: report.error.kind });
    const directions = new Map<string, Direction>();
    for (const gp of report.plan?.groups ?? []) {
      directions.set(gp.group, gp.direction);
      this.#recordGroup(gp);
    }
    for (const a of report.actions) {
      this.#actions.inc({ group: a.group, direction: actionDirection(a, directions.get(a.group)), result: a.dryRun ? 'dry_run' : a.ok ? 'ok' : 'error' });
      if (!a.ok) this.#errors.inc({ kind: `action-${a.kind}` });
    }
  }

  observeMesos(endpoint: string, seconds: number): void {
    this.#mesos.observe({ endpoint }, seconds);
  }

  observeCloud(provider: string, operation: string, seconds: number): void {
    this.#cloud.observe({ provider, operation }, seconds);
  }

  error(kind: string): void {
    this.#errors.inc({ kind });
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #recordGroup(gp: GroupPlan): void {
    const group = gp.group;
    const f = readFigures(gp.figures);
    this.#decisions.inc({ group, direction: gp.direction });
    this.#desired.set({ group }, gp.target);
    this.#actual.set({ group }, f.activeNodes ?? gp.current);
    this.#pending.set({ group }, f.pendingInstances ?? 0);
    for (const [resource, v] of Object.entries(f.utilization)) this.#utilization.set({ group, resource }, v);
    for (const [resource, v] of Object.entries(f.waiting)) this.#waiting.set({ group, resource }, v);
  }
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
