import type { Constraint } from '../../model/pending.js';
import { Rng } from './rng.js';
import type { NodeShape, TaskKind, TraceTask } from './task.js';

/** Parameters of the synthetic workload. */
export interface GeneratorParams {
  /** Same seed, same parameters: identical trace. */
  readonly seed: number;
  readonly days: number;
  /** Cluster size (nodes of `nodeShape`) the workload should roughly fill at its daily peak. */
  readonly targetNodes: number;
  readonly nodeShape: NodeShape;
  /** Approximate number of trace tasks (rows) in total. */
  readonly tasks: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/**
 * Shares of the peak cpu capacity (targetNodes x cpus) each part of the workload takes.
 * Together a little under 1, so the peak roughly fills the target cluster.
 */
const SHARE = { baseServices: 0.3, diurnalServices: 0.3, batch: 0.17, bursts: 0.08 } as const;

/** Task cpu sizes: mostly small, with a heavy tail up to a whole node. */
const CPU_CLASSES = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32] as const;
const CPU_WEIGHTS = [18, 24, 24, 16, 8, 5, 3, 1.5, 0.5] as const;
/** Batch tasks are smaller: the tail stops at 4 cores. */
const BATCH_CPU_WEIGHTS = [20, 30, 25, 15, 7, 3, 0, 0, 0] as const;

/**
 * Diurnal load factor in [0, 1]: trough at 04:00, peak at 16:00; weekends (days 5 and 6) lower.
 */
export function diurnalFactor(t: number): number {
  const hour = (t % DAY) / HOUR;
  const day = Math.floor(t / DAY) % 7;
  const wave = 0.5 * (1 - Math.cos((2 * Math.PI * (hour - 4)) / 24));
  return day >= 5 ? 0.6 * wave : wave;
}

/** Sizes drawn for tasks, quantised so that a trace holds few distinct shapes (fast packing). */
class Sizer {
  private readonly memPerCpu: number;
  private readonly cpuClasses: number[];

  constructor(
    private readonly rng: Rng,
    private readonly shape: NodeShape,
  ) {
    this.memPerCpu = shape.mem / shape.cpus;
    this.cpuClasses = CPU_CLASSES.filter((c) => c <= shape.cpus);
    if (this.cpuClasses.length === 0) this.cpuClasses = [shape.cpus];
  }

  size(batch: boolean): { cpus: number; mem: number; disk: number; gpus: number } {
    const weights = (batch ? BATCH_CPU_WEIGHTS : CPU_WEIGHTS).slice(0, this.cpuClasses.length);
    const cpus = this.cpuClasses[this.rng.weighted(weights)] ?? this.shape.cpus;
    const ratio = [0.5, 1, 1, 1.5, 2][this.rng.int(0, 4)] ?? 1;
    // Memory in 64 MB steps, never above one node.
    const mem = Math.min(this.shape.mem, Math.max(64, Math.round((cpus * this.memPerCpu * ratio) / 64) * 64));
    const diskCap = this.shape.disk ?? 0;
    const disk = diskCap > 0 ? Math.min(diskCap, [0, 128, 512, 1024][this.rng.int(0, 3)] ?? 0) : 0;
    return { cpus, mem, disk, gpus: 0 };
  }

  meanCpus(batch: boolean): number {
    const weights = (batch ? BATCH_CPU_WEIGHTS : CPU_WEIGHTS).slice(0, this.cpuClasses.length);
    const total = weights.reduce((a: number, b: number) => a + b, 0);
    return this.cpuClasses.reduce((acc, c, i) => acc + (c * (weights[i] ?? 0)) / total, 0);
  }
}

interface Draft {
  submitAt: number;
  durationMs: number | undefined;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  constraints: readonly Constraint[];
  kind: TaskKind;
  app: string;
}

const NO_CONSTRAINTS: readonly Constraint[] = Object.freeze([]);
const UNIQUE_HOST: readonly Constraint[] = Object.freeze([{ field: 'hostname', operator: 'UNIQUE' }]);

/** Drafts are built with one fixed field order (no spreads): 100k of them stay cheap for V8. */
function draft(
  size: { cpus: number; mem: number; disk: number; gpus: number },
  submitAt: number,
  durationMs: number | undefined,
  instances: number,
  constraints: readonly Constraint[],
  kind: TaskKind,
  app: string,
): Draft {
  return { submitAt, durationMs, instances, cpus: size.cpus, mem: size.mem, disk: size.disk, gpus: size.gpus, constraints, kind, app };
}

interface App {
  readonly name: string;
  readonly size: { cpus: number; mem: number; disk: number; gpus: number };
  readonly weight: number;
  readonly unique: boolean;
}

/**
 * A synthetic week (or any number of days) of Mesos workload:
 * - long-running services started at the beginning, a Zipf-like spread of sizes and counts;
 * - diurnal scaling of most services (extra instances in the day, removed at night);
 * - random bursts (one service scaled up hard for 20..120 minutes);
 * - batch waves (many short tasks within minutes) on top of a steady trickle of batch work.
 * Sizes are mostly small with a heavy tail. Deterministic for a given seed.
 */
export function generateTrace(params: GeneratorParams): TraceTask[] {
  const { days, targetNodes, nodeShape } = params;
  if (!(days > 0) || !(targetNodes > 0) || !(params.tasks > 0) || !(nodeShape.cpus > 0) || !(nodeShape.mem > 0)) {
    throw new RangeError('generateTrace: days, targetNodes, tasks and nodeShape cpus/mem must be > 0');
  }
  const rng = new Rng(params.seed);
  const sizer = new Sizer(rng, nodeShape);
  const end = days * DAY;
  const capacity = targetNodes * nodeShape.cpus;
  const drafts: Draft[] = [];

  const apps = makeApps(sizer, targetNodes, params.tasks);
  const totalWeight = apps.reduce((a, x) => a + x.weight, 0);

  // Long-running base instances, all started in the first minutes.
  for (const app of apps) {
    const instances = Math.max(1, Math.round(((app.weight / totalWeight) * SHARE.baseServices * capacity) / app.size.cpus));
    drafts.push(draft(app.size, rng.int(0, 5 * MINUTE), undefined, app.unique ? Math.min(instances, targetNodes) : instances, app.unique ? UNIQUE_HOST : NO_CONSTRAINTS, 'service', app.name));
  }

  // Diurnal scaling: extra instances follow diurnalFactor in steps; scale-in removes the newest first.
  const scaling = apps.filter((a) => !a.unique);
  const scalingWeight = scaling.reduce((a, x) => a + x.weight, 0);
  const serviceBudget = Math.max(scaling.length, Math.floor(params.tasks * 0.25));
  const upStepsPerDay = Math.min(48, Math.max(2, Math.floor(serviceBudget / Math.max(1, scaling.length * days))));
  const step = (12 * HOUR) / upStepsPerDay;
  for (const app of scaling) {
    const peakExtra = ((app.weight / scalingWeight) * SHARE.diurnalServices * capacity) / app.size.cpus;
    const live: Draft[] = [];
    let running = 0;
    let dayAmplitude = 1;
    for (let t = 0; t < end; t += step) {
      if (t % DAY < step) dayAmplitude = rng.uniform(0.85, 1.1);
      const want = Math.round(peakExtra * dayAmplitude * diurnalFactor(t));
      if (want > running) {
        const d = draft(app.size, Math.min(end - 1, t + rng.int(0, 60_000)), undefined, want - running, NO_CONSTRAINTS, 'service', app.name);
        drafts.push(d);
        live.push(d);
        running = want;
      } else {
        // Stop whole tasks, newest first, while that keeps at least `want` running.
        for (let top = live[live.length - 1]; top !== undefined && running - top.instances >= want; top = live[live.length - 1]) {
          top.durationMs = Math.max(MINUTE, t - top.submitAt);
          running -= top.instances;
          live.pop();
        }
      }
    }
  }

  // Random bursts: a service scaled up hard for a short while.
  const bursts = Math.max(1, Math.round(days * 1.5));
  for (let i = 0; i < bursts && scaling.length > 0; i++) {
    const app = scaling[rng.int(0, scaling.length - 1)];
    if (app === undefined) continue;
    const instances = Math.max(1, Math.round(((SHARE.bursts * capacity) / app.size.cpus) * rng.uniform(0.5, 1.5)));
    drafts.push(draft(app.size, rng.int(0, end - 2 * HOUR), rng.int(20, 120) * MINUTE, instances, NO_CONSTRAINTS, 'service', app.name));
  }

  addBatch(rng, sizer, drafts, params, capacity, end);

  // Stable order by submit time, then ids in that order.
  const order = Array.from(drafts.keys()).sort((a, b) => (drafts[a]?.submitAt ?? 0) - (drafts[b]?.submitAt ?? 0) || a - b);
  return order.map((index, i): TraceTask => {
    const d = drafts[index] as Draft;
    return { id: `gen-${i + 1}`, submitAt: d.submitAt, durationMs: d.durationMs, instances: d.instances, cpus: d.cpus, mem: d.mem, disk: d.disk, gpus: d.gpus, constraints: d.constraints, kind: d.kind, app: d.app };
  });
}

function makeApps(sizer: Sizer, targetNodes: number, tasks: number): App[] {
  const count = Math.max(3, Math.min(200, Math.round(targetNodes / 2), Math.round(tasks / 50)));
  const apps: App[] = [];
  for (let i = 0; i < count; i++) {
    const size = sizer.size(false);
    // A few daemon-like apps run one instance per host and do not scale.
    const unique = i % 10 === 9;
    apps.push({ name: `/svc-${String(i + 1).padStart(3, '0')}`, size, weight: 1 / (i + 1) ** 0.8, unique });
  }
  return apps;
}

/** Batch waves plus a steady trickle; durations sized so batch takes its share of the peak on average. */
function addBatch(rng: Rng, sizer: Sizer, drafts: Draft[], params: GeneratorParams, capacity: number, end: number): void {
  const budget = Math.max(1, params.tasks - drafts.length);
  const meanInstances = 1.8;
  const arrivalsPerMs = budget / end;
  // Little's law: busy cpus = arrival rate x mean duration x mean size.
  const meanDuration = Math.min(6 * HOUR, Math.max(30_000, (SHARE.batch * capacity) / (arrivalsPerMs * meanInstances * sizer.meanCpus(true))));
  const waves = Math.max(1, Math.round((params.days * 8 * budget) / Math.max(budget, 1000)));
  const inWaves = Math.floor(budget * 0.6);
  // Wave sizes vary, but not so much that one wave alone floods the cluster.
  const waveWeights = Array.from({ length: waves }, () => 0.5 + rng.exponential(0.5));
  const weightSum = waveWeights.reduce((a, b) => a + b, 0);

  const push = (submitAt: number, durationMean: number, app: string): void => {
    const size = sizer.size(true);
    const instances = rng.float() < 0.6 ? 1 : Math.min(20, 2 + Math.floor(rng.exponential(1.5)));
    const durationMs = Math.round(Math.min(6 * HOUR, Math.max(10_000, rng.logNormal(durationMean, 1))));
    drafts.push(draft(size, submitAt, durationMs, instances, NO_CONSTRAINTS, 'batch', app));
  };

  let placed = 0;
  waveWeights.forEach((w, i) => {
    const n = i === waves - 1 ? inWaves - placed : Math.round((w / weightSum) * inWaves);
    placed += n;
    const start = rng.int(0, Math.max(0, end - HOUR));
    const window = rng.int(15, 60) * MINUTE;
    // Wave tasks are short: many of them land at once.
    for (let k = 0; k < n; k++) push(Math.min(end - 1, start + Math.floor(rng.float() * window)), meanDuration / 4, `batch-wave-${i + 1}`);
  });
  const trickle = budget - placed;
  // The trickle carries most of the batch cpu-time, so it runs longer than wave tasks.
  for (let k = 0; k < trickle; k++) push(Math.floor(rng.float() * end), meanDuration * 1.5, 'batch-steady');
}
