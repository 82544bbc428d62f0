import { describe, expect, it } from 'vitest';
import { costOf, nodeHours, scalingActions } from '../../../src/sim/metrics/cost.js';
import { elasticity } from '../../../src/sim/metrics/elasticity.js';
import { computeFigures } from '../../../src/sim/metrics/figures.js';
import { nearestRank } from '../../../src/sim/metrics/percentile.js';
import type { MetricSample, TaskRecord } from '../../../src/sim/metrics/series.js';
import { sampledPendingSeconds, waitFigures } from '../../../src/sim/metrics/waits.js';

const H = 3_600_000;

/** Five hourly samples (unit: nodes), the run ends at 5 h. Every figure below is worked out by hand. */
const samples: MetricSample[] = [
  { t: 0 * H, supply: 4, demand: 2, nodesByGroup: { a: 2, b: 2 }, pendingInstances: 0 },
  { t: 1 * H, supply: 4, demand: 4, nodesByGroup: { a: 2, b: 2 }, pendingInstances: 0 },
  { t: 2 * H, supply: 6, demand: 8, nodesByGroup: { a: 4, b: 2 }, pendingInstances: 3 },
  { t: 3 * H, supply: 6, demand: 3, nodesByGroup: { a: 4, b: 2 }, pendingInstances: 0 },
  { t: 4 * H, supply: 2, demand: 4, nodesByGroup: { a: 1, b: 1 }, pendingInstances: 2 },
];
const END = 5 * H;

const records: TaskRecord[] = [
  { id: 'r1', submittedAt: 0, placedAt: 10_000, finishedAt: 20_000 },
  { id: 'r2', instances: 2, submittedAt: 0, placedAt: 30_000 },
  { id: 'r3', submittedAt: 100_000, placedAt: 100_000 },
  { id: 'r4', submittedAt: 200_000 },
  { id: 'r5', submittedAt: 0, placedAt: 1_000_000 },
];

describe('node-hours and cost', () => {
  it('integrates nodes per group over each sample interval', () => {
    const h = nodeHours(samples, END);
    // a: 2+2+4+4+1 = 13, b: 2+2+2+2+1 = 9 node-hours.
    expect(h.byGroup).toEqual({ a: 13, b: 9 });
    expect(h.total).toBe(22);
    expect(costOf(h, { a: 1, b: 0.5 })).toBe(17.5);
    expect(costOf(h, 2)).toBe(44);
    // Without an end the last sample has no width: 2+2+4+4 and 2+2+2+2.
    expect(nodeHours(samples).byGroup).toEqual({ a: 12, b: 8 });
  });

  it('counts scaling actions as per-group changes between samples', () => {
    // 2 h: a 2 -> 4 (up); 4 h: a 4 -> 1 and b 2 -> 1 (two downs).
    expect(scalingActions(samples)).toEqual({ total: 3, up: 1, down: 2 });
    expect(scalingActions([samples[0]!, { ...samples[0]!, t: H, nodesByGroup: { a: 2 } }])).toEqual({ total: 1, up: 0, down: 1 });
  });
});

describe('nearest-rank percentiles', () => {
  it('matches the textbook example', () => {
    const v = [15, 20, 35, 40, 50];
    expect(nearestRank(v, 0)).toBe(15);
    expect(nearestRank(v, 30)).toBe(20); // rank ceil(1.5) = 2
    expect(nearestRank(v, 40)).toBe(20); // rank 2
    expect(nearestRank(v, 50)).toBe(35); // rank ceil(2.5) = 3
    expect(nearestRank(v, 100)).toBe(50);
    expect(nearestRank([40, 15, 50, 35, 20], 50)).toBe(35);
  });

  it('weights count as repeated observations; no data gives NaN', () => {
    expect(nearestRank([1, 2], 50, [3, 1])).toBe(1); // 1,1,1,2: rank 2
    expect(nearestRank([1, 2], 80, [3, 1])).toBe(2); // rank ceil(3.2) = 4
    expect(nearestRank([], 50)).toBeNaN();
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe('waits before placement', () => {
  it('per instance, with never-placed work counted until the end', () => {
    const w = waitFigures(records, END);
    // Placed waits: 0, 10, 30, 30, 1000 s.
    expect(w.placedInstances).toBe(5);
    expect(w.neverPlacedInstances).toBe(1);
    expect(w.p50).toBe(30);
    expect(w.p95).toBe(1000);
    expect(w.p99).toBe(1000);
    expect(w.mean).toBe(214); // (0 + 10 + 60 + 1000) / 5
    expect(w.max).toBe(1000);
    // 10 + 2 x 30 + 0 + (18000 - 200) + 1000
    expect(w.pendingTaskSeconds).toBe(18_870);
  });

  it('a never-placed instance withdrawn before the end waits only until its withdrawal', () => {
    const w = waitFigures([{ id: 'gone', submittedAt: 100_000, finishedAt: 250_000 }, { id: 'still', instances: 2, submittedAt: 1_000_000 }], 2_000_000);
    // 150 s until withdrawal, plus 2 x 1000 s until the end of the run.
    expect(w.pendingTaskSeconds).toBe(2_150);
    expect(w.neverPlacedInstances).toBe(3);
  });

  it('integrates pending instances from the samples as a cross-check', () => {
    // 3 instances pending for the hour at 2 h, 2 for the hour at 4 h.
    expect(sampledPendingSeconds(samples, END)).toBe(18_000);
  });

  it('has NaN percentiles when nothing was placed', () => {
    const w = waitFigures([{ id: 'x', submittedAt: 0 }], 1000);
    expect(w.p50).toBeNaN();
    expect(w.pendingTaskSeconds).toBe(1);
  });
});

describe('SPEC elasticity metrics', () => {
  it('computes θ, τ and υ on a hand-worked series', () => {
    const e = elasticity(samples, END);
    // Under: (8-6)/8 at 2 h and (4-2)/4 at 4 h: 0.75 h of 5 h.
    expect(e.thetaU).toBeCloseTo(15);
    // Over: (4-2)/2 at 0 h and (6-3)/3 at 3 h: 2 h of 5 h.
    expect(e.thetaO).toBeCloseTo(40);
    expect(e.tauU).toBeCloseTo(40);
    expect(e.tauO).toBeCloseTo(40);
    // Moves: 1 h (s flat, d up) differ; 2 h both up; 3 h (s flat, d down) differ; 4 h (s down, d up) opposite.
    expect(e.upsilon).toBeCloseTo(75);
    expect(e.upsilonOpposite).toBeCloseTo(25);
  });

  it('is all zero for supply that tracks demand exactly', () => {
    const exact = [1, 3, 2, 5].map((d, i) => ({ t: i * H, supply: d, demand: d }));
    expect(elasticity(exact, 4 * H)).toEqual({ thetaU: 0, thetaO: 0, tauU: 0, tauO: 0, upsilon: 0, upsilonOpposite: 0 });
  });

  it('leaves zero-demand instants out of θ but not out of τ', () => {
    const e = elasticity([{ t: 0, supply: 2, demand: 0 }, { t: H, supply: 2, demand: 1 }], 2 * H);
    expect(e.thetaO).toBeCloseTo(50); // only the second hour: (2-1)/1 over 2 h
    expect(e.tauO).toBeCloseTo(100);
  });
});

describe('computeFigures', () => {
  it('gathers every figure for a run', () => {
    const f = computeFigures({ samples, tasks: records, endMs: END, pricePerNodeHour: { a: 1, b: 0.5 }, oracle: { nodeHours: 10, lowerBoundNodeHours: 9, cost: 5 } });
    expect(f.durationMs).toBe(END);
    expect(f.nodeHours).toBe(22);
    expect(f.cost).toBe(17.5);
    expect(f.waits.p50).toBe(30);
    expect(f.scalingActions.total).toBe(3);
    expect(f.elasticity.thetaU).toBeCloseTo(15);
    expect(f.oracle?.cost).toBe(5);
    expect(f.sampledPendingSeconds).toBe(18_000);
  });

  it('states node-hours as a multiple of the strict lower bound, and only when there is one', () => {
    const f = computeFigures({ samples, tasks: records, endMs: END, pricePerNodeHour: 1, oracle: { nodeHours: 10, lowerBoundNodeHours: 8, cost: 5 } });
    expect(f.nodeHoursOverLowerBound).toBe(22 / 8);
    expect(computeFigures({ samples, tasks: records, endMs: END, pricePerNodeHour: 1 }).nodeHoursOverLowerBound).toBeUndefined();
    const empty = computeFigures({ samples, tasks: records, endMs: END, pricePerNodeHour: 1, oracle: { nodeHours: 0, lowerBoundNodeHours: 0, cost: 0 } });
    expect(empty.nodeHoursOverLowerBound).toBeUndefined();
  });
});
