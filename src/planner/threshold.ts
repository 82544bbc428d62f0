import type { GroupFigures } from '../model/plan.js';
import type { TrackedResource } from '../model/resources.js';
import type { Policy } from './policy.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * The original dcos-autoscaler's policy: +step when any tracked resource reaches
 * the up cap, -step when every tracked resource is at or under the down cap.
 */
export const thresholdPolicy: Policy = ({ view }) => {
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
  const hot = tracked.filter((r) => (utilization[r] ?? 0) * 100 >= config.scaleUpCap);
  if (hot.length) {
    return {
      policy: 'threshold',
      target: current + config.scaleUpStep,
      reason: `${describe} on ${view.capacity.length} agents; ${hot.join(', ')} at or above ${config.scaleUpCap}%: +${config.scaleUpStep}`,
      figures,
    };
  }
  if (tracked.every((r) => (utilization[r] ?? 0) * 100 <= config.scaleDownCap)) {
    return {
      policy: 'threshold',
      target: current - config.scaleDownStep,
      reason: `${describe} on ${view.capacity.length} agents; all at or under ${config.scaleDownCap}%: -${config.scaleDownStep}`,
      figures,
    };
  }
  return {
    policy: 'threshold',
    target: current,
    reason: `${describe} on ${view.capacity.length} agents; between ${config.scaleDownCap}% and ${config.scaleUpCap}%`,
    figures,
  };
};
