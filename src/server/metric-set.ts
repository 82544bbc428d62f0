import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LeaderStatus } from '../controller/leader-gate.js';

/**
 * Every metric the service exports, by name, help and labels, on one registry. Names follow
 * Prometheus' naming guide (https://prometheus.io/docs/practices/naming/: base units, `_total`
 * counters, `_seconds`, `_bytes`, `_timestamp_seconds`) and borrow their set from Kubernetes
 * cluster-autoscaler (cluster-autoscaler/metrics/metrics.go: errors_total, scaled_up_nodes_total,
 * scaled_down_nodes_total, last_activity, node_group_min/max_count, unschedulable_pods_count,
 * function_duration_seconds). Metrics (metrics.ts) fills them.
 */
export const METRIC_PREFIX = 'mesos_autoscaler_';

/** What the scrape-time gauges read. */
export interface ScrapeSources {
  readonly leader: (() => LeaderStatus) | undefined;
  readonly paused: ((group: string) => boolean) | undefined;
  /** Groups seen so far (configured or reported). */
  readonly known: ReadonlySet<string>;
}

/** Registers the metrics on `registry`; the `collect` gauges read `sources` at each scrape. */
export function createMetricSet(registry: Registry, sources: ScrapeSources) {
  const registers = [registry];
  const p = METRIC_PREFIX;
  const { leader, paused, known } = sources;
  const counters = {
    decisions: new Counter({ name: `${p}decisions_total`, help: 'Planner decisions per group and direction (one per group per cycle).', labelNames: ['group', 'direction'], registers }),
    actions: new Counter({ name: `${p}scale_actions_total`, help: 'Actions carried out on a group, by direction and result (ok, error, dry_run).', labelNames: ['group', 'direction', 'result'], registers }),
    errors: new Counter({ name: `${p}errors_total`, help: 'Errors by kind: failed observations, cloud deadlines, dropped event streams, failed actions (action-<kind>).', labelNames: ['kind'], registers }),
    cycles: new Counter({ name: `${p}cycles_total`, help: 'Observe-plan-act cycles by result: ok, failed (nothing observed), skipped (observation doubted, no action).', labelNames: ['result'], registers }),
    scaledUp: new Counter({ name: `${p}scaled_up_nodes_total`, help: 'Nodes added to a group (desired size raised), as cluster-autoscaler counts them.', labelNames: ['group'], registers }),
    queueResyncs: new Counter({ name: `${p}marathon_queue_resyncs_total`, help: 'Reads of Marathon the event-fed launch queue could not spare, by reason: connect (baseline at each stream connect), check (the periodic /v2/queue read disagreed), inexact-event, app-definition.', labelNames: ['reason'], registers }),
    scaledDown: new Counter({ name: `${p}scaled_down_nodes_total`, help: 'Instances deleted from a group (drained agents and instances that never registered).', labelNames: ['group'], registers }),
  };
  const gauges = {
    desired: new Gauge({ name: `${p}desired_nodes`, help: 'Target size of the node group from the last plan, in nodes.', labelNames: ['group'], registers }),
    actual: new Gauge({ name: `${p}actual_nodes`, help: 'Agents of the group counted as capacity in the last cycle (registered, not draining).', labelNames: ['group'], registers }),
    booting: new Gauge({ name: `${p}booting_nodes`, help: 'Instances of the group asked for that have not registered as agents yet.', labelNames: ['group'], registers }),
    min: new Gauge({ name: `${p}group_min_nodes`, help: 'Configured minimum size of the group, in nodes.', labelNames: ['group'], registers }),
    max: new Gauge({ name: `${p}group_max_nodes`, help: 'Configured maximum size of the group, in nodes.', labelNames: ['group'], registers }),
    utilization: new Gauge({ name: `${p}utilization_ratio`, help: 'Allocated over total of a resource in the group, 0..1.', labelNames: ['group', 'resource'], registers }),
    pending: new Gauge({ name: `${p}pending_instances`, help: 'Instances waiting to launch that the group could host.', labelNames: ['group'], registers }),
    unplaceable: new Gauge({ name: `${p}unplaceable_instances`, help: 'Instances waiting to launch that no group can host (cluster-wide).', registers }),
    waitingSince: new Gauge({ name: `${p}pending_oldest_wait_seconds`, help: 'Seconds the longest-waiting instance (not delayed by Marathon) has waited to launch; 0 when none waits.', registers }),
    waiting: new Gauge({ name: `${p}waiting_resources`, help: 'CPUs, GPUs and ports asked for by waiting instances the group could host (counts; memory and disk in waiting_*_bytes).', labelNames: ['group', 'resource'], registers }),
    waitingMem: new Gauge({ name: `${p}waiting_memory_bytes`, help: 'Memory in bytes asked for by waiting instances the group could host.', labelNames: ['group'], registers }),
    waitingDisk: new Gauge({ name: `${p}waiting_disk_bytes`, help: 'Disk in bytes asked for by waiting instances the group could host.', labelNames: ['group'], registers }),
    drains: new Gauge({ name: `${p}drains_in_flight`, help: 'Agents of the group this autoscaler is draining or removing (plan.drains).', labelNames: ['group'], registers }),
    drainAge: new Gauge({ name: `${p}drain_oldest_age_seconds`, help: 'Seconds the oldest drain of the group has been watched; 0 when none.', labelNames: ['group'], registers }),
    ghosts: new Gauge({ name: `${p}ghost_instances`, help: 'Instances of the group that never registered as agents in time (being removed).', labelNames: ['group'], registers }),
    lastSuccess: new Gauge({ name: `${p}last_successful_cycle_timestamp_seconds`, help: 'Unix time in seconds of the last cycle that observed the cluster and planned.', registers }),
    // Read at scrape time, as node_exporter's collectors do: no stale value between cycles.
    leader: new Gauge({
      name: `${p}is_leader`,
      help: '1 when this replica leads (the only one that acts), 0 otherwise.',
      registers,
      collect() {
        this.set(leader ? (leader().role === 'leader' ? 1 : 0) : 1);
      },
    }),
    paused: new Gauge({
      name: `${p}group_paused`,
      help: '1 when scaling of the group is paused by an operator, 0 otherwise.',
      labelNames: ['group'],
      registers,
      collect() {
        for (const g of known) this.set({ group: g }, paused?.(g) ? 1 : 0);
      },
    }),
    build: new Gauge({ name: `${p}build_info`, help: 'Always 1; the labels name the running version.', labelNames: ['version', 'nodejs_version'], registers }),
  };
  const histograms = {
    loop: new Histogram({ name: `${p}loop_duration_seconds`, help: 'Duration of one observe-plan-act cycle in seconds.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers }),
    mesos: new Histogram({ name: `${p}mesos_request_duration_seconds`, help: 'Mesos master request durations in seconds.', labelNames: ['endpoint'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    marathon: new Histogram({ name: `${p}marathon_request_duration_seconds`, help: 'Marathon request durations in seconds.', labelNames: ['endpoint'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    cloud: new Histogram({ name: `${p}cloud_request_duration_seconds`, help: 'Cloud provider API call durations in seconds.', labelNames: ['provider', 'operation'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers }),
  };
  return { counters, gauges, histograms };
}

/** The metric objects by role, as `createMetricSet` returns them. */
export type MetricSet = ReturnType<typeof createMetricSet>;
