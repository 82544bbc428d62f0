import type { GroupFigures } from '../model/plan.js';
import type { TrackedResource } from '../model/resources.js';
import type { GroupView } from './group-view.js';
import { headroomReleased } from './headroom.js';
import type { Policy } from './policy.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The threshold caps (percent) for one resource: its `resourceCaps` entry, else the group's. */
export function capsOf(config: Pick<GroupView['config'], 'scaleUpCap' | 'scaleDownCap' | 'resourceCaps'>, r: TrackedResource): { up: number; down: number } {
  return config.resourceCaps[r] ?? { up: config.scaleUpCap, down: config.scaleDownCap };
}

/** How the caps read in a reason: the group's, and any resource's own. */
function describeCaps(config: GroupView['config'], tracked: readonly TrackedResource[], which: 'up' | 'down'): string {
  const own = tracked.filter((r) => config.resourceCaps[r] !== undefined).map((r) => `${r} ${capsOf(config, r)[which]}%`);
  const base = which === 'up' ? config.scaleUpCap : config.scaleDownCap;
  return own.length ? `${base}% (${own.join(', ')})` : `${base}%`;
}

/**
 * The original dcos-autoscaler's policy: +step when any tracked resource reaches
 * the up cap, -step when every tracked resource is at or under the down cap.
 */
export const thresholdPolicy: Policy = ({ view, memory, now }) => {
  const { config, utilization, current } = view;
  const figures: GroupFigures = {
    ...(utilization.cpus !== undefined ? { 'util.cpus': utilization.cpus } : {}),
    ...(utilization.mem !== undefined ? { 'util.mem': utilization.mem } : {}),
    ...(utilization.disk !== undefined ? { 'util.disk': utilization.disk } : {}),
    ...(utilization.gpus !== undefined ? { 'util.gpus': utilization.gpus } : {}),
  };
  const tracked = config.resources.filter((r): r is TrackedResource => utilization[r] !== undefined);
  if (tracked.length === 0) {
    return { policy: 'threshold', target: current, reason: 'no capacity of the tracked resources to measure', figures };
  }
  const describe = tracked.map((r) => `${r} ${pct(utilization[r] ?? 0)}`).join(', ');
  const flat = headroomReleased(view, memory, now);
  if (flat !== undefined) {
    // No headroom: hold at the up cap, shrink to the fewest nodes that hold the work.
    const held = fullNodes(view, tracked);
    const why = `${describe} on ${view.capacity.length} agents; work has not grown for ${Math.round(flat / 1000)} s (headroomIdleTime ${config.scaleDown.headroomIdleTime} s): headroom released`;
    if (held >= current) return { policy: 'threshold', target: current, reason: `${why}, ${held} node(s) hold the work`, figures };
    const target = config.scaleDown.sizing === 'fit' ? held : current - config.scaleDownStep;
    return { policy: 'threshold', target, reason: `${why}, ${held} node(s) hold the work: -${current - target}`, figures };
  }
  const hot = tracked.filter((r) => (utilization[r] ?? 0) * 100 >= capsOf(config, r).up);
  if (hot.length) {
    return {
      policy: 'threshold',
      target: current + config.scaleUpStep,
      reason: `${describe} on ${view.capacity.length} agents; ${hot.join(', ')} at or above ${describeCaps(config, hot, 'up')}: +${config.scaleUpStep}`,
      figures,
    };
  }
  if (tracked.every((r) => (utilization[r] ?? 0) * 100 <= capsOf(config, r).down)) {
    if (config.scaleDown.sizing === 'fit') {
      const fit = fitNodes(view, tracked, (r) => capsOf(config, r).up / 100);
      const target = Math.min(current - config.scaleDownStep, fit);
      return {
        policy: 'threshold',
        target,
        reason: `${describe} on ${view.capacity.length} agents; all at or under ${describeCaps(config, tracked, 'down')}: ${fit} node(s) hold the work under ${describeCaps(config, tracked, 'up')} on every tracked resource, -${current - target}`,
        figures,
      };
    }
    return {
      policy: 'threshold',
      target: current - config.scaleDownStep,
      reason: `${describe} on ${view.capacity.length} agents; all at or under ${describeCaps(config, tracked, 'down')}: -${config.scaleDownStep}`,
      figures,
    };
  }
  return {
    policy: 'threshold',
    target: current,
    reason: `${describe} on ${view.capacity.length} agents; between ${describeCaps(config, tracked, 'down')} and ${describeCaps(config, tracked, 'up')}`,
    figures,
  };
};

/**
 * Why: after a burst the group should follow demand down in one decision, sized on every tracked
 * resource (a memory-bound group is sized by memory). The fewest nodes of the group's average
 * capacity that keep each tracked resource strictly under its cap (`capOf`, a fraction); never below one.
 */
export function fitNodes(view: Pick<GroupView, 'capacity' | 'total' | 'used'>, tracked: readonly TrackedResource[], capOf: (r: TrackedResource) => number): number {
  const active = view.capacity.length;
  let nodes = 1;
  for (const r of tracked) {
    const cap = capOf(r);
    const perNode = active > 0 ? view.total[r] / active : 0;
    if (perNode <= 0 || cap <= 0) continue;
    // n * perNode * cap > used  <=>  n > used / (perNode * cap)
    nodes = Math.max(nodes, Math.floor(view.used[r] / (perNode * cap) + 1e-9) + 1);
  }
  return nodes;
}

/**
 * The fewest nodes of the group's average capacity whose tracked resources hold the work in use
 * (at or under 100 %); never below one. Where the work does not pack that tightly the scale-down
 * simulation keeps the nodes whose tasks would not fit elsewhere.
 */
export function fullNodes(view: Pick<GroupView, 'capacity' | 'total' | 'used'>, tracked: readonly TrackedResource[]): number {
  const active = view.capacity.length;
  let nodes = 1;
  for (const r of tracked) {
    const perNode = active > 0 ? view.total[r] / active : 0;
    if (perNode <= 0) continue;
    nodes = Math.max(nodes, Math.ceil(view.used[r] / perNode - 1e-9));
  }
  return nodes;
}
