/**
 * Multi-dimensional bin packing of task instances onto identical nodes, for the oracle.
 * Dimensions: cpus, mem, disk, gpus (ports are left out: every node has plenty).
 */
export const PACK_DIMS = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type PackDim = (typeof PACK_DIMS)[number];
export type PackSize = Readonly<Record<PackDim, number>>;

/** `count` instances of one size. */
export interface SizeCount {
  readonly size: PackSize;
  readonly count: number;
}

export interface PackResult {
  /** Nodes the first-fit-decreasing packing opens. */
  readonly bins: number;
  /** Instances that fit no empty node at all (left out of `bins`). */
  readonly unfit: number;
}

/** Float slack for sums such as 0.1 + 0.2 cpus. */
const EPS = 1e-9;
const D = PACK_DIMS.length;

/** Fraction of a node the size takes in its largest dimension: the FFD sort key. */
function dominantShare(size: PackSize, node: PackSize): number {
  let share = 0;
  for (const d of PACK_DIMS) {
    if (size[d] <= 0) continue;
    share = Math.max(share, node[d] > 0 ? size[d] / node[d] : Infinity);
  }
  return share;
}

function sizeSum(size: PackSize, node: PackSize): number {
  let sum = 0;
  for (const d of PACK_DIMS) if (node[d] > 0) sum += size[d] / node[d];
  return sum;
}

/** How many instances of `size` fit into `free`. */
function howMany(free: Float64Array, offset: number, size: Float64Array, limit: number): number {
  let k = limit;
  for (let d = 0; d < D; d++) {
    const need = size[d] ?? 0;
    if (need <= 0) continue;
    k = Math.min(k, Math.floor(((free[offset + d] ?? 0) + EPS) / need));
    if (k <= 0) return 0;
  }
  return k;
}

/**
 * Open nodes in opening order, with a segment tree holding, per dimension, the largest free
 * capacity in each range: finding the first node an instance fits skips whole ranges that
 * cannot hold it, so first-fit costs about log(nodes) per placement instead of a scan.
 */
class OpenBins {
  private leaves = 1;
  /** maxFree[d][node] for the tree; leaves at leaves + i. Unopened leaves hold -1. */
  private maxFree: Float64Array[] = [];
  count = 0;

  constructor(expected: number) {
    this.resize(Math.max(16, expected));
  }

  private resize(min: number): void {
    let leaves = this.leaves;
    while (leaves < min) leaves *= 2;
    const old = this.maxFree;
    const oldLeaves = this.leaves;
    this.leaves = leaves;
    this.maxFree = PACK_DIMS.map(() => new Float64Array(2 * leaves).fill(-1));
    for (let d = 0; d < D; d++) {
      const tree = this.maxFree[d];
      const prev = old[d];
      if (tree === undefined) continue;
      if (prev !== undefined) for (let i = 0; i < this.count; i++) tree[leaves + i] = prev[oldLeaves + i] ?? -1;
      for (let n = leaves - 1; n >= 1; n--) tree[n] = Math.max(tree[2 * n] ?? -1, tree[2 * n + 1] ?? -1);
    }
  }

  free(bin: number, d: number): number {
    return this.maxFree[d]?.[this.leaves + bin] ?? -1;
  }

  /** Opens a node with the given free capacity; returns its index. */
  open(free: Float64Array): number {
    if (this.count >= this.leaves) this.resize(this.leaves * 2);
    const bin = this.count++;
    this.set(bin, free);
    return bin;
  }

  set(bin: number, free: Float64Array): void {
    for (let d = 0; d < D; d++) {
      const tree = this.maxFree[d];
      if (tree === undefined) continue;
      let n = this.leaves + bin;
      tree[n] = free[d] ?? 0;
      for (n >>= 1; n >= 1; n >>= 1) tree[n] = Math.max(tree[2 * n] ?? -1, tree[2 * n + 1] ?? -1);
    }
  }

  private fitsAt(n: number, need: Float64Array): boolean {
    for (let d = 0; d < D; d++) {
      const want = need[d] ?? 0;
      if (want > 0 && (this.maxFree[d]?.[n] ?? -1) + EPS < want) return false;
    }
    return true;
  }

  /** First open node (lowest index) with room for `need`, or -1. */
  firstFit(need: Float64Array): number {
    return this.search(1, need);
  }

  private search(n: number, need: Float64Array): number {
    if (!this.fitsAt(n, need)) return -1;
    if (n >= this.leaves) return n - this.leaves < this.count ? n - this.leaves : -1;
    const left = this.search(2 * n, need);
    return left >= 0 ? left : this.search(2 * n + 1, need);
  }
}

/**
 * First-fit decreasing: instances sorted by dominant share (then by the sum of shares), each put
 * into the first open node it fits, else into a new node. FFD is a heuristic: its count is an
 * upper bound of the optimum (and within 11/9 OPT + 1 in one dimension). Equal instances are
 * placed together: a node found by first-fit takes as many of them as fit, which is what
 * one-by-one first-fit would do.
 */
export function packFfd(items: readonly SizeCount[], node: PackSize): PackResult {
  const sorted = items
    .filter((it) => it.count > 0)
    .map((it) => ({ it, key: dominantShare(it.size, node), tie: sizeSum(it.size, node) }))
    .sort((a, b) => b.key - a.key || b.tie - a.tie);
  const cap = new Float64Array(PACK_DIMS.map((d) => node[d]));
  const bins = new OpenBins(64);
  const size = new Float64Array(D);
  const scratch = new Float64Array(D);
  let unfit = 0;

  for (const { it, key } of sorted) {
    let remaining = it.count;
    PACK_DIMS.forEach((d, i) => (size[i] = it.size[d]));
    if (!Number.isFinite(key) || key > 1 + EPS) {
      unfit += remaining;
      continue;
    }
    while (remaining > 0) {
      const bin = bins.firstFit(size);
      if (bin < 0) break;
      for (let d = 0; d < D; d++) scratch[d] = bins.free(bin, d);
      const k = howMany(scratch, 0, size, remaining);
      if (k <= 0) break; // cannot happen: firstFit checked one fits
      for (let d = 0; d < D; d++) scratch[d] = (scratch[d] ?? 0) - k * (size[d] ?? 0);
      bins.set(bin, scratch);
      remaining -= k;
    }
    // The rest goes to new nodes, each filled as far as it goes.
    const per = remaining > 0 ? howMany(cap, 0, size, remaining) : 0;
    while (remaining > 0 && per > 0) {
      const k = Math.min(per, remaining);
      for (let d = 0; d < D; d++) scratch[d] = (cap[d] ?? 0) - k * (size[d] ?? 0);
      bins.open(scratch);
      remaining -= k;
    }
  }
  return { bins: bins.count, unfit };
}

/**
 * A lower bound of the optimum: max over dimensions of ceil(total need / node capacity).
 * Instances that fit no node are left out, as in packFfd.
 */
export function packingLowerBound(items: readonly SizeCount[], node: PackSize): number {
  let bound = 0;
  const totals = PACK_DIMS.map(() => 0);
  for (const it of items) {
    if (it.count <= 0 || dominantShare(it.size, node) > 1 + EPS) continue;
    PACK_DIMS.forEach((d, i) => (totals[i] = (totals[i] ?? 0) + it.size[d] * it.count));
  }
  PACK_DIMS.forEach((d, i) => {
    if (node[d] > 0) bound = Math.max(bound, Math.ceil((totals[i] ?? 0) / node[d] - 1e-6));
  });
  return bound;
}
