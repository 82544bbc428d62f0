import type { GroupFigures } from '../model/plan.js';
import { TRACKED_RESOURCES, type TrackedResource } from '../model/resources.js';
import type { GroupDemand } from './demand.js';
import type { GroupView } from './group-view.js';
import type { Policy } from './policy.js';
import type { DemandSample, GroupMemory } from './state.js';

type Level = Readonly<Partial<Record<TrackedResource, number>>>;

/** The group's demand now: work on its agents (draining ones included) plus its waiting demand (GroupDemand.assignedResources). */
export function demandLevel(view: Pick<GroupView, 'config' | 'work'>, waiting: Level | undefined): Level {
  const level: Partial<Record<TrackedResource, number>> = {};
  for (const r of view.config.resources) level[r] = view.work[r] + (waiting?.[r] ?? 0);
  return level;
}

/** The demand the trend policy measured this cycle, as its vote's `demand.<resource>` figures; undefined if it did not vote. */
export function measuredDemand(figures: GroupFigures): Level | undefined {
  let level: Partial<Record<TrackedResource, number>> | undefined;
  for (const r of TRACKED_RESOURCES) {
    const v = figures[`demand.${r}`];
    if (v !== undefined) (level ??= {})[r] = v;
  }
  return level;
}

/**
 * Appends this cycle's demand and keeps the samples of the last `windowS` seconds, oldest first,
 * plus the one just before them, so the history spans the whole window once it is that old.
 */
export function recordDemand(memory: GroupMemory, windowS: number, level: Level, now: number): GroupMemory {
  const windowMs = windowS * 1000;
  const past = memory.demandHistory ?? [];
  let from = 0;
  while (from + 1 < past.length && now - (past[from + 1] as DemandSample).t >= windowMs) from++;
  return { ...memory, demandHistory: [...past.slice(from), { t: now, level }] };
}

/**
 * Growth per ms of one resource that shows in both halves of the history (oldest sample to the
 * one nearest the middle, and from there to now): the smaller of the two slopes, never below 0.
 * A ramp grows in both; one step (a job of many instances arriving at once) shows in one half
 * only, so it is not extrapolated into more of the same.
 */
export function sustainedGrowth(history: readonly DemandSample[], now: number, level: Level, r: TrackedResource): number {
  const oldest = history[0];
  if (oldest === undefined || now <= oldest.t) return 0;
  const middle = oldest.t + (now - oldest.t) / 2;
  let mid: DemandSample | undefined;
  for (const h of history) if (mid === undefined || Math.abs(h.t - middle) < Math.abs(mid.t - middle)) mid = h;
  if (mid === undefined || mid.t <= oldest.t || mid.t >= now) return 0;
  const first = ((mid.level[r] ?? 0) - (oldest.level[r] ?? 0)) / (mid.t - oldest.t);
  const second = ((level[r] ?? 0) - (mid.level[r] ?? 0)) / (now - mid.t);
  return Math.max(0, Math.min(first, second));
}

/**
 * Why: a node ordered now registers a provisioning delay later, so work that keeps growing (a
 * daily ramp, a wave of batch jobs) waits that long unless nodes are bought ahead of it, and a
 * fixed headroom (the threshold policy's room under scaleUpCap) pays for that room all day. The
 * trend policy extrapolates the group's demand (work on its agents plus the waiting work the plan
 * assigns to it) `trend.lookahead` seconds ahead at the growth it sustained over the last `trend.window`
 * seconds, and asks for the nodes that hold that under `trend.utilization` % on every tracked
 * resource. Without growth it asks for nothing: the waiting work present is the pending
 * policy's, and it consents to shrinking down to the nodes the demand itself fills (100 %): room
 * under a cap is the threshold policy's to keep. Holding `utilization`'s room there kept up to 5 %
 * more nodes through every flat hour (HPC2N SWF 1.12x -> 1.09x the strict bound, BENCHMARKS.md).
 * On the generated week it took the pending task-seconds of batch waves and of the daily ramp
 * down enough for demand-aware to run its nodes 5 points fuller.
 */
export function trendPolicy(demand: GroupDemand | undefined): Policy {
  return ({ view, memory, now }) => {
    const cfg = view.config.trend;
    const level = demandLevel(view, demand?.assignedResources);
    const history = memory.demandHistory ?? [];
    const active = view.capacity.length;
    const cap = cfg.utilization / 100;
    let nodes = 0;
    let held = 0;
    let growing = false;
    let why = '';
    for (const r of view.config.resources) {
      const perNode = active > 0 ? view.total[r] / active : 0;
      if (!(perNode > 0) || !(cap > 0)) continue;
      const slope = sustainedGrowth(history, now, level, r);
      const ahead = (level[r] ?? 0) + slope * cfg.lookahead * 1000;
      const need = Math.ceil(ahead / (perNode * cap) - 1e-9);
      held = Math.max(held, Math.ceil((level[r] ?? 0) / perNode - 1e-9));
      if (slope > 0) growing = true;
      if (need > nodes) {
        nodes = need;
        const span = history[0] === undefined ? 0 : Math.round((now - history[0].t) / 1000);
        why = `${r} demand ${round(level[r] ?? 0)}, growing ${round(slope * 60_000)}/min through the last ${span} s: ${round(ahead)} in ${cfg.lookahead} s`;
      }
    }
    // What it measured, for the step to remember (step.ts) and for the status page.
    const figures: GroupFigures = Object.fromEntries(view.config.resources.map((r) => [`demand.${r}`, level[r] ?? 0]));
    if (growing && nodes > view.current) {
      return { policy: 'trend', target: nodes, reason: `${why} needs ${nodes} node(s) under ${cfg.utilization}%: +${nodes - view.current}`, figures };
    }
    if (nodes === 0) return { policy: 'trend', target: 0, reason: 'no capacity of the tracked resources to measure demand against', figures };
    return { policy: 'trend', target: Math.max(1, Math.min(held, view.current)), reason: `${why}: not growing, ${held} node(s) hold the demand`, figures };
  };
}

const round = (x: number): string => (Math.round(x * 100) / 100).toString();
