import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootAwareCounts, oracleFigures, oracleFromSteps, oracleSeries, oracleTasksFromTrace, roundUpSize } from '../../../src/sim/metrics/oracle.js';
import { packFfd, packingLowerBound, PACK_DIMS, type PackSize, type SizeCount } from '../../../src/sim/metrics/packing.js';
import { generateTrace } from '../../../src/sim/trace/generator.js';

const H = 3_600_000;
const node: PackSize = { cpus: 4, mem: 8, disk: 0, gpus: 0 };
const sz = (cpus: number, mem: number, gpus = 0): PackSize => ({ cpus, mem, disk: 0, gpus });

/** Plain one-instance-at-a-time first-fit, for checking packFfd. */
function firstFitCount(instances: readonly PackSize[], cap: PackSize): number {
  const bins: Record<string, number>[] = [];
  for (const it of instances) {
    const fitsIn = (b: Record<string, number>): boolean => PACK_DIMS.every((d) => it[d] <= (b[d] ?? 0) + 1e-9);
    let bin = bins.find(fitsIn);
    if (bin === undefined) {
      bin = { cpus: cap.cpus, mem: cap.mem, disk: cap.disk, gpus: cap.gpus };
      bins.push(bin);
    }
    for (const d of PACK_DIMS) bin[d] = (bin[d] ?? 0) - it[d];
  }
  return bins.length;
}

/** The same order packFfd uses: dominant share, then sum of shares, stable. */
function ffdOrder(items: readonly SizeCount[], cap: PackSize): PackSize[] {
  const share = (s: PackSize): number => Math.max(...PACK_DIMS.map((d) => (s[d] > 0 ? s[d] / cap[d] : 0)));
  const sum = (s: PackSize): number => PACK_DIMS.reduce((a, d) => a + (cap[d] > 0 ? s[d] / cap[d] : 0), 0);
  return [...items]
    .filter((i) => i.count > 0)
    .sort((a, b) => share(b.size) - share(a.size) || sum(b.size) - sum(a.size))
    .flatMap((i) => Array.from({ length: i.count }, () => i.size));
}

describe('first-fit-decreasing packing', () => {
  it('packs a hand-checked two-dimensional case', () => {
    // (1 cpu, 4 mem) x2 share 0.5 but sort first (larger sum): one node (cpu 2, mem 8 used).
    // (2 cpu, 1 mem) x3: no memory left there; two more nodes. Optimal is also 3.
    const items = [{ size: sz(2, 1), count: 3 }, { size: sz(1, 4), count: 2 }];
    expect(packFfd(items, node)).toEqual({ bins: 3, unfit: 0 });
    // cpus 8/4 = 2, mem 11/8 -> 2.
    expect(packingLowerBound(items, node)).toBe(2);
  });

  it('packs a one-dimensional case to the optimum', () => {
    const items = [{ size: sz(2, 0), count: 4 }, { size: sz(3, 0), count: 2 }];
    const six = { cpus: 6, mem: 8, disk: 0, gpus: 0 };
    expect(packFfd(items, six).bins).toBe(3); // 3+3 | 2+2+2 | 2
    expect(packingLowerBound(items, six)).toBe(3); // 14 / 6
  });

  it('leaves out instances that fit no node', () => {
    const items = [{ size: sz(5, 1), count: 2 }, { size: sz(1, 1, 1), count: 1 }, { size: sz(1, 1), count: 3 }];
    expect(packFfd(items, node)).toEqual({ bins: 1, unfit: 3 });
    expect(packingLowerBound(items, node)).toBe(1);
    expect(packFfd([], node)).toEqual({ bins: 0, unfit: 0 });
  });

  const sizeArb = fc.record({
    cpus: fc.integer({ min: 0, max: 8 }).map((x) => x / 2),
    mem: fc.integer({ min: 0, max: 16 }).map((x) => x / 2),
  });
  const itemsArb = fc.array(fc.record({ size: sizeArb.map((s) => sz(s.cpus, s.mem)), count: fc.integer({ min: 0, max: 6 }) }), { maxLength: 12 });

  it('is exactly first-fit over the decreasing order', () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        expect(packFfd(items, node).bins).toBe(firstFitCount(ffdOrder(items, node), node));
      }),
      { numRuns: 300 },
    );
  });

  it('lower bound <= FFD <= instances, and the lower bound <= any packing that fits', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer(), (items, seed) => {
        const ffd = packFfd(items, node).bins;
        const lb = packingLowerBound(items, node);
        const instances = items.reduce((a, i) => a + i.count, 0);
        expect(lb).toBeLessThanOrEqual(ffd);
        expect(ffd).toBeLessThanOrEqual(Math.max(instances, 0));
        // Any other valid packing (first-fit in a shuffled order) needs at least the lower bound.
        const shuffled = ffdOrder(items, node).map((s, i) => ({ s, k: Math.sin(seed + i) })).sort((a, b) => a.k - b.k).map((x) => x.s);
        expect(lb).toBeLessThanOrEqual(firstFitCount(shuffled, node));
      }),
      { numRuns: 300 },
    );
  });
});

describe('oracle', () => {
  const tasks = [
    { start: 0, end: 2 * H, instances: 3, ...sz(2, 1) },
    { start: 1 * H, instances: 2, ...sz(1, 4) },
  ];
  const times = [0, 1 * H, 2 * H, 3 * H];

  it('follows the work present at each sample, provisioned instantly', () => {
    const s = oracleSeries(tasks, times, node);
    expect(s.nodes).toEqual([2, 3, 1, 1]);
    expect(s.lowerBound).toEqual([2, 2, 1, 1]);
    expect(s.unfit).toEqual([0, 0, 0, 0]);
    const f = oracleFigures(s, 4 * H, 2);
    expect(f.nodeHours).toBe(7);
    expect(f.lowerBoundNodeHours).toBe(6);
    expect(f.cost).toBe(14);
  });

  it('gives the same answer from per-step item lists', () => {
    const steps = [
      { t: 0, items: [{ size: sz(2, 1), count: 3 }] },
      { t: H, items: [{ size: sz(2, 1), count: 3 }, { size: sz(1, 4), count: 2 }] },
      { t: 2 * H, items: [{ size: sz(1, 4), count: 2 }] },
    ];
    expect(oracleFromSteps(steps, node).nodes).toEqual([2, 3, 1]);
  });

  it('rounds sizes up to a fraction of the node when asked', () => {
    expect(roundUpSize(sz(0.3, 100), { cpus: 4, mem: 8192, disk: 0, gpus: 0 }, 1 / 8)).toEqual(sz(0.5, 1024));
    expect(roundUpSize(sz(0.3, 100), node, undefined)).toEqual(sz(0.3, 100));
  });

  it('is fast: 10,000 steps over a 100,000-task week', () => {
    const trace = generateTrace({ seed: 9, days: 7, targetNodes: 300, nodeShape: { cpus: 16, mem: 65536 }, tasks: 100_000 });
    const steps = Array.from({ length: 10_000 }, (_, i) => Math.floor((i * 7 * 24 * H) / 10_000));
    const t0 = performance.now();
    const s = oracleSeries(oracleTasksFromTrace(trace), steps, { cpus: 16, mem: 65536, disk: 0, gpus: 0 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(Math.max(...s.nodes)).toBeGreaterThan(100);
    expect(s.nodes.filter((n, i) => n < (s.lowerBound[i] ?? 0))).toEqual([]);
  });
});

describe('boot-aware bound', () => {
  const MIN = 60_000;
  const series = { t: [0, 1, 2, 3, 4, 5].map((m) => m * MIN), lowerBound: [1, 1, 5, 1, 1, 1] };

  it('raises each sample to the largest count of the samples within one delay after it', () => {
    expect(bootAwareCounts(series, 0)).toEqual([1, 1, 5, 1, 1, 1]);
    // A sample exactly one delay later counts (a node registered then was asked for by now).
    expect(bootAwareCounts(series, 2 * MIN)).toEqual([5, 5, 5, 1, 1, 1]);
    expect(bootAwareCounts(series, 2 * MIN - 1)).toEqual([1, 5, 5, 1, 1, 1]);
    const f = oracleFigures({ ...series, nodes: series.lowerBound, unfit: [0, 0, 0, 0, 0, 0] }, 6 * MIN, 1, 'oracle', { delayMs: 2 * MIN, counts: bootAwareCounts(series, 2 * MIN) });
    expect(f.lowerBoundNodeHours).toBeCloseTo((10 * MIN) / H, 12);
    expect(f.bootAware).toEqual({ delayMs: 2 * MIN, lowerBoundNodeHours: expect.closeTo((18 * MIN) / H, 12) });
    expect(oracleFigures({ ...series, nodes: series.lowerBound, unfit: [0, 0, 0, 0, 0, 0] }, 6 * MIN, 1).bootAware).toBeUndefined();
  });

  it('no schedule of nodes that register one delay after they are asked for pays less while its registered nodes hold the work', () => {
    // Nodes asked for at a cycle (sample index; -1: there from the start), paid from then until `end`,
    // registered from the first sample at or after the ask plus the delay. The work at each sample is
    // any count the registered nodes hold; the nodes paid can never be fewer than the bound's.
    const node = fc.record({ ask: fc.integer({ min: -1, max: 29 }), life: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(fc.array(node, { maxLength: 25 }), fc.integer({ min: 0, max: 6 * MIN }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 30, maxLength: 30 }), (nodes, delayMs, share) => {
        const samples = 30;
        const t = Array.from({ length: samples }, (_, k) => k * MIN);
        const lag = Math.ceil(delayMs / MIN);
        const paid = t.map((_, k) => nodes.filter((n) => Math.max(0, n.ask) <= k && k < Math.max(0, n.ask) + n.life).length);
        const registered = t.map((_, k) => nodes.filter((n) => (n.ask < 0 ? 0 : n.ask + lag) <= k && k < Math.max(0, n.ask) + n.life).length);
        const work = registered.map((r, k) => Math.floor((share[k] ?? 0) * (r + 1)) - (share[k] === 1 ? 1 : 0));
        const bound = bootAwareCounts({ t, lowerBound: work }, delayMs);
        bound.forEach((b, k) => expect(b).toBeGreaterThanOrEqual(work[k] ?? 0));
        expect(paid.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(bound.reduce((a, b) => a + b, 0));
        // Per sample, too: the bound holds at every instant, not only in sum.
        bound.forEach((b, k) => expect(paid[k] ?? 0).toBeGreaterThanOrEqual(b));
      }),
      { numRuns: 500 },
    );
  });
});
