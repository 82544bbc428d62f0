import type { PendingLaunch } from '../model/pending.js';
import { RESOURCE_NAMES, toVector, type Resources } from '../model/resources.js';
import { describeConstraint, fieldValue, Placements, type NodeFields } from './constraints.js';

export { fieldValue, marathonValue, Placements, type NodeFields } from './constraints.js';

/**
 * The one answer to "can this app's next instance run on this node, and if not why":
 * used by the planner's estimator, the emulated Marathon's offer matching and the
 * simulator. Follows mesosphere/marathon src/main/scala/mesosphere/mesos/ResourceMatcher.scala
 * (`matchResources`: roles, constraints, scalar resources, ports, GPU scheduling behaviour)
 * and Constraints.scala (see constraints.ts).
 */

/**
 * Marathon's `NoOfferMatchReason`s in the order of its reject-summary funnel
 * (core/launchqueue/impl/OfferMatchStatistics `reasonFunnel`): a declined offer counts
 * under the first of these that applies.
 */
export const REJECT_REASONS = [
  'UnfulfilledRole',
  'UnfulfilledConstraint',
  'NoCorrespondingReservationFound',
  'AgentMaintenance',
  'InsufficientCpus',
  'InsufficientMemory',
  'InsufficientDisk',
  'InsufficientGpus',
  'InsufficientPorts',
  'DeclinedScarceResources',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Marathon's `--gpu_scheduling_behavior` (default `restricted`, MarathonConf.scala), or an app's `GPU_SCHEDULING_BEHAVIOR` label. */
export type GpuScheduling = 'restricted' | 'unrestricted';

/** What placement needs to know of an app. */
export interface PlacementApp {
  readonly id: string;
  /** One instance's resources, in RESOURCE_NAMES order. */
  readonly need: Float64Array;
  /** Host ports the app binds by number (requirePorts, container hostPorts): one instance per agent per port. */
  readonly fixedPorts: readonly number[];
  /** Roles whose resources the app may take (acceptedResourceRoles; by default "*" and its role). */
  readonly acceptedRoles: readonly string[];
  readonly gpuScheduling: GpuScheduling;
}

/** Free resources of one pool of a node (the unreserved "*" pool, or what is reserved for some roles). */
export interface Pool {
  /** Roles that own the pool: ["*"] for unreserved. A pool is usable when the app accepts all of them. */
  readonly roles: readonly string[];
  /** Free amounts in RESOURCE_NAMES order. */
  readonly free: Float64Array;
  /** False when the pool holds no cpus or mem at all (Mesos offers no such resources of it). */
  readonly offered?: boolean;
}

/**
 * A node as placement sees it: what constraints read, and its free room as the
 * app may use it. Planner bins answer from their pools, the simulator from its agents' pools.
 */
export interface PlacementNode extends NodeFields {
  /** False when no resource of the node belongs to a role the app accepts. */
  usableBy(app: PlacementApp): boolean;
  /** Free amount of resource `i` (RESOURCE_NAMES order) over the pools the app may use. */
  freeFor(app: PlacementApp, i: number): number;
  /** False when a fixed host port is already bound on the node (or outside its port ranges, when known). */
  portFree(port: number): boolean;
}

const EPSILON = 1e-9;
const GPUS = RESOURCE_NAMES.indexOf('gpus');
const SHORT: readonly RejectReason[] = ['InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientGpus', 'InsufficientPorts'];
/** The reason for a shortfall of each resource, in RESOURCE_NAMES order. */
export const RESOURCE_REASONS: readonly RejectReason[] = SHORT;

/** The app as placement sees it, from a waiting launch. */
export function placementApp(launch: PendingLaunch): PlacementApp {
  return {
    id: launch.id,
    need: toVector(launch.resources),
    fixedPorts: launch.fixedPorts ?? [],
    acceptedRoles: launch.acceptedRoles ?? (launch.role === '*' ? ['*'] : ['*', launch.role]),
    gpuScheduling: launch.gpuScheduling ?? 'restricted',
  };
}

/** Whether the app may take resources of this pool. */
export function usable(app: PlacementApp, pool: Pool): boolean {
  for (const r of pool.roles) if (!app.acceptedRoles.includes(r)) return false;
  return true;
}

/** Free amount of resource `i` over the pools the app may use. */
export function poolsFree(app: PlacementApp, pools: readonly Pool[], i: number): number {
  let sum = 0;
  for (const p of pools) if (usable(app, p)) sum += p.free[i] ?? 0;
  return sum;
}

/**
 * Why the node cannot take one more instance of the app, as the first reason of
 * Marathon's funnel; undefined when it can. `placed` holds the app's instances
 * (running and placed this cycle); without it, constraints see none.
 */
export function refusal(app: PlacementApp, node: PlacementNode, placed: Placements | undefined): RejectReason | undefined {
  // ResourceMatcher: an offer with no resource of an accepted role is UnfulfilledRole.
  if (!node.usableBy(app)) return 'UnfulfilledRole';
  if (placed && placed.constraints.length > 0 && placed.refusing(node)) return 'UnfulfilledConstraint';
  for (let i = 0; i < app.need.length; i++) {
    const need = app.need[i] ?? 0;
    if (need > 0 && need > node.freeFor(app, i) + EPSILON) return SHORT[i];
  }
  for (const port of app.fixedPorts) if (!node.portFree(port)) return 'InsufficientPorts';
  // GPU scheduling `restricted`: an app that needs no GPU declines offers with GPUs.
  if (app.gpuScheduling === 'restricted' && (app.need[GPUS] ?? 0) === 0 && node.freeFor(app, GPUS) > 0) return 'DeclinedScarceResources';
  return undefined;
}

/** The refusal with the detail a person needs: which constraint, how much is short. */
export function explain(app: PlacementApp, node: PlacementNode, placed: Placements | undefined): string | undefined {
  const reason = refusal(app, node, placed);
  switch (reason) {
    case undefined:
      return undefined;
    case 'UnfulfilledRole':
      return `no resources of the roles it accepts (${app.acceptedRoles.join(', ')})`;
    case 'UnfulfilledConstraint': {
      const c = placed?.refusing(node);
      if (!c) return 'a constraint refuses it';
      const v = fieldValue(node, c.field);
      return `constraint ${describeConstraint(c)} refuses ${c.field} ${v === undefined ? '(not set)' : `"${v}"`}${placed && placed.total > 0 ? ` with ${placed.total} instance(s) placed` : ''}`;
    }
    case 'InsufficientPorts':
      if (app.fixedPorts.some((p) => !node.portFree(p))) return `host port(s) ${app.fixedPorts.filter((p) => !node.portFree(p)).join(', ')} already bound`;
      return 'not enough ports';
    case 'DeclinedScarceResources':
      return 'the node has GPUs and the app needs none (GPU scheduling restricted)';
    default: {
      const i = SHORT.indexOf(reason);
      const name = RESOURCE_NAMES[i] ?? reason;
      return `needs ${name} ${Number((app.need[i] ?? 0).toFixed(3))}, node has ${Number(node.freeFor(app, i).toFixed(3))} free`;
    }
  }
}

/** Takes one instance's resources from the pools the app may use, reserved pools first (Mesos offers them first to their role). */
export function takeFromPools(app: PlacementApp, pools: readonly Pool[]): void {
  for (let i = 0; i < app.need.length; i++) {
    let left = app.need[i] ?? 0;
    for (let pass = 0; pass < 2 && left > 0; pass++) {
      for (const p of pools) {
        if (left <= 0) break;
        // First pass: reserved pools; second: unreserved.
        if (p.roles.includes('*') !== (pass === 1) || !usable(app, p)) continue;
        const have = p.free[i] ?? 0;
        const take = Math.min(left, Math.max(0, have));
        p.free[i] = have - take;
        left -= take;
      }
    }
  }
}

/** A scalar summary of resources for reasons. */
export function needOf(app: PlacementApp): Resources {
  return { cpus: app.need[0] ?? 0, mem: app.need[1] ?? 0, disk: app.need[2] ?? 0, gpus: app.need[3] ?? 0, ports: app.need[4] ?? 0 };
}
