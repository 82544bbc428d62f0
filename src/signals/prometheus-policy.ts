import type { Policy } from '../planner/policy.js';

/**
 * Votes on the group's PromQL reading like the threshold policy on utilization:
 * +scaleUpStep at or above `up`, -scaleDownStep at or below `down`, else hold.
 * No reading (query failed, no data, not read by this command) holds: it never
 * consents to shrinking on missing data.
 */
export const prometheusPolicy: Policy = ({ view, snapshot }) => {
  const { config, current } = view;
  const signal = config.prometheus;
  const reading = snapshot.signals?.[config.name];
  if (!signal) return { policy: 'prometheus', target: current, reason: 'no prometheus signal configured' };
  if (!reading || reading.value === undefined || !Number.isFinite(reading.value)) {
    return { policy: 'prometheus', target: current, reason: `prometheus: no reading of ${signal.query}${reading?.error ? ` (${reading.error})` : ''}: hold` };
  }
  const value = reading.value;
  const up = signal.up ?? config.scaleUpCap;
  const down = signal.down ?? config.scaleDownCap;
  const figures = { 'prometheus.value': value };
  const shown = `${signal.query} = ${round(value)}`;
  if (value >= up) return { policy: 'prometheus', target: current + config.scaleUpStep, reason: `${shown}, at or above ${up}: +${config.scaleUpStep}`, figures };
  if (value <= down) return { policy: 'prometheus', target: current - config.scaleDownStep, reason: `${shown}, at or under ${down}: -${config.scaleDownStep}`, figures };
  return { policy: 'prometheus', target: current, reason: `${shown}, between ${down} and ${up}`, figures };
};

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
