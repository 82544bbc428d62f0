/**
 * How tightly the generated week's work can be packed at all: at every sample, the strict lower
 * bound (max over resources of ceil(work / node capacity)), the simulator's packing oracle
 * (first-fit decreasing by dominant share, src/sim/metrics/packing.ts) and a bin-centric
 * dot-product packing (Panigrahy et al., "Heuristics for Vector Bin Packing", 2011: fill one node
 * at a time, each time with the instance that fits and whose normalised size has the largest dot
 * product with the node's normalised free room). Every packing is achievable, so the best of them
 * bounds from above what any autoscaler could reach with instant boots and free re-packing.
 *
 *   npx tsx bench/packing-reference.ts [days=7] [stepMinutes=10]
 */
import { generateTrace } from '../src/sim/trace/generator.js';
import { FfdPacker, packingLowerBound, PACK_DIMS, type PackSize, type SizeCount } from '../src/sim/metrics/packing.js';

const days = Number(process.argv[2] ?? 7);
const stepMinutes = Number(process.argv[3] ?? 10);
// The standard generated trace of BENCHMARKS.md, as `simulate --trace generate:1:7:500:100000` makes
// it (src/cli/simulate-trace.ts: shape cpus and mem only, so tasks ask no disk), on the CLI's default
// node of 16 cpus / 65536 MB / 204800 MB disk.
const node: PackSize = { cpus: 16, mem: 65536, disk: 204800, gpus: 0 };
const tasks = generateTrace({ seed: 1, days, targetNodes: 500, nodeShape: { cpus: node.cpus, mem: node.mem }, tasks: Math.round((100_000 * days) / 7) });
const dims = PACK_DIMS.filter((d) => node[d] > 0);
const EPS = 1e-9;

/** The work present at `t` (submitted, not finished), as counts per distinct size. */
function present(t: number): SizeCount[] {
  const bySize = new Map<string, { size: PackSize; count: number }>();
  for (const k of tasks) {
    const end = k.durationMs === undefined || !Number.isFinite(k.durationMs) ? Infinity : k.submitAt + k.durationMs;
    if (k.submitAt > t || t >= end) continue;
    const key = `${k.cpus}|${k.mem}|${k.disk}|${k.gpus}`;
    const e = bySize.get(key) ?? { size: { cpus: k.cpus, mem: k.mem, disk: k.disk, gpus: k.gpus }, count: 0 };
    e.count += k.instances;
    bySize.set(key, e);
  }
  return [...bySize.values()];
}

/** Bin-centric dot-product packing: the number of nodes it opens. */
function dotProductPack(items: readonly SizeCount[]): number {
  const kinds = items.map((it) => ({ v: dims.map((d) => it.size[d] / node[d]), left: it.count }));
  let left = kinds.reduce((n, k) => n + k.left, 0);
  let nodes = 0;
  const free = dims.map(() => 1);
  while (left > 0) {
    nodes++;
    free.fill(1);
    for (;;) {
      let best = -1;
      let bestScore = -1;
      for (let i = 0; i < kinds.length; i++) {
        const k = kinds[i];
        if (k === undefined || k.left <= 0) continue;
        let score = 0;
        let fits = true;
        for (let d = 0; d < dims.length; d++) {
          const need = k.v[d] ?? 0;
          if (need > (free[d] ?? 0) + EPS) {
            fits = false;
            break;
          }
          score += need * (free[d] ?? 0);
        }
        if (fits && score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      const k = kinds[best];
      if (k === undefined) break;
      k.left--;
      left--;
      for (let d = 0; d < dims.length; d++) free[d] = (free[d] ?? 0) - (k.v[d] ?? 0);
    }
  }
  return nodes;
}

const ffd = new FfdPacker(node);
let bound = 0;
let ffdNodes = 0;
let dot = 0;
const stepMs = stepMinutes * 60_000;
for (let t = 0; t < days * 86_400_000; t += stepMs) {
  const items = present(t);
  bound += packingLowerBound(items, node);
  ffdNodes += ffd.pack(items).bins;
  dot += dotProductPack(items);
}
const hours = stepMs / 3_600_000;
const fmt = (x: number): string => (x * hours).toLocaleString('en-US', { maximumFractionDigits: 1 });
console.log(`generated trace seed 1, ${days} day(s), samples every ${stepMinutes} min; node-hours (sample sums):`);
console.log(`strict lower bound      ${fmt(bound)}`);
console.log(`first-fit decreasing    ${fmt(ffdNodes)}  = ${(ffdNodes / bound).toFixed(3)}x bound`);
console.log(`dot-product (per node)  ${fmt(dot)}  = ${(dot / bound).toFixed(3)}x bound`);
