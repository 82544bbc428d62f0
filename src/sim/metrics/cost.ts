import { intervals, MS_PER_HOUR, type MetricSample, type NodeStates } from './series.js';

export interface NodeHours {
  readonly total: number;
  readonly byGroup: Readonly<Record<string, number>>;
}

/** Node-hours per group: nodes held over each sample's interval. */
export function nodeHours(samples: readonly MetricSample[], endMs?: number): NodeHours {
  const dt = intervals(samples, endMs);
  // Node-milliseconds first (exact for whole nodes and ms), hours once at the end.
  const nodeMs: Record<string, number> = {};
  samples.forEach((s, i) => {
    for (const [group, nodes] of Object.entries(s.nodesByGroup)) nodeMs[group] = (nodeMs[group] ?? 0) + nodes * (dt[i] ?? 0);
  });
  const byGroup: Record<string, number> = {};
  let total = 0;
  for (const [group, ms] of Object.entries(nodeMs)) {
    byGroup[group] = ms / MS_PER_HOUR;
    total += ms;
  }
  return { total: total / MS_PER_HOUR, byGroup };
}

/**
 * Node-hours (all groups) by what the paid nodes were doing; undefined when a sample does not
 * tell. Sums to `nodeHours(...).total` when every registered agent is a paid node (the replay).
 */
export function nodeHoursByState(samples: readonly MetricSample[], endMs?: number): NodeStates | undefined {
  const dt = intervals(samples, endMs);
  const ms = { booting: 0, idle: 0, draining: 0, busy: 0 };
  for (const [i, s] of samples.entries()) {
    const n = s.nodesByState;
    if (n === undefined) return undefined;
    const d = dt[i] ?? 0;
    ms.booting += n.booting * d;
    ms.idle += n.idle * d;
    ms.draining += n.draining * d;
    ms.busy += n.busy * d;
  }
  return { booting: ms.booting / MS_PER_HOUR, idle: ms.idle / MS_PER_HOUR, draining: ms.draining / MS_PER_HOUR, busy: ms.busy / MS_PER_HOUR };
}

/** Price per node-hour: one for every group, or per group (groups missing from the map cost nothing). */
export type NodePrice = number | Readonly<Record<string, number>>;

export function priceOf(price: NodePrice, group: string): number {
  return typeof price === 'number' ? price : (price[group] ?? 0);
}

export function costOf(hours: NodeHours, price: NodePrice): number {
  let cost = 0;
  for (const [group, h] of Object.entries(hours.byGroup)) cost += h * priceOf(price, group);
  return cost;
}

export interface ScalingActions {
  readonly total: number;
  readonly up: number;
  readonly down: number;
}

/**
 * Scaling actions seen in the series: every change of a group's node count between two
 * consecutive samples is one action (up or down), however many nodes it adds or removes.
 * A group absent from a sample counts as 0 nodes.
 */
export function scalingActions(samples: readonly MetricSample[]): ScalingActions {
  let up = 0;
  let down = 0;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]?.nodesByGroup ?? {};
    const cur = samples[i]?.nodesByGroup ?? {};
    for (const group of new Set([...Object.keys(prev), ...Object.keys(cur)])) {
      const a = prev[group] ?? 0;
      const b = cur[group] ?? 0;
      if (b > a) up++;
      else if (b < a) down++;
    }
  }
  return { total: up + down, up, down };
}
