import { ACTIVE_TASK_STATES, type Agent } from '../model/agent.js';
import type { PendingLaunch } from '../model/pending.js';
import { add, formatResources, scale, subtractFloor, ZERO, type Resources } from '../model/resources.js';
import { canReopen, Placements } from './constraints.js';
import { ROOM_BLOCK, type GroupView } from './group-view.js';
import { EPSILON, makeBin, mayFit, place, type Bin } from './packing.js';
import { explain, placementApp, refusal, type PlacementApp } from './placement.js';
import type { NodeTemplate } from './template.js';

/** Waiting instances of one launch, during estimation. */
export interface Item {
  readonly launch: PendingLaunch;
  readonly app: PlacementApp;
  /** Where the app's instances are (running and placed so far); undefined without constraints. */
  placed: Placements | undefined;
  /** A refusal by one of its constraints may be lifted by later placements (GROUP_BY). */
  readonly reopens: boolean;
  remaining: number;
}

/**
 * The waiting work as packing items, largest first (first-fit decreasing), each
 * with its app's running instances counted for its constraints (Marathon checks
 * constraints against all of the app's instances, wherever they run).
 */
export function itemsOf(pending: readonly PendingLaunch[], agents: readonly Agent[] = []): Item[] {
  const items = pending
    .filter((p) => p.count > 0 && !p.delayed)
    .map((launch): Item => ({
      launch,
      app: placementApp(launch),
      placed: launch.constraints.length > 0 ? new Placements(launch.constraints) : undefined,
      reopens: launch.constraints.some(canReopen),
      remaining: launch.count,
    }))
    .sort((a, b) => b.launch.resources.cpus - a.launch.resources.cpus || b.launch.resources.mem - a.launch.resources.mem || (a.launch.id < b.launch.id ? -1 : 1));
  const constrained = new Map(items.filter((i) => i.placed).map((i) => [i.launch.id, i]));
  if (constrained.size > 0) {
    for (const a of agents) {
      for (const t of a.tasks) {
        const item = t.appId === undefined ? undefined : constrained.get(t.appId);
        if (item && ACTIVE_TASK_STATES.has(t.state)) item.placed?.record(a);
      }
    }
  }
  return items;
}

/** Fixed host ports per app id, for marking them bound where the app already runs. */
export function fixedPortsByApp(items: readonly Item[]): ReadonlyMap<string, readonly number[]> {
  return new Map(items.filter((i) => i.app.fixedPorts.length > 0).map((i) => [i.launch.id, i.app.fixedPorts]));
}

/**
 * An agent's free room as a bin: unreserved room apart from room reserved for its
 * roles. Tasks of a reserved role are taken to use their reservation first.
 */
export function agentBin(a: Agent, fixedPorts: ReadonlyMap<string, readonly number[]> = new Map()): Bin {
  const apps = new Map<string, number>();
  let reservedUse: Resources = ZERO;
  const reservedRoles = a.reservedRoles.length === 0 ? a.reservedRoles : a.reservedRoles.filter((r) => r !== '*');
  // Only reservations and fixed ports need the agent's task list (10,000 agents a cycle: skip it otherwise).
  if (reservedRoles.length > 0 || fixedPorts.size > 0) {
    for (const t of a.tasks) {
      if (!ACTIVE_TASK_STATES.has(t.state)) continue;
      if (t.appId) apps.set(t.appId, (apps.get(t.appId) ?? 0) + 1);
      if (reservedRoles.length > 0 && t.role !== undefined && reservedRoles.includes(t.role)) reservedUse = add(reservedUse, t.resources);
    }
  }
  let bin: Bin;
  if (reservedRoles.length > 0) {
    const fromReservation = subtractFloor(reservedUse, subtractFloor(reservedUse, a.reserved)); // min(use, reserved)
    const unreservedUse = subtractFloor(a.used, fromReservation);
    const unreserved = subtractFloor(a.total, a.reserved);
    bin = makeBin(a, subtractFloor(unreserved, unreservedUse), apps, false, { roles: reservedRoles, free: subtractFloor(a.reserved, fromReservation), unreservedOffered: unreserved.cpus > 0 || unreserved.mem > 0 });
  } else {
    bin = makeBin(a, subtractFloor(a.total, a.used), apps);
  }
  if (fixedPorts.size > 0) for (const [app] of apps) for (const p of fixedPorts.get(app) ?? []) bin.ports.add(p);
  return bin;
}

/** A fresh node of the template. */
export function templateBin(template: NodeTemplate, hostname: string, added = true): Bin {
  const node = { hostname, attributes: template.attributes, ...(template.domain ? { domain: template.domain } : {}) };
  const r = template.reserved;
  if (!r) return makeBin(node, template.resources, new Map(), added);
  const unreserved = subtractFloor(template.resources, r.resources);
  return makeBin(node, unreserved, new Map(), added, { roles: r.roles, free: r.resources, unreservedOffered: unreserved.cpus > 0 || unreserved.mem > 0 });
}

/** Bins packing looks at in order, made on first use. */
export interface BinList {
  readonly length: number;
  /** The first position at or after `i` whose bin may hold `need` (a bound on cpus and mem), or `length`. */
  nextFitting(i: number, need: Float64Array): number;
  at(i: number): Bin;
}

/** A plain array of bins as a BinList (nothing skipped). */
export function binList(bins: readonly Bin[]): BinList {
  return { length: bins.length, nextFitting: (i) => i, at: (i) => bins[i] as Bin };
}


/**
 * Free room of every agent that counts as capacity, plus nodes already booting. An agent's bin is
 * made when packing first looks at it, and runs of agents that cannot hold a need are skipped by
 * the view's room bound: at 50,000 agents a bin per agent per cycle was most of a scale-up
 * cycle's garbage (bench/warm.ts), and a need that fits no agent was a look at every agent.
 */
class ExistingBins implements BinList {
  readonly length: number;
  readonly #made: (Bin | undefined)[];
  readonly #booting: number;

  constructor(private readonly view: GroupView, private readonly template: NodeTemplate | undefined, private readonly fixedPorts: ReadonlyMap<string, readonly number[]>) {
    // `current` counts the group's own agents (registered) and its instances on their way in; agents that
    // merely match the selector (capacity, not instances of the group) are no booting node's business.
    this.#booting = view.provider && template ? Math.max(0, view.current - view.registered.length) : 0;
    this.length = view.capacity.length + this.#booting;
    this.#made = new Array<Bin | undefined>(this.length);
  }

  nextFitting(from: number, need: Float64Array): number {
    const { capacity, room } = this.view;
    let i = from;
    while (i < capacity.length) {
      if (this.#made[i] !== undefined) return i;
      const block = Math.floor(i / ROOM_BLOCK);
      // Room is only ever taken while packing, so the block's bound stays a bound.
      if ((need[0] as number) > (room.cpus[block] as number) + EPSILON || (need[1] as number) > (room.mem[block] as number) + EPSILON) {
        i = Math.min((block + 1) * ROOM_BLOCK, capacity.length);
        continue;
      }
      // The agent's own bound, from the view's numbers (no read of the agent).
      if ((need[0] as number) <= (room.each[2 * i] as number) + EPSILON && (need[1] as number) <= (room.each[2 * i + 1] as number) + EPSILON) return i;
      i++;
    }
    return i;
  }

  at(i: number): Bin {
    let bin = this.#made[i];
    if (bin === undefined) {
      const { capacity, config } = this.view;
      bin = i < capacity.length ? agentBin(capacity[i] as Agent, this.fixedPorts) : templateBin(this.template as NodeTemplate, `booting-${config.name}-${i - capacity.length}`, false);
      this.#made[i] = bin;
    }
    return bin;
  }
}

export function existingBins(view: GroupView, template: NodeTemplate | undefined, fixedPorts: ReadonlyMap<string, readonly number[]> = new Map()): BinList {
  return new ExistingBins(view, template, fixedPorts);
}

/** Several lists as one, in order; `listOf(i)` says which list position `i` is in. */
export function concatBins(lists: readonly BinList[]): BinList & { listOf(i: number): number } {
  const starts: number[] = [];
  let length = 0;
  for (const l of lists) {
    starts.push(length);
    length += l.length;
  }
  const listOf = (i: number): number => {
    let k = 0;
    while (k + 1 < starts.length && (starts[k + 1] as number) <= i) k++;
    return k;
  };
  return {
    length,
    listOf,
    nextFitting(i, need) {
      let at = i;
      for (let k = listOf(i); k < lists.length && at < length; k++) {
        const start = starts[k] as number;
        const l = lists[k] as BinList;
        const j = l.nextFitting(Math.max(at, start) - start, need);
        if (j < l.length) return start + j;
        at = start + l.length;
      }
      return length;
    },
    at: (i) => {
      const k = listOf(i);
      return (lists[k] as BinList).at(i - (starts[k] as number));
    },
  };
}

/**
 * Places as many instances of one item as fit onto the bins, first fit, updating
 * the item's placements after each. A bin refused for room or a constraint that
 * only gets stricter stays refused, so the search resumes where it stopped; a
 * GROUP_BY refusal may lift, so the search goes back to the first such bin.
 */
function packItem(item: Item, bins: BinList, from: number, onPlace: (bin: Bin, at: number) => void): { placed: number; next: number } {
  let placed = 0;
  let i = from;
  let reopen = -1;
  while (item.remaining > 0 && i < bins.length) {
    // Bins that cannot hold the need are refused for room: skipped unmade (they never reopen).
    i = bins.nextFitting(i, item.app.need);
    if (i >= bins.length) break;
    const bin = bins.at(i);
    // Most bins are refused for room: the cheap bound answers those without the full check.
    const why = mayFit(item.app.need, bin) ? refusal(item.app, bin, item.placed) : 'InsufficientCpus';
    if (why === undefined) {
      place(item.app, bin, item.placed);
      onPlace(bin, i);
      item.remaining -= 1;
      placed += 1;
      if (reopen >= 0) {
        i = reopen;
        reopen = -1;
      }
    } else {
      if (why === 'UnfulfilledConstraint' && item.reopens && reopen < 0) reopen = i;
      i += 1;
    }
  }
  return { placed, next: reopen >= 0 ? reopen : i };
}

/** Misfit needs kept per kind of app (a bound on the dominance check's work). */
const MISFITS_KEPT = 32;

/**
 * Needs that found no bin during one packing, per kind of app. Bins only lose room while packing,
 * so an app of the same kind (roles, GPU scheduling, asking GPUs or not: what else `refusal`
 * reads) without constraints or fixed ports that asks at least as much of every resource finds
 * none either. One refusal is not about room: Marathon's `restricted` GPU scheduling declines a node
 * with free GPUs for an app that asks none, and a node whose GPUs are taken stops declining; so those
 * apps' misfits are forgotten once an app that asks GPUs is placed. With 10,000 apps waiting on a
 * full cluster, each looked at every agent every cycle.
 */
class Misfits {
  readonly #byKind = new Map<string, Float64Array[]>();

  static plain(item: Item): boolean {
    return item.placed === undefined && item.app.fixedPorts.length === 0;
  }

  #kind(item: Item): string {
    return `${item.app.acceptedRoles.join(',')}|${item.app.gpuScheduling}|${(item.app.need[3] ?? 0) > 0}`;
  }

  covers(item: Item): boolean {
    const need = item.app.need;
    return (this.#byKind.get(this.#kind(item)) ?? []).some((f) => f.every((x, i) => x <= (need[i] ?? 0)));
  }

  /** GPUs were taken: a node that declined a `restricted` app asking no GPU may take it now. */
  gpusTaken(): void {
    for (const kind of this.#byKind.keys()) if (kind.endsWith('|restricted|false')) this.#byKind.delete(kind);
  }

  /** Keeps the smallest needs only (a need another one covers adds nothing), at most MISFITS_KEPT a kind. */
  add(item: Item): void {
    const kind = this.#kind(item);
    const need = item.app.need;
    const kept = (this.#byKind.get(kind) ?? []).filter((f) => !need.every((x, i) => x <= (f[i] ?? 0)));
    if (kept.length < MISFITS_KEPT) kept.push(need);
    this.#byKind.set(kind, kept);
  }
}

/** Places as many waiting instances as fit onto the bins; mutates items and bins. */
export function packOnto(items: readonly Item[], bins: BinList, onPlace: (item: Item, bin: Bin, at: number) => void = () => {}): number {
  let placed = 0;
  const misfits = new Misfits();
  for (const item of items) {
    const plain = Misfits.plain(item);
    if (plain && misfits.covers(item)) continue;
    const n = packItem(item, bins, 0, (bin, at) => onPlace(item, bin, at)).placed;
    placed += n;
    if (n > 0 && (item.app.need[3] ?? 0) > 0) misfits.gpusTaken();
    if (plain && item.remaining > 0) misfits.add(item);
  }
  return placed;
}

export interface NewNodesEstimate {
  readonly nodes: number;
  /** Instances the new nodes hold, per launch id. */
  readonly hosted: ReadonlyMap<string, number>;
  readonly requested: Resources;
  /** Launches that no node of this template can ever hold, with why. */
  readonly impossible: ReadonlyMap<string, string>;
  /** Each hosted app's placements once these nodes hold its instances. */
  readonly placements: ReadonlyMap<string, Placements>;
}

/** Fresh probe nodes per template and hostname: placement only reads them, so one serves every item. */
const probes = new WeakMap<NodeTemplate, Map<string, Bin>>();

/** Why a fresh node of this template cannot take the item's next instance, or undefined when it can. */
export function templateRefusal(template: NodeTemplate, item: Item, hostname: string): string | undefined {
  // A bin per call was most of a cycle's garbage with 10,000 apps waiting (a policy that never scales up).
  let byName = probes.get(template);
  if (!byName) probes.set(template, (byName = new Map()));
  let probe = byName.get(hostname);
  if (!probe) byName.set(hostname, (probe = templateBin(template, hostname)));
  return explain(item.app, probe, item.placed);
}

/**
 * How many new template nodes the remaining items need (up to `limit`), by
 * first-fit decreasing onto fresh nodes, placement by placement (UNIQUE, MAX_PER,
 * GROUP_BY counts and fixed ports of each instance shape the next). Does not
 * mutate the items: their placements are cloned and returned.
 */
export function estimateNewNodes(template: NodeTemplate, items: readonly Item[], limit: number, group: string): NewNodesEstimate {
  const bins: Bin[] = [];
  const hosted = new Map<string, number>();
  const impossible = new Map<string, string>();
  const placements = new Map<string, Placements>();
  let requested: Resources = scale(template.resources, 0);
  for (const item of items) {
    if (item.remaining <= 0) continue;
    const why = templateRefusal(template, item, `new-${group}-probe`);
    if (why !== undefined) {
      impossible.set(item.launch.id, why);
      continue;
    }
    const trial: Item = { ...item, placed: item.placed?.clone() };
    let n = 0;
    let from = 0;
    for (;;) {
      const r = packItem(trial, binList(bins), from, () => {});
      n += r.placed;
      from = r.next;
      if (trial.remaining <= 0 || bins.length >= limit) break;
      const fresh = templateBin(template, `new-${group}-${bins.length}`);
      if (refusal(trial.app, fresh, trial.placed) !== undefined) break;
      bins.push(fresh);
    }
    if (n > 0) {
      hosted.set(item.launch.id, n);
      requested = add(requested, scale(item.launch.resources, n));
      if (trial.placed) placements.set(item.launch.id, trial.placed);
    }
  }
  return { nodes: bins.length, hosted, requested, impossible, placements };
}

export function describeNeed(items: readonly { launch: PendingLaunch; count: number }[]): string {
  return formatResources(items.reduce((acc, { launch, count }) => add(acc, scale(launch.resources, count)), ZERO));
}
