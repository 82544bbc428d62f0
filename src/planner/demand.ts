import type { Config } from '../config/schema.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { describeConstraints } from './constraints.js';
import { add, addScaledInto, scale, ZERO, type Resources } from '../model/resources.js';
import { concatBins, describeNeed, estimateNewNodes, existingBins, fixedPortsByApp, itemsOf, packOnto, templateRefusal, type Item } from './estimator.js';
import { expand, type Option } from './expander.js';
import type { GroupView } from './group-view.js';
import { describeSelector } from './selector.js';
import type { ControllerState } from './state.js';
import { describeTemplate, templateFor, type NodeTemplate } from './template.js';

/** What waiting work asks of one group. */
export interface GroupDemand {
  /** New nodes the group should add for waiting work. */
  readonly nodes: number;
  /** Waiting instances this group could host (on free room of its nodes or on a new node of its template). */
  readonly eligible: number;
  /** Resources those instances ask for (the group's pending metric). */
  readonly eligibleResources: Resources;
  /**
   * Resources of the waiting instances this plan puts on this group (on free room of its nodes or
   * on the new nodes it asks for), plus those no group took this cycle (step or max limits) that
   * it could host: the trend policy's waiting demand. An instance some group took counts there
   * only, where `eligibleResources` counts it in every group that could host it; and work left
   * over by a step limit is demand now, not growth to come as it is taken cycle by cycle.
   */
  readonly assignedResources: Resources;
  readonly reasons: readonly string[];
}

/** Waiting instances of one app that no group can host, with why. */
export interface Unplaceable {
  readonly app: string;
  readonly instances: number;
  readonly reason: string;
}

export interface DemandPlan {
  readonly groups: ReadonlyMap<string, GroupDemand>;
  readonly waiting: number;
  readonly placedOnExisting: number;
  readonly unplaceable: readonly Unplaceable[];
}

interface Entry {
  nodes: number;
  eligible: number;
  eligibleResources: Resources;
  assignedResources: Resources;
  reasons: string[];
}

/**
 * Packs the waiting work first onto free room of existing and booting nodes,
 * then onto new template nodes, one expander choice at a time. Every placement
 * is decided by the placement module, against the app's running instances and
 * those placed before it this cycle.
 */
export function planDemand(views: readonly GroupView[], snapshot: ClusterSnapshot, config: Config, state: ControllerState, now: number): DemandPlan {
  const items = itemsOf(snapshot.pending, snapshot.agents);
  const waiting = items.reduce((n, i) => n + i.remaining, 0);
  const templates = new Map<string, NodeTemplate | undefined>(views.map((v) => [v.config.name, templateFor(v)]));
  const out = new Map<string, Entry>(views.map((v) => [v.config.name, { nodes: 0, eligible: 0, eligibleResources: ZERO, assignedResources: ZERO, reasons: [] }]));
  if (waiting === 0) return { groups: out, waiting: 0, placedOnExisting: 0, unplaceable: [] };

  // What each group could host at all: a fresh node of its template takes the app's next instance.
  const hostable = new Map<string, Set<Item>>(views.map((v) => [v.config.name, new Set<Item>()]));
  for (const v of views) {
    const template = templates.get(v.config.name);
    if (!template) continue;
    for (const item of items) if (templateRefusal(template, item, `new-${v.config.name}-probe`) === undefined) hostable.get(v.config.name)?.add(item);
  }

  const fixedPorts = fixedPortsByApp(items);
  const bins = concatBins(views.map((v) => existingBins(v, templates.get(v.config.name), fixedPorts)));
  const placedOnExisting = packOnto(items, bins, (item, _bin, at) => {
    const g = views[bins.listOf(at)]?.config.name;
    if (g === undefined) return;
    hostable.get(g)?.add(item);
    const e = out.get(g);
    if (e) e.assignedResources = add(e.assignedResources, item.launch.resources);
  });
  for (const [name, set] of hostable) {
    const e = out.get(name);
    if (!e) continue;
    const eligible = { ...ZERO };
    for (const item of set) {
      e.eligible += item.launch.count;
      addScaledInto(eligible, item.launch.resources, item.launch.count);
    }
    e.eligibleResources = eligible;
  }

  const totalNow = views.reduce((n, v) => n + v.current, 0);
  let totalRoom = Math.max(0, config.maxTotalNodes - totalNow);
  const room = new Map(views.map((v) => [v.config.name, Math.max(0, Math.min(v.config.maxStep, Math.min(v.config.max, v.provider?.max ?? Infinity) - v.current))]));
  const backedOff = (v: GroupView): boolean => {
    const until = state.groups[v.config.name]?.backoffUntil;
    return until !== undefined && now < until;
  };

  for (let round = 0; round < views.length * 4 && items.some((i) => i.remaining > 0) && totalRoom > 0; round++) {
    const options: Option[] = [];
    for (const v of views) {
      const template = templates.get(v.config.name);
      const limit = Math.min(room.get(v.config.name) ?? 0, totalRoom);
      if (!template || !v.config.policies.includes('pending') || backedOff(v) || limit <= 0 || !v.provider) continue;
      const estimate = estimateNewNodes(template, items, limit, v.config.name);
      const covered = [...estimate.hosted.values()].reduce((a, b) => a + b, 0);
      if (covered > 0) options.push({ group: v.config, template, estimate, covered });
    }
    const pick = expand(options, config, snapshot.takenAt);
    if (!pick) break;
    const { chosen, why } = pick;
    const name = chosen.group.name;
    const entry = out.get(name);
    if (!entry) break;
    const hostedItems = items.filter((i) => (chosen.estimate.hosted.get(i.launch.id) ?? 0) > 0).map((i) => ({ launch: i.launch, count: chosen.estimate.hosted.get(i.launch.id) ?? 0 }));
    entry.nodes += chosen.estimate.nodes;
    for (const h of hostedItems) entry.assignedResources = add(entry.assignedResources, scale(h.launch.resources, h.count));
    entry.reasons.push(`${describeWaiting(hostedItems)} waiting, need ${describeNeed(hostedItems)} with ${describeSelector(chosen.group.selector)}; ${chosen.estimate.nodes} node(s) of ${describeTemplate(chosen.template)} hold them (${why})`);
    for (const i of items) {
      i.remaining -= chosen.estimate.hosted.get(i.launch.id) ?? 0;
      const after = chosen.estimate.placements.get(i.launch.id);
      if (after) i.placed = after;
    }
    room.set(name, (room.get(name) ?? 0) - chosen.estimate.nodes);
    totalRoom -= chosen.estimate.nodes;
  }

  // Left over and refused by a fresh node of every group, given what was placed: no group can host them.
  const nextFits = (i: Item): boolean => views.some((v) => {
    const t = templates.get(v.config.name);
    return t !== undefined && templateRefusal(t, i, `new-${v.config.name}-probe`) === undefined;
  });
  const unplaceable = items.filter((i) => i.remaining > 0 && !nextFits(i)).map((i) => unplaceableWork(i, views, templates));
  for (const [name, set] of hostable) {
    const e = out.get(name);
    if (!e) continue;
    const assigned = { ...e.assignedResources };
    for (const item of set) if (item.remaining > 0) addScaledInto(assigned, item.launch.resources, item.remaining);
    e.assignedResources = assigned;
  }
  if (placedOnExisting > 0) {
    for (const v of views) {
      const e = out.get(v.config.name);
      if (e && v.config.policies.includes('pending')) e.reasons.push(`${placedOnExisting} waiting instance(s) fit on free room of existing or booting nodes`);
    }
  }
  return { groups: out, waiting, placedOnExisting, unplaceable };
}

function describeWaiting(items: readonly { launch: { id: string }; count: number }[]): string {
  if (items.length === 1 && items[0]) return `${items[0].count} instance(s) of ${items[0].launch.id}`;
  const shown = items.slice(0, 3).map((i) => `${i.count} of ${i.launch.id}`).join(', ');
  return `${items.reduce((n, i) => n + i.count, 0)} instances (${shown}${items.length > 3 ? ', ...' : ''})`;
}

function unplaceableWork(item: Item, views: readonly GroupView[], templates: ReadonlyMap<string, NodeTemplate | undefined>): Unplaceable {
  const c = item.launch.constraints.length ? ` (${describeConstraints(item.launch.constraints)})` : '';
  const why = views.map((v) => {
    const template = templates.get(v.config.name);
    if (!template) return `${v.config.name}: no node template (no agents and none declared)`;
    return `${v.config.name}: ${templateRefusal(template, item, `new-${v.config.name}-probe`) ?? 'no room within its limits'}`;
  });
  return { app: item.launch.id, instances: item.remaining, reason: `${item.remaining} instance(s) of ${item.launch.id}${c} fit no group: ${why.join('; ') || 'no groups'}` };
}
