import type { Constraint } from '../model/pending.js';
import { RESOURCE_NAMES, type Resources } from '../model/resources.js';
import { allows, type NodeFacts } from './constraints.js';

const EPSILON = 1e-9;

/** A node with room left, during one packing pass. Mutable on purpose: packing is hot. */
export interface Bin extends NodeFacts {
  readonly free: Float64Array;
  /** Instances per app on this node (for UNIQUE and MAX_PER hostname). */
  readonly apps: Map<string, number>;
  /** True for nodes the estimator added (template nodes). */
  readonly added: boolean;
}

export function toVector(r: Resources): Float64Array {
  return Float64Array.from(RESOURCE_NAMES, (n) => r[n]);
}

export function makeBin(node: NodeFacts, free: Resources, apps: Map<string, number> = new Map(), added = false): Bin {
  return { hostname: node.hostname, attributes: node.attributes, free: toVector(free), apps, added };
}

export function fitsIn(need: Float64Array, bin: Bin): boolean {
  for (let i = 0; i < need.length; i++) if ((need[i] ?? 0) > (bin.free[i] ?? 0) + EPSILON) return false;
  return true;
}

export function take(need: Float64Array, bin: Bin, app: string): void {
  for (let i = 0; i < need.length; i++) bin.free[i] = (bin.free[i] ?? 0) - (need[i] ?? 0);
  bin.apps.set(app, (bin.apps.get(app) ?? 0) + 1);
}

export function canHost(need: Float64Array, constraints: readonly Constraint[], app: string, bin: Bin): boolean {
  return fitsIn(need, bin) && (constraints.length === 0 || allows(constraints, bin, bin.apps.get(app) ?? 0));
}

/** First bin that takes the item, or undefined. Starts at `from` to skip bins known to be full. */
export function firstFit(need: Float64Array, constraints: readonly Constraint[], app: string, bins: readonly Bin[], from = 0): Bin | undefined {
  for (let i = from; i < bins.length; i++) {
    const bin = bins[i];
    if (bin && canHost(need, constraints, app, bin)) return bin;
  }
  return undefined;
}
