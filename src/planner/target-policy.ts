import type { Policy } from './policy.js';

/**
 * Keep utilization inside a dead band (e.g. 60%..75%): outside it, size the group
 * so the busiest tracked resource lands in the middle of the band.
 */
export const targetPolicy: Policy = ({ view }) => {
  const band = view.config.targetUtilization;
  if (!band) return { policy: 'target', target: view.current, reason: 'no target band configured' };
  const worst = Math.max(0, ...view.config.resources.map((r) => view.utilization[r] ?? 0));
  const active = view.capacity.length;
  const booting = Math.max(0, view.current - active);
  const pct = (worst * 100).toFixed(1);
  if (active === 0) return { policy: 'target', target: view.current, reason: 'no active agents to measure' };
  const mid = (band.low + band.high) / 200;
  const needed = Math.max(1, Math.ceil((active * worst) / mid));
  if (worst * 100 > band.high) {
    return { policy: 'target', target: Math.max(view.current + 1, needed + booting), reason: `utilization ${pct}% above the band ${band.low}%..${band.high}%: ${needed} active node(s) bring it to ~${(mid * 100).toFixed(0)}%` };
  }
  if (worst * 100 < band.low) {
    return { policy: 'target', target: Math.min(view.current - 1, needed + booting), reason: `utilization ${pct}% below the band ${band.low}%..${band.high}%: ${needed} node(s) would do` };
  }
  return { policy: 'target', target: view.current, reason: `utilization ${pct}% inside the band ${band.low}%..${band.high}%` };
};
