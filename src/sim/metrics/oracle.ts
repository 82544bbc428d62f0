import type { NodePrice } from './cost.js';
import { FfdPacker, packingLowerBound, PACK_DIMS, type PackSize, type SizeCount } from './packing.js';
import { intervals, MS_PER_HOUR } from './series.js';

/**
 * The oracle: at every sample it holds exactly the nodes needed for the work present (running
 * plus pending), provisioned instantly. "Needed" is the first-fit-decreasing packing of those
 * instances onto nodes of the template shape. FFD is not optimal, so this is an upper bound of
 * the true optimum; `lowerBound` (max over dimensions of ceil(sum / capacity)) brackets it from
 * below. The FFD count is the oracle's supply: an achievable packing, so a policy cannot beat it
 * by more than the FFD gap.
 */
export interface OracleSeries {
  readonly t: readonly number[];
  readonly nodes: readonly number[];
  readonly lowerBound: readonly number[];
  /** Instances that fit no node of the shape (not counted in `nodes`). */
  readonly unfit: readonly number[];
}

/** Oracle nodes for one instant, given the work present as sizes with counts. */
export function oracleNodes(items: readonly SizeCount[], node: PackSize, packer = new FfdPacker(node)): { nodes: number; lowerBound: number; unfit: number } {
  const ffd = packer.pack(items);
  return { nodes: ffd.bins, lowerBound: packingLowerBound(items, node), unfit: ffd.unfit };
}

/** A task as the oracle sees it: present from `start` until `end` (ms; undefined: until the end). */
export interface OracleTask extends PackSize {
  readonly start: number;
  readonly end?: number;
  readonly instances: number;
}

/** From per-instant item lists (as a replay records them). */
export function oracleFromSteps(steps: readonly { readonly t: number; readonly items: readonly SizeCount[] }[], node: PackSize): OracleSeries {
  const out = { t: [] as number[], nodes: [] as number[], lowerBound: [] as number[], unfit: [] as number[] };
  const packer = new FfdPacker(node);
  for (const step of steps) {
    const r = oracleNodes(step.items, node, packer);
    out.t.push(step.t);
    out.nodes.push(r.nodes);
    out.lowerBound.push(r.lowerBound);
    out.unfit.push(r.unfit);
  }
  return out;
}

function keyOf(s: PackSize): string {
  return PACK_DIMS.map((d) => s[d]).join('|');
}

/**
 * From task lifetimes, sampled at `times` (ascending): a sweep keeps the count of live instances
 * per distinct size, so each step costs one packing of the distinct sizes, not of every task;
 * a step whose work did not change reuses the previous packing.
 */
export interface OracleOptions {
  /**
   * Round every size up to a multiple of this fraction of the node (e.g. 1/200). Off by default.
   * Packing is per distinct size, so traces with many distinct float sizes (Google's) pack much
   * faster rounded; rounding up keeps the result an achievable packing of the real sizes.
   */
  readonly resolution?: number;
}

export function roundUpSize(size: PackSize, node: PackSize, resolution: number | undefined): PackSize {
  if (resolution === undefined || resolution <= 0) return size;
  const up = (x: number, cap: number): number => {
    if (cap <= 0 || x <= 0) return x;
    const q = cap * resolution;
    return Math.min(cap, Math.ceil(x / q - 1e-9) * q);
  };
  return { cpus: up(size.cpus, node.cpus), mem: up(size.mem, node.mem), disk: up(size.disk, node.disk), gpus: up(size.gpus, node.gpus) };
}

export function oracleSeries(tasks: readonly OracleTask[], times: readonly number[], node: PackSize, options: OracleOptions = {}): OracleSeries {
  const events: { t: number; key: string; delta: number; size: PackSize }[] = [];
  for (const task of tasks) {
    if (task.instances <= 0) continue;
    const size = roundUpSize({ cpus: task.cpus, mem: task.mem, disk: task.disk, gpus: task.gpus }, node, options.resolution);
    const key = keyOf(size);
    events.push({ t: task.start, key, delta: task.instances, size });
    if (task.end !== undefined && Number.isFinite(task.end)) events.push({ t: task.end, key, delta: -task.instances, size });
  }
  events.sort((a, b) => a.t - b.t);
  const live = new Map<string, { size: PackSize; count: number }>();
  const out = { t: [] as number[], nodes: [] as number[], lowerBound: [] as number[], unfit: [] as number[] };
  let e = 0;
  let last: { nodes: number; lowerBound: number; unfit: number } | undefined;
  const packer = new FfdPacker(node);
  for (const t of times) {
    let changed = false;
    // A task is present on [start, end): events at or before t apply.
    for (; e < events.length && (events[e]?.t ?? Infinity) <= t; e++) {
      const ev = events[e];
      if (ev === undefined) continue;
      const entry = live.get(ev.key) ?? { size: ev.size, count: 0 };
      entry.count += ev.delta;
      if (entry.count <= 0) live.delete(ev.key);
      else live.set(ev.key, entry);
      changed = true;
    }
    if (changed || last === undefined) {
      last = oracleNodes([...live.values()], node, packer);
    }
    out.t.push(t);
    out.nodes.push(last.nodes);
    out.lowerBound.push(last.lowerBound);
    out.unfit.push(last.unfit);
  }
  return out;
}

export interface OracleFigures {
  readonly nodeHours: number;
  readonly lowerBoundNodeHours: number;
  readonly cost: number;
  /** The strict bound with the cloud's boot delay (`bootAwareCounts`), when the delay is known. */
  readonly bootAware?: { readonly delayMs: number; readonly lowerBoundNodeHours: number };
}

/**
 * Node-hours and cost of the oracle's supply (one node group at `pricePerNodeHour`), and with
 * `boot` (the delay and its `bootAwareCounts`) the boot-aware bound's node-hours.
 */
export function oracleFigures(series: OracleSeries, endMs: number | undefined, pricePerNodeHour: NodePrice, group = 'oracle', boot?: { readonly delayMs: number; readonly counts: readonly number[] }): OracleFigures {
  const dt = intervals(series.t.map((t) => ({ t })), endMs);
  const hoursOf = (counts: readonly number[]): number => counts.reduce((ms, n, i) => ms + n * (dt[i] ?? 0), 0) / MS_PER_HOUR;
  const hours = hoursOf(series.nodes);
  const price = typeof pricePerNodeHour === 'number' ? pricePerNodeHour : (pricePerNodeHour[group] ?? 0);
  return {
    nodeHours: hours,
    lowerBoundNodeHours: hoursOf(series.lowerBound),
    cost: hours * price,
    ...(boot === undefined ? {} : { bootAware: { delayMs: boot.delayMs, lowerBoundNodeHours: hoursOf(boot.counts) } }),
  };
}

/**
 * The strict bound's counts with the cloud's boot delay: a node that holds work at time s was
 * asked for by s - delay and has been paid since, so the nodes paid at t are at least the strict
 * bound's count anywhere in [t, t + delay] (a node registered before t is alive at t too). Each
 * sample's count (which holds until the next sample, as the strict bound's does) is raised to the
 * largest among the samples up to `delayMs` after it. What this adds to the strict bound is what
 * boot time costs any policy whose nodes hold the work when it arrives: the rest of a policy's
 * excess is its own. Cost: the samples within one delay of each sample (3 at a 60 s timer).
 */
export function bootAwareCounts(series: Pick<OracleSeries, 't' | 'lowerBound'>, delayMs: number): number[] {
  const { t, lowerBound: n } = series;
  return n.map((count, i) => {
    let most = count;
    const until = (t[i] ?? 0) + delayMs;
    for (let j = i + 1; j < n.length && (t[j] ?? Infinity) <= until; j++) most = Math.max(most, n[j] ?? 0);
    return most;
  });
}

/** Oracle input from trace tasks: each instance present from submission for its duration. */
export function oracleTasksFromTrace(tasks: readonly { submitAt: number; durationMs?: number; instances: number; cpus: number; mem: number; disk: number; gpus: number }[]): OracleTask[] {
  return tasks.map((t) => ({
    start: t.submitAt,
    ...(t.durationMs === undefined || !Number.isFinite(t.durationMs) ? {} : { end: t.submitAt + t.durationMs }),
    instances: t.instances,
    cpus: t.cpus,
    mem: t.mem,
    disk: t.disk,
    gpus: t.gpus,
  }));
}
