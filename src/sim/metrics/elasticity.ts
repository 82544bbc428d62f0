import { intervals } from './series.js';

/**
 * Elasticity metrics of the SPEC Research Group (RG Cloud) as defined in
 *   N. Herbst et al., "Ready for Rain? A View from SPEC Research on the Future of Cloud Metrics",
 *   SPEC-RG-2016-01 (2016), and N. Herbst et al., "Quantifying Cloud Performance and Dependability:
 *   Taxonomy, Metric Design, and Emerging Challenges", ACM TOMPECS 3(4), 2018.
 * With demand d_t and supply s_t over samples of width Δt and total time T:
 *   θU = 100/T · Σ max(d_t − s_t, 0) / d_t · Δt     (under-provisioning accuracy, %)
 *   θO = 100/T · Σ max(s_t − d_t, 0) / d_t · Δt     (over-provisioning accuracy, %)
 *   τU = 100/T · Σ [d_t > s_t] · Δt                   (under-provisioning timeshare, %)
 *   τO = 100/T · Σ [s_t > d_t] · Δt                   (over-provisioning timeshare, %)
 *   υ  = 100/T' · Σ_{t≥2} min(|sgn Δs_t − sgn Δd_t|, 1) · Δt   (instability, %)
 * where Δs_t = s_t − s_{t−1}, Δd_t likewise, and T' is the time from the second sample on.
 * The papers describe υ as the share of time supply and demand do not move in step; the formula
 * also counts time when one moves and the other stays flat. `upsilonOpposite` keeps only
 * the time they move in strictly opposite directions (sgn Δs · sgn Δd < 0), which is what
 * separates policies that scale the wrong way from ones that merely scale in steps.
 * Instants with zero demand are left out of θ sums (the relative shortfall/excess is undefined
 * there) but still count in T and in τ.
 */
export interface ElasticityFigures {
  readonly thetaU: number;
  readonly thetaO: number;
  readonly tauU: number;
  readonly tauO: number;
  readonly upsilon: number;
  readonly upsilonOpposite: number;
}

/** Supply and demand closer than this count as equal (float sums of fractional cpus). */
const EPS = 1e-9;

function sgn(x: number): number {
  return x > EPS ? 1 : x < -EPS ? -1 : 0;
}

export function elasticity(samples: readonly { readonly t: number; readonly supply: number; readonly demand: number }[], endMs?: number): ElasticityFigures {
  const dt = intervals(samples, endMs);
  let total = 0;
  let under = 0;
  let over = 0;
  let underTime = 0;
  let overTime = 0;
  let unstable = 0;
  let opposite = 0;
  let totalAfterFirst = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const w = dt[i] ?? 0;
    if (s === undefined) continue;
    total += w;
    const gap = s.demand - s.supply;
    if (s.demand > EPS) {
      if (gap > EPS) under += (gap / s.demand) * w;
      else if (gap < -EPS) over += (-gap / s.demand) * w;
    }
    if (gap > EPS) underTime += w;
    else if (gap < -EPS) overTime += w;
    const prev = samples[i - 1];
    if (prev !== undefined) {
      totalAfterFirst += w;
      const ds = sgn(s.supply - prev.supply);
      const dd = sgn(s.demand - prev.demand);
      if (ds !== dd) unstable += w;
      if (ds * dd < 0) opposite += w;
    }
  }
  const pct = (x: number, of: number): number => (of > 0 ? (100 * x) / of : 0);
  return {
    thetaU: pct(under, total),
    thetaO: pct(over, total),
    tauU: pct(underTime, total),
    tauO: pct(overTime, total),
    upsilon: pct(unstable, totalAfterFirst),
    upsilonOpposite: pct(opposite, totalAfterFirst),
  };
}
