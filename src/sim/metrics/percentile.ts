/**
 * Exact percentile by the nearest-rank method: the smallest value such that at least
 * p % of the observations are less than or equal to it, i.e. the value of rank ceil(p/100 * N)
 * in ascending order (rank 1 for p = 0). No interpolation: the result is always an observed value.
 * Observations may carry weights (whole numbers: an observation of weight 3 counts three times).
 * NaN for no observations.
 */
export function nearestRank(values: readonly number[], p: number, weights?: readonly number[]): number {
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} outside 0..100`);
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  let total = 0;
  for (let i = 0; i < values.length; i++) total += weights?.[i] ?? 1;
  if (total <= 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total - 1e-9));
  let seen = 0;
  for (const i of order) {
    seen += weights?.[i] ?? 1;
    if (seen >= rank) return values[i] ?? Number.NaN;
  }
  return values[order[order.length - 1] ?? 0] ?? Number.NaN;
}
