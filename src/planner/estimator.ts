import type { PendingLaunch } from '../model/pending.js';
import { formatResources, scale, subtractFloor, type Resources } from '../model/resources.js';
import { allows } from './constraints.js';
import type { GroupView } from './group-view.js';
import { canHost, makeBin, take, toVector, type Bin } from './packing.js';
import type { NodeTemplate } from './template.js';

/** Waiting instances of one launch, during estimation. */
export interface Item {
  readonly launch: PendingLaunch;
  readonly need: Float64Array;
  remaining: number;
}

export function itemsOf(pending: readonly PendingLaunch[]): Item[] {
  return pending
    .filter((p) => p.count > 0 && !p.delayed)
    .map((launch) => ({ launch, need: toVector(launch.resources), remaining: launch.count }))
    // Largest first (first-fit decreasing) for tighter packing.
    .sort((a, b) => b.launch.resources.cpus - a.launch.resources.cpus || b.launch.resources.mem - a.launch.resources.mem || (a.launch.id < b.launch.id ? -1 : 1));
}

/** Free room of every agent that counts as capacity, plus nodes already booting. */
export function existingBins(view: GroupView, template: NodeTemplate | undefined): Bin[] {
  const bins = view.capacity.map((a) => {
    const apps = new Map<string, number>();
    for (const t of a.tasks) if (t.appId) apps.set(t.appId, (apps.get(t.appId) ?? 0) + 1);
    return makeBin(a, subtractFloor(a.total, a.used), apps);
  });
  const booting = view.provider ? Math.max(0, view.current - view.capacity.length) : 0;
  if (template) for (let i = 0; i < booting; i++) bins.push(makeBin({ hostname: `booting-${view.config.name}-${i}`, attributes: template.attributes }, template.resources));
  return bins;
}

/**
 * Places as many waiting instances as fit onto the bins, first fit; mutates
 * items and bins. Instances of one launch share a need, so the search for the
 * next one resumes where the previous one fitted.
 */
export function packOnto(items: readonly Item[], bins: readonly Bin[], eligible: (item: Item, bin: Bin) => boolean = () => true): number {
  let placed = 0;
  for (const item of items) {
    let i = 0;
    while (item.remaining > 0 && i < bins.length) {
      const bin = bins[i];
      if (bin && eligible(item, bin) && canHost(item.need, item.launch.constraints, item.launch.id, bin)) {
        take(item.need, bin, item.launch.id);
        item.remaining -= 1;
        placed += 1;
      } else {
        i += 1;
      }
    }
  }
  return placed;
}

export interface NewNodesEstimate {
  readonly nodes: number;
  /** Instances the new nodes hold, per launch id. */
  readonly hosted: ReadonlyMap<string, number>;
  readonly requested: Resources;
  /** Launches that no node of this template can ever hold (too large or constraints). */
  readonly impossible: readonly string[];
}

/** Does a fresh node of this template satisfy the launch's constraints and size? */
export function templateCanHost(template: NodeTemplate, item: Item, hostname: string): boolean {
  const bin = makeBin({ hostname, attributes: template.attributes }, template.resources);
  return canHost(item.need, item.launch.constraints, item.launch.id, bin) && allows(item.launch.constraints, bin, 0);
}

/**
 * How many new template nodes the remaining items need (up to `limit`), by
 * first-fit decreasing onto fresh nodes. Does not mutate the items.
 */
export function estimateNewNodes(template: NodeTemplate, items: readonly Item[], limit: number, group: string): NewNodesEstimate {
  const bins: Bin[] = [];
  const hosted = new Map<string, number>();
  const impossible: string[] = [];
  let requested: Resources = scale(template.resources, 0);
  for (const item of items) {
    if (item.remaining <= 0) continue;
    if (!templateCanHost(template, item, `new-${group}-probe`)) {
      impossible.push(item.launch.id);
      continue;
    }
    let left = item.remaining;
    let i = 0;
    while (left > 0) {
      let bin = bins[i];
      if (!bin) {
        if (bins.length >= limit) break;
        bin = makeBin({ hostname: `new-${group}-${bins.length}`, attributes: template.attributes }, template.resources, new Map(), true);
        bins.push(bin);
      }
      if (canHost(item.need, item.launch.constraints, item.launch.id, bin)) {
        take(item.need, bin, item.launch.id);
        left -= 1;
        hosted.set(item.launch.id, (hosted.get(item.launch.id) ?? 0) + 1);
        requested = { ...requested, cpus: requested.cpus + item.launch.resources.cpus, mem: requested.mem + item.launch.resources.mem, disk: requested.disk + item.launch.resources.disk, gpus: requested.gpus + item.launch.resources.gpus, ports: requested.ports + item.launch.resources.ports };
      } else {
        i += 1;
      }
    }
  }
  return { nodes: bins.length, hosted, requested, impossible };
}

export function describeNeed(items: readonly { launch: PendingLaunch; count: number }[]): string {
  const total = items.reduce((acc, { launch, count }) => ({
    cpus: acc.cpus + launch.resources.cpus * count,
    mem: acc.mem + launch.resources.mem * count,
    disk: acc.disk + launch.resources.disk * count,
    gpus: acc.gpus + launch.resources.gpus * count,
    ports: acc.ports + launch.resources.ports * count,
  }), { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 });
  return formatResources(total);
}
