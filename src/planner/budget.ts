import type { GroupView } from './group-view.js';

/** How many more of a group's nodes may start draining this cycle, and what limits it. */
export interface DisruptionAllowance {
  readonly allowed: number;
  /** Why no more may start, for the plan's reasons (set when `allowed` is the binding limit). */
  readonly limit: string;
  /** Both bounds, for a reason when they cut the count the policies asked for. */
  readonly bounds: string;
}

/**
 * Nodes a budget lets be disrupted in a group of `size` nodes. Follows Karpenter's NodePool
 * disruption budgets (kubernetes-sigs/karpenter, pkg/apis/v1/nodepool.go,
 * `GetAllowedDisruptionsByReason`: `nodes` is an int or a percentage of the pool's nodes scaled
 * with `intstr.GetScaledValueFromIntOrPercent(..., roundUp=true)`; designs/disruption-controls.md).
 * "0" or "0%" blocks scale-down altogether, as in Karpenter.
 */
export function budgetNodes(budget: number | string, size: number): number {
  if (typeof budget === 'number') return budget;
  const pct = Number(budget.replace('%', ''));
  return Math.ceil((pct * Math.max(0, size)) / 100);
}

/**
 * Why: scale-down after a burst should shed several nodes a cycle, but never more drains at once
 * than `maxParallel` nor than the group's disruption budget. Drains of ours already under way
 * count against both (Karpenter subtracts the nodes already being disrupted from the budget);
 * the group's size for a percentage is its registered agents plus those drains.
 */
export function disruptionAllowance(view: GroupView): DisruptionAllowance {
  const { maxParallel, budget } = view.config.scaleDown;
  const draining = view.ourDrains.length;
  const size = view.registered.length + draining;
  const byBudget = budgetNodes(budget, size);
  const parallelLeft = maxParallel - draining;
  const budgetLeft = byBudget - draining;
  const of = typeof budget === 'number' ? `${budget} node(s)` : `${budget} of ${size} node(s) = ${byBudget}`;
  const bounds = `max-scale-down-parallel ${maxParallel}, disruption budget ${of}, ${draining} draining`;
  if (budgetLeft < parallelLeft) {
    return { allowed: Math.max(0, budgetLeft), limit: `${draining} agent(s) already draining (disruption budget ${of})`, bounds };
  }
  return { allowed: Math.max(0, parallelLeft), limit: `${draining} agent(s) already draining (max-scale-down-parallel ${maxParallel})`, bounds };
}
