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
 * Only dimensions the node has (capacity > 0) are tracked; instances needing others never fit.
 * The dimensions of a tree node sit side by side in one array (a check reads one cache line).
 */
class OpenBins {
  private leaves = 0;
  /** Active dimensions per tree node. */
  private readonly width: number;
  /** maxFree of tree node n, active dimension j, at n * width + j; leaves at leaves + bin; unopened leaves hold -1. */
  private tree = new Float64Array(0);
  count = 0;

  constructor(private readonly dims: readonly number[]) {
    this.width = dims.length;
    this.grow(64);
  }

  private grow(min: number): void {
    let leaves = Math.max(1, this.leaves);
    while (leaves < min) leaves *= 2;
    const w = this.width;
    const old = this.tree;
    const oldLeaves = this.leaves;
    const tree = new Float64Array(2 * leaves * w).fill(-1);
    if (oldLeaves > 0) tree.set(old.subarray(oldLeaves * w, (oldLeaves + this.count) * w), leaves * w);
    this.leaves = leaves;
    this.tree = tree;
    for (let n = leaves - 1; n >= 1; n--) this.pull(n);
  }

  /** Recomputes tree node n from its children. */
  private pull(n: number): void {
    const t = this.tree;
    const w = this.width;
    const l = 2 * n * w;
    const r = l + w;
    for (let j = 0; j < w; j++) t[n * w + j] = Math.max(t[l + j] as number, t[r + j] as number);
  }

  reset(): void {
    this.tree.fill(-1);
    this.count = 0;
  }

  /** Free capacity of `bin` in every dimension (inactive ones read as 0). */
  read(bin: number, out: Float64Array): void {
    out.fill(0);
    const at = (this.leaves + bin) * this.width;
    for (let j = 0; j < this.width; j++) out[this.dims[j] as number] = this.tree[at + j] as number;
  }

  /** Opens `k` nodes with the same free capacity. */
  openMany(free: Float64Array, k: number): void {
    if (k <= 0) return;
    if (this.count + k > this.leaves) this.grow(this.count + k);
    const first = this.count;
    this.count += k;
    const w = this.width;
    const t = this.tree;
    for (let b = this.leaves + first; b < this.leaves + first + k; b++) for (let j = 0; j < w; j++) t[b * w + j] = free[this.dims[j] as number] as number;
    // Recompute the ancestors of the new range, level by level.
    for (let lo = (this.leaves + first) >> 1, hi = (this.leaves + first + k - 1) >> 1; lo >= 1; lo >>= 1, hi >>= 1) {
      for (let n = lo; n <= hi; n++) this.pull(n);
      if (lo === 1) break;
    }
  }

  set(bin: number, free: Float64Array): void {
    const w = this.width;
    let n = this.leaves + bin;
    for (let j = 0; j < w; j++) this.tree[n * w + j] = free[this.dims[j] as number] as number;
    for (n >>= 1; n >= 1; n >>= 1) this.pull(n);
  }

  private fitsAt(n: number, need: Float64Array): boolean {
    const t = this.tree;
    const at = n * this.width;
    for (let j = 0; j < this.width; j++) {
      const want = need[this.dims[j] as number] as number;
      if (want > 0 && (t[at + j] as number) + EPS < want) return false;
    }
    return true;
  }

  /**
   * First open node at or after `from` with room for `need`, or -1: a left-first walk that skips
   * subtrees (from the root, or from the leaf `from` rightwards, subtree by subtree).
   */
  firstFit(need: Float64Array, from = 0): number {
    if (from >= this.count) return -1;
    let n = from === 0 ? 1 : this.leaves + from;
    for (;;) {
      if (this.fitsAt(n, need)) {
        if (n >= this.leaves) return n - this.leaves < this.count ? n - this.leaves : -1;
        n *= 2;
        continue;
      }
      // Skip this subtree: climb while we are a right child, then step to the right sibling.
      while (n & 1) n >>= 1;
      if (n === 0) return -1;
      n += 1;
    }
  }
}

/**
 * First-fit decreasing: instances sorted by dominant share (then by the sum of shares), each put
 * into the first open node it fits, else into a new node. FFD is a heuristic: its count is an
 * upper bound of the optimum (and within 11/9 OPT + 1 in one dimension). Equal instances are
 * placed together: a node found by first-fit takes as many of them as fit, which is what
 * one-by-one first-fit would do. A packer keeps its buffers between calls (one per oracle run).
 */
export class FfdPacker {
  private readonly cap: Float64Array;
  private readonly bins: OpenBins;
  private readonly size = new Float64Array(D);
  private readonly scratch = new Float64Array(D);

  constructor(private readonly node: PackSize) {
    this.cap = new Float64Array(PACK_DIMS.map((d) => node[d]));
    this.bins = new OpenBins(PACK_DIMS.map((_, i) => i).filter((i) => (this.cap[i] ?? 0) > 0));
  }

  pack(items: readonly SizeCount[]): PackResult {
    const { node, cap, bins, size, scratch } = this;
    const sorted = items
      .filter((it) => it.count > 0)
      .map((it) => ({ it, key: dominantShare(it.size, node), tie: sizeSum(it.size, node) }))
      .sort((a, b) => b.key - a.key || b.tie - a.tie);
    bins.reset();
    let unfit = 0;
    for (const { it, key } of sorted) {
      let remaining = it.count;
      PACK_DIMS.forEach((d, i) => (size[i] = it.size[d]));
      if (!Number.isFinite(key) || key > 1 + EPS) {
        unfit += remaining;
        continue;
      }
      // Nodes before the last one taken had no room for this size, and placing only takes room:
      // the next search starts after it (from the root it walked down, again and again, into
      // subtrees whose largest cpus and largest mem sit in different nodes).
      let from = 0;
      while (remaining > 0) {
        const bin = bins.firstFit(size, from);
        if (bin < 0) break;
        bins.read(bin, scratch);
        const k = howMany(scratch, 0, size, remaining);
        if (k <= 0) break; // cannot happen: firstFit checked that one fits
        for (let d = 0; d < D; d++) scratch[d] = (scratch[d] ?? 0) - k * (size[d] ?? 0);
        bins.set(bin, scratch);
        remaining -= k;
        // Took all that fit: the node has no room for another.
        from = bin + 1;
      }
      if (remaining <= 0) continue;
      // The rest goes to new nodes: full ones in one go, then one holding what is left.
      const per = howMany(cap, 0, size, remaining);
      const full = Math.floor(remaining / per);
      for (let d = 0; d < D; d++) scratch[d] = (cap[d] ?? 0) - per * (size[d] ?? 0);
      bins.openMany(scratch, full);
      const rest = remaining - full * per;
      if (rest > 0) {
        for (let d = 0; d < D; d++) scratch[d] = (cap[d] ?? 0) - rest * (size[d] ?? 0);
        bins.openMany(scratch, 1);
      }
    }
    return { bins: bins.count, unfit };
  }
}

export function packFfd(items: readonly SizeCount[], node: PackSize): PackResult {
  return new FfdPacker(node).pack(items);
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
