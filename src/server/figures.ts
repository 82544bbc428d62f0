import type { GroupFigures } from '../model/plan.js';
import { RESOURCE_NAMES, type ResourceName } from '../model/resources.js';

/**
 * The one place that reads a GroupPlan's `figures` (model/plan.ts GroupFigures), for metrics and the
 * status page. Keys the planner writes:
 *   util.<resource>      utilization of the group's capacity, 0..1
 *   pending.instances    instances waiting to launch that this group could host
 *   pending.<resource>   resources those waiting instances ask for (cpus, mem, ...)
 *   nodes.active         agents counted as capacity (registered, not draining)
 * Unknown keys are ignored; missing ones are simply absent.
 */
export interface FigureReadings {
  readonly utilization: Partial<Record<ResourceName, number>>;
  readonly waiting: Partial<Record<ResourceName, number>>;
  readonly pendingInstances?: number;
  readonly activeNodes?: number;
}

const isResource = (s: string): s is ResourceName => (RESOURCE_NAMES as readonly string[]).includes(s);

export function readFigures(figures: GroupFigures | Readonly<Record<string, number>>): FigureReadings {
  const utilization: Partial<Record<ResourceName, number>> = {};
  const waiting: Partial<Record<ResourceName, number>> = {};
  let pendingInstances: number | undefined;
  let activeNodes: number | undefined;
  for (const [key, value] of Object.entries(figures)) {
    if (!Number.isFinite(value)) continue;
    const [head, tail] = splitKey(key);
    if (head === 'util' && isResource(tail)) utilization[tail] = value;
    else if (head === 'pending' && tail === 'instances') pendingInstances = value;
    else if (head === 'pending' && isResource(tail)) waiting[tail] = value;
    else if (key === 'nodes.active') activeNodes = value;
  }
  return {
    utilization,
    waiting,
    ...(pendingInstances !== undefined ? { pendingInstances } : {}),
    ...(activeNodes !== undefined ? { activeNodes } : {}),
  };
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('.');
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)];
}
