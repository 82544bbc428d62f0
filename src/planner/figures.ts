import type { PlannedFigures } from '../model/plan.js';
import type { TrackedResource } from '../model/resources.js';
import type { DemandPlan } from './demand.js';
import type { GroupView } from './group-view.js';

/**
 * The figures every group plan carries whatever its policies: node counts,
 * utilization of each tracked resource, and the waiting work this group could
 * host (instances, their resources, new nodes asked for). Read by /metrics,
 * the status page and the demo through server/figures.ts.
 */
export function groupFigures(view: GroupView, demand: DemandPlan): PlannedFigures {
  const d = demand.groups.get(view.config.name);
  const r = d?.eligibleResources;
  const util = (x: TrackedResource): number | undefined => view.utilization[x];
  const figures: PlannedFigures = {
    'nodes.current': view.current,
    'nodes.active': view.capacity.length,
    'nodes.matching': view.agents.length,
    'nodes.draining': view.draining.length,
    'pending.instances': d?.eligible ?? 0,
    'pending.nodes': d?.nodes ?? 0,
    'pending.unplaceable': demand.unplaceable.reduce((n, u) => n + u.instances, 0),
    'pending.cpus': r?.cpus ?? 0,
    'pending.mem': r?.mem ?? 0,
    'pending.disk': r?.disk ?? 0,
    'pending.gpus': r?.gpus ?? 0,
    'pending.ports': r?.ports ?? 0,
  };
  const u = { cpus: util('cpus'), mem: util('mem'), disk: util('disk'), gpus: util('gpus') };
  return {
    ...figures,
    ...(u.cpus !== undefined ? { 'util.cpus': u.cpus } : {}),
    ...(u.mem !== undefined ? { 'util.mem': u.mem } : {}),
    ...(u.disk !== undefined ? { 'util.disk': u.disk } : {}),
    ...(u.gpus !== undefined ? { 'util.gpus': u.gpus } : {}),
  };
}
