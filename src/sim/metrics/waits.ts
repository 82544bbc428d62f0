import { nearestRank } from './percentile.js';
import { intervals, type MetricSample, type TaskRecord } from './series.js';

export interface WaitFigures {
  /** Instance-seconds spent waiting: submit to placement; if never placed, to its withdrawal (finishedAt) or the end of the run. */
  readonly pendingTaskSeconds: number;
  /** Waits (s) of placed instances, nearest-rank percentiles; NaN when none was placed. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
  readonly placedInstances: number;
  readonly neverPlacedInstances: number;
}

/** Wait before placement, per instance (a record of n instances counts n times). */
export function waitFigures(records: readonly TaskRecord[], endMs: number): WaitFigures {
  const waits: number[] = [];
  const weights: number[] = [];
  let pending = 0;
  let placed = 0;
  let never = 0;
  let sum = 0;
  let max = Number.NaN;
  for (const r of records) {
    const n = r.instances ?? 1;
    if (r.placedAt === undefined) {
      never += n;
      const until = r.finishedAt === undefined ? endMs : Math.min(endMs, r.finishedAt);
      pending += (n * Math.max(0, until - r.submittedAt)) / 1000;
      continue;
    }
    const w = Math.max(0, r.placedAt - r.submittedAt) / 1000;
    pending += n * w;
    placed += n;
    sum += n * w;
    max = Number.isNaN(max) ? w : Math.max(max, w);
    waits.push(w);
    weights.push(n);
  }
  return {
    pendingTaskSeconds: pending,
    p50: nearestRank(waits, 50, weights),
    p95: nearestRank(waits, 95, weights),
    p99: nearestRank(waits, 99, weights),
    mean: placed > 0 ? sum / placed : Number.NaN,
    max,
    placedInstances: placed,
    neverPlacedInstances: never,
  };
}

/** Instance-seconds pending as the samples saw it (Σ pendingInstances x interval): a cross-check of the per-task figure. */
export function sampledPendingSeconds(samples: readonly MetricSample[], endMs?: number): number {
  const dt = intervals(samples, endMs);
  let total = 0;
  samples.forEach((s, i) => (total += (s.pendingInstances * (dt[i] ?? 0)) / 1000));
  return total;
}
