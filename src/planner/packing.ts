import type { Constraint } from '../model/pending.js';
import { toVector, type Resources } from '../model/resources.js';
import { perHostLimit, Placements, type NodeFields } from './constraints.js';
import { poolsFree, refusal, takeFromPools, usable, type PlacementApp, type PlacementNode, type Pool } from './placement.js';

export const EPSILON = 1e-9;

/** A node with room left, during one packing pass. Mutable on purpose: packing is hot. */
export interface Bin extends PlacementNode {
  /** Free room of the unreserved pool (the first pool), in RESOURCE_NAMES order. */
  readonly free: Float64Array;
  /** Instances per app on this node (kept for scale-down's re-placement). */
  readonly apps: Map<string, number>;
  /** True for nodes the estimator added (template nodes). */
  readonly added: boolean;
  /** Fixed host ports bound on the node, as far as known. */
  readonly ports: Set<number>;
  readonly pools: readonly Pool[];
}


/** A packing bin as a class: its methods live on the prototype, not as closures made per node (10,000 agents a cycle). */
class PackingBin implements Bin {
  readonly hostname: string;
  readonly attributes: NodeFields['attributes'];
  readonly domain: NodeFields['domain'];
  readonly free: Float64Array;
  readonly ports = new Set<number>();

  constructor(node: NodeFields, readonly pools: readonly Pool[], readonly apps: Map<string, number>, readonly added: boolean) {
    this.hostname = node.hostname;
    this.attributes = node.attributes;
    this.domain = node.domain;
    this.free = (pools[0] as Pool).free;
  }

  usableBy(app: PlacementApp): boolean {
    for (const p of this.pools) if (p.offered !== false && usable(app, p)) return true;
    return false;
  }

  freeFor(app: PlacementApp, i: number): number {
    return poolsFree(app, this.pools, i);
  }

  portFree(port: number): boolean {
    return this.ports.size === 0 || !this.ports.has(port);
  }
}

/**
 * A bin for packing: unreserved free room, plus optionally free room reserved for
 * some roles (only apps accepting those roles may use it).
 */
export function makeBin(node: NodeFields, free: Resources, apps: Map<string, number> = new Map(), added = false, reserved?: { roles: readonly string[]; free: Resources; unreservedOffered: boolean }): Bin {
  const unreserved: Pool = { roles: UNRESERVED, free: toVector(free), offered: reserved?.unreservedOffered ?? true };
  return new PackingBin(node, reserved ? [unreserved, { roles: reserved.roles, free: toVector(reserved.free) }] : [unreserved], apps, added);
}

const UNRESERVED: readonly string[] = ['*'];

export function fitsIn(need: Float64Array, bin: Bin): boolean {
  for (let i = 0; i < need.length; i++) if ((need[i] ?? 0) > (bin.free[i] ?? 0) + EPSILON) return false;
  return true;
}

/** A cheap upper bound before the full placement check: `need` fits the node's free room of all pools together. */
export function mayFit(need: Float64Array, bin: Bin): boolean {
  const pools = bin.pools;
  if (pools.length === 1) return fitsIn(need, bin);
  for (let i = 0; i < need.length; i++) {
    let free = 0;
    for (const p of pools) free += p.free[i] ?? 0;
    if ((need[i] ?? 0) > free + EPSILON) return false;
  }
  return true;
}

/** Places one instance: its resources, its fixed ports, its count (and its constraint counts when given). */
export function place(app: PlacementApp, bin: Bin, placed: Placements | undefined): void {
  takeFromPools(app, bin.pools);
  for (const p of app.fixedPorts) bin.ports.add(p);
  bin.apps.set(app.id, (bin.apps.get(app.id) ?? 0) + 1);
  placed?.record(bin);
}

/** Takes `need` from the unreserved pool (scale-down's simulated moves). */
export function take(need: Float64Array, bin: Bin, app: string): void {
  for (let i = 0; i < need.length; i++) bin.free[i] = (bin.free[i] ?? 0) - (need[i] ?? 0);
  bin.apps.set(app, (bin.apps.get(app) ?? 0) + 1);
}

/** An app's constraints with no instance recorded, per constraints list (read-only once made). */
const EMPTY_PLACEMENTS = new WeakMap<readonly Constraint[], Placements>();

/**
 * Scale-down's re-placement check: resources of the unreserved pool, and the
 * constraints as the placement module evaluates them, knowing only the app's
 * instances on this node (the node's other facts are all it sees).
 */
export function canHost(need: Float64Array, constraints: readonly Constraint[], app: string, bin: Bin): boolean {
  if (!fitsIn(need, bin)) return false;
  if (constraints.length === 0) return true;
  const here = bin.apps.get(app) ?? 0;
  const probe: PlacementApp = { id: app, need, fixedPorts: [], acceptedRoles: ['*'], gpuScheduling: 'unrestricted' };
  // Hostname UNIQUE / MAX_PER only: the bin's own count answers the constraints.
  const limit = perHostLimit(constraints);
  if (limit !== undefined) return here < limit && refusal(probe, bin, undefined) === undefined;
  // No instance of the app on the bin: the same empty record for every bin (most of a scan).
  let placed = here === 0 ? EMPTY_PLACEMENTS.get(constraints) : undefined;
  if (placed === undefined) {
    placed = new Placements(constraints);
    for (let n = here; n > 0; n--) placed.record(bin);
    if (here === 0) EMPTY_PLACEMENTS.set(constraints, placed);
  }
  return refusal(probe, bin, placed) === undefined;
}
