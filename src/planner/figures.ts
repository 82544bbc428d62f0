import { RESOURCE_NAMES } from '../model/resources.js';
import type { DemandPlan } from './demand.js';
import type { GroupView } from './group-view.js';

/**
 * The figures every group plan carries whatever its policies: node counts,
 * utilization of each tracked resource, and the waiting work this group could
 * host (instances, their resources, new nodes asked for). Read by /metrics,
 * the status page and the demo through server/figures.ts.
 */
export function groupFigures(view: GroupView, demand: DemandPlan): Record<string, number> {
  const d = demand.groups.get(view.config.name);
  const figures: Record<string, number> = {
    'nodes.current': view.current,
    'nodes.active': view.capacity.length,
    'nodes.matching': view.agents.length,
    'nodes.draining': view.draining.length,
    'pending.instances': d?.eligible ?? 0,
    'pending.nodes': d?.nodes ?? 0,
    'pending.unplaceable': demand.unplaceable.reduce((n, u) => n + u.instances, 0),
  };
  for (const r of RESOURCE_NAMES) figures[`pending.${r}`] = d?.eligibleResources[r] ?? 0;
  for (const [r, u] of Object.entries(view.utilization)) figures[`util.${r}`] = u;
  return figures;
}
