import type { Config } from '../../config/schema.js';
import { Controller } from '../../controller/controller.js';
import { LiveObserver } from '../../controller/live-observer.js';
import type { CycleReport } from '../../controller/ports.js';
import { createBindings } from '../../providers/factory.js';
import { SimulatedProvider } from '../../providers/simulated/simulated-provider.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { SimCluster } from '../cluster/cluster.js';
import { VirtualClock } from '../cluster/virtual-clock.js';
import { oracleSeries, oracleTasksFromTrace } from '../metrics/oracle.js';
import type { MetricSample, TaskRecord } from '../metrics/series.js';
import { buildReport } from '../report/build.js';
import type { SimulationReport } from '../report/report.js';
import { sortBySubmit, type TraceTask } from '../trace/task.js';
import { SimAgentSource, SimDrainer, simPendingSource } from './in-process.js';
import { ClusterSampler } from './sampler.js';
import { DEFAULT_PROVISIONING_DELAY_MS, simGroupsFor, templateOf } from './scenario.js';
import { TraceFeeder } from './workload.js';

export interface ReplayOptions {
  readonly trace: readonly TraceTask[];
  /** The policy under test, as a whole config (groups with templates, simulated provider). */
  readonly config: Config;
  readonly policy: string;
  readonly traceName?: string;
  /** End of the run, ms from trace start; default: the last submission or finite end, rounded up to the timer. */
  readonly endMs?: number;
  /** Seeds the cluster's ids; the same trace, config and seed give the same report. */
  readonly seed?: number;
  /** Nodes per group at trace start (default each group's min). */
  readonly initial?: Readonly<Record<string, number>>;
  /** Virtual time from a scale-up until the new agent registers (default `DEFAULT_PROVISIONING_DELAY_MS`); the boot-aware bound uses it too. */
  readonly provisioningDelayMs?: number;
  /** Mesos allocation interval of the emulated master; default 1 s. */
  readonly allocationIntervalMs?: number;
  /** Group whose template the oracle packs onto; default the first. */
  readonly oracleGroup?: string;
  /** Compute the oracle (default true). */
  readonly oracle?: boolean;
  readonly logger?: Logger;
  /** Called after every cycle with (cycles done, cycles in all). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with every cycle's report (decisions, actions), with its trace time. */
  readonly onCycle?: (report: CycleReport, t: number) => void;
}

export interface ReplayResult {
  readonly report: SimulationReport;
  readonly samples: readonly MetricSample[];
  readonly tasks: readonly TaskRecord[];
  readonly cycles: number;
  readonly submitted: number;
  readonly endMs: number;
  /** Actions the controller took (set-size, drain, delete), all ok or not. */
  readonly actions: number;
  readonly failedActions: number;
}

/** Default end of a trace: its last submission or finite task end. */
export function traceEnd(trace: readonly TraceTask[]): number {
  let end = 0;
  for (const t of trace) {
    const finite = t.durationMs !== undefined && Number.isFinite(t.durationMs) ? t.durationMs : 0;
    end = Math.max(end, t.submitAt + finite);
  }
  return end;
}

const NO_RETRY = { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } as const;

/**
 * Replays a trace through the real Controller and planner in simulated time: the
 * emulated cluster and cloud in process, the controller cycling every `timer`
 * seconds of virtual time, a sample after every cycle.
 */
export async function replayTrace(o: ReplayOptions): Promise<ReplayResult> {
  const { config } = o;
  const provisioningDelayMs = o.provisioningDelayMs ?? DEFAULT_PROVISIONING_DELAY_MS;
  const logger = o.logger ?? createLogger('silent');
  const clock = new VirtualClock();
  const origin = clock.now();
  const cluster = new SimCluster({ clock, seed: o.seed ?? 1, allocationIntervalMs: o.allocationIntervalMs ?? 1000, defaultStartupMs: 0, completedTaskHistory: 0 });
  const provider = new SimulatedProvider({
    cluster,
    groups: simGroupsFor(config, { ...(o.initial ? { initial: o.initial } : {}), provisioningDelayMs }),
    seed: o.seed ?? 1,
  });
  const trace = sortBySubmit(o.trace);
  const agents = new SimAgentSource(cluster);
  const feeder = new TraceFeeder(cluster, trace, origin);
  agents.follow();
  cluster.events.on((e) => {
    if (e.type === 'task_added' || e.type === 'task_updated') feeder.onEvent(e);
  });
  const drainer = config.drain ? new SimDrainer(cluster, () => agents.markAllDirty()) : undefined;
  const bindings = createBindings(config, logger, { simulated: provider });
  const observer = new LiveObserver({ agents, bindings, pending: simPendingSource(cluster), logger, ...(drainer ? { drainer } : {}) });
  const controller = new Controller({ config, observer, bindings, clock, logger, retry: NO_RETRY, ...(drainer ? { drainer } : {}) });

  const step = config.timer * 1000;
  const endMs = o.endMs ?? Math.ceil(traceEnd(trace) / step) * step;
  const total = Math.max(1, Math.ceil(endMs / step));
  const groups = config.groups.map((g) => g.name);
  const sampler = new ClusterSampler(cluster, provider, groups);
  const samples: MetricSample[] = [];
  let actions = 0;
  let failed = 0;
  let cycles = 0;
  for (let t = 0; t < endMs; t += step) {
    feeder.scheduleUntil(t);
    clock.advanceTo(origin + t);
    const report = await controller.cycle();
    cycles++;
    for (const a of report.actions) {
      actions++;
      if (!a.ok) failed++;
    }
    o.onCycle?.(report, t);
    samples.push(sampler.sample(t));
    if (o.onProgress) {
      o.onProgress(cycles, total);
      // Let a progress bar draw now and then.
      if (cycles % 256 === 0) await new Promise((r) => setImmediate(r));
    }
  }
  feeder.scheduleBefore(endMs);
  clock.advanceTo(origin + endMs);
  const tasks = feeder.records();

  const oracleGroup = config.groups.find((g) => g.name === o.oracleGroup) ?? config.groups[0];
  const oracle =
    o.oracle === false || !oracleGroup
      ? undefined
      : (() => {
          const node = templateOf(oracleGroup);
          const inRun = trace.filter((t) => t.submitAt < endMs);
          return { series: oracleSeries(oracleTasksFromTrace(inRun), samples.map((s) => s.t), node), pricePerNodeHour: oracleGroup.price, unitsPerNode: node.cpus, bootDelayMs: provisioningDelayMs };
        })();
  const report = buildReport({
    policy: o.policy,
    ...(o.traceName !== undefined ? { trace: o.traceName } : {}),
    samples,
    tasks,
    endMs,
    pricePerNodeHour: Object.fromEntries(config.groups.map((g) => [g.name, g.price])),
    unit: 'cpus',
    ...(oracle ? { oracle } : {}),
  });
  return { report, samples, tasks, cycles, submitted: feeder.submitted, endMs, actions, failedActions: failed };
}
