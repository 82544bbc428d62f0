import type { Config } from '../config/schema.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { describeConstraints } from './constraints.js';
import { describeNeed, estimateNewNodes, existingBins, itemsOf, packOnto, type Item } from './estimator.js';
import { expand, type Option } from './expander.js';
import type { GroupView } from './group-view.js';
import { describeSelector } from './selector.js';
import type { ControllerState } from './state.js';
import { describeTemplate, templateFor, type NodeTemplate } from './template.js';

/** What waiting work asks of one group. */
export interface GroupDemand {
  /** New nodes the group should add for waiting work. */
  readonly nodes: number;
  /** Waiting instances this group could host (on existing or new nodes). */
  readonly eligible: number;
  readonly reasons: readonly string[];
}

export interface DemandPlan {
  readonly groups: ReadonlyMap<string, GroupDemand>;
  readonly waiting: number;
  readonly placedOnExisting: number;
  readonly unplaceable: readonly string[];
}

/**
 * Packs the waiting work first onto free room of existing and booting nodes,
 * then onto new template nodes, one expander choice at a time.
 */
export function planDemand(views: readonly GroupView[], snapshot: ClusterSnapshot, config: Config, state: ControllerState, now: number): DemandPlan {
  const items = itemsOf(snapshot.pending);
  const waiting = items.reduce((n, i) => n + i.remaining, 0);
  const templates = new Map<string, NodeTemplate | undefined>(views.map((v) => [v.config.name, templateFor(v)]));
  const out = new Map<string, { nodes: number; eligible: number; reasons: string[] }>(views.map((v) => [v.config.name, { nodes: 0, eligible: 0, reasons: [] }]));
  if (waiting === 0) return { groups: out, waiting: 0, placedOnExisting: 0, unplaceable: [] };

  const bins = views.flatMap((v) => existingBins(v, templates.get(v.config.name)));
  const placedOnExisting = packOnto(items, bins);

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
    entry.eligible += chosen.covered;
    entry.reasons.push(`${describeWaiting(hostedItems)} waiting, need ${describeNeed(hostedItems)} with ${describeSelector(chosen.group.selector)}; ${chosen.estimate.nodes} node(s) of ${describeTemplate(chosen.template)} hold them (${why})`);
    for (const i of items) i.remaining -= chosen.estimate.hosted.get(i.launch.id) ?? 0;
    room.set(name, (room.get(name) ?? 0) - chosen.estimate.nodes);
    totalRoom -= chosen.estimate.nodes;
  }

  const unplaceable = items.filter((i) => i.remaining > 0).map((i) => unplaceableReason(i, views, templates));
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

function unplaceableReason(item: Item, views: readonly GroupView[], templates: ReadonlyMap<string, NodeTemplate | undefined>): string {
  const c = item.launch.constraints.length ? ` with ${describeConstraints(item.launch.constraints)}` : '';
  const noTemplate = views.filter((v) => !templates.get(v.config.name)).map((v) => v.config.name);
  const extra = noTemplate.length ? `; no node template for ${noTemplate.join(', ')}` : '';
  return `${item.remaining} instance(s) of ${item.launch.id}${c} fit no group within its limits${extra}`;
}
