import type { Config, GroupConfig } from '../config/schema.js';
import type { GroupFigures, GroupPlan, Plan, Removal } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { isZero, type TrackedResource } from '../model/resources.js';
import { planDemand, type DemandPlan } from './demand.js';
import { disruptionAllowance } from './budget.js';
import { headroomReleased } from './headroom.js';
import { groupFigures } from './figures.js';
import { viewGroup, type GroupView } from './group-view.js';
import { pendingPolicy } from './pending-policy.js';
import { combineVotes, type Policy, type Vote } from './policy.js';
import { trackArrivals } from './reconcile.js';
import { chooseRemovable, removalCandidates, toRemoval } from './scale-down.js';
import type { ControllerState, GroupMemory } from './state.js';
import { targetPolicy } from './target-policy.js';
import { capsOf, thresholdPolicy } from './threshold.js';
import { trendPolicy } from './trend.js';
import { prometheusPolicy } from '../signals/prometheus-policy.js';

/** The policies a group's config names, in its order. */
export function policiesFor(group: GroupConfig, demand: DemandPlan): readonly Policy[] {
  return group.policies.map((name) => {
    switch (name) {
      case 'threshold':
        return thresholdPolicy;
      case 'target':
        return targetPolicy;
      case 'pending':
        return pendingPolicy(demand.groups.get(group.name), demand.waiting, demand.unplaceable.reduce((n, u) => n + u.instances, 0));
      case 'prometheus':
        return prometheusPolicy;
      case 'trend':
        return trendPolicy(demand.groups.get(group.name));
    }
  });
}

/** Pure: snapshot, config and remembered state in, plan out. No I/O, no clock. */
export function plan(snapshot: ClusterSnapshot, config: Config, state: ControllerState, now: number): Plan {
  const age = now - snapshot.sources.mesos.readAt;
  if (age > config.staleAfter * 1000) {
    return { at: snapshot.takenAt, groups: [], skipped: `Mesos state is ${Math.round(age / 1000)} s old (limit ${config.staleAfter} s)` };
  }
  const views = config.groups.map((g) => viewGroup(snapshot, g));
  const demand = planDemand(views, snapshot, config, state, now);
  return {
    at: snapshot.takenAt,
    groups: views.map((v) => planGroup(v, snapshot, state.groups[v.config.name] ?? {}, now, config, demand)),
    ...(demand.unplaceable.length > 0 ? { unplaceable: demand.unplaceable } : {}),
  };
}

function hold(view: GroupView, reasons: string[], figures: GroupFigures): GroupPlan {
  return { group: view.config.name, current: view.current, target: view.current, direction: 'none', removals: [], reasons, figures };
}

function planGroup(view: GroupView, snapshot: ClusterSnapshot, remembered: GroupMemory, now: number, config: Config, demand: DemandPlan): GroupPlan {
  const group = view.config;
  const figures: { -readonly [K in keyof GroupFigures]: GroupFigures[K] } = { ...groupFigures(view, demand) };
  if (!view.provider) return hold(view, ['cloud state of the group is unknown this cycle: no action'], figures);
  if (remembered.paused) return hold(view, ['scaling of this group is paused'], figures);

  const arrivals = trackArrivals(remembered, view, now);
  const memory = arrivals.memory;
  figures['nodes.registered'] = view.registered.length;
  figures['nodes.provisioning'] = arrivals.provisioning.length + view.pendingSlots;
  figures['nodes.ghosts'] = arrivals.ghosts.length + arrivals.ghostSlots;
  if (arrivals.ghosts.length + arrivals.ghostSlots > 0) {
    const ids = arrivals.ghosts.map((i) => i.id);
    if (arrivals.ghostSlots > 0) ids.push(`${arrivals.ghostSlots} never listed`);
    return hold(view, [
      `${arrivals.ghosts.length + arrivals.ghostSlots} instance(s) never registered as agents within ${group.provisionTimeout} s (${ids.join(', ')}): removing them, scale-up backed off`,
    ], figures);
  }
  // Instances on their way in are read from the cloud each cycle, so a restarted process or a new
  // leader waits for them too instead of buying again. Utilization cannot see them yet: only the
  // pending policy, which counts their room, may still add nodes for work they will not hold.
  const booting = arrivals.provisioning.length + view.pendingSlots;
  const waitingFor = `waiting for ${booting} new instance(s) to register as agents: ${view.registered.length} registered (for ${Math.round(arrivals.oldestMs / 1000)} s of ${group.provisionTimeout} s)`;
  const allVotes: Vote[] = policiesFor(group, demand).map((p) => p({ view, snapshot, memory, now }));
  // The pending and trend policies count booting nodes' room (in view.current): they may still add.
  const votes = booting > 0 ? allVotes.filter((v) => (v.policy === 'pending' || v.policy === 'trend') && v.target > view.current) : allVotes;
  for (const v of allVotes) Object.assign(figures, v.figures);
  if (booting > 0 && votes.length === 0) return hold(view, [waitingFor], figures);
  const combined = combineVotes(view.current, votes);
  const reasons = combined.deciding.map((v) => v.reason);

  const lo = Math.max(group.min, view.provider.min ?? 0);
  const hi = Math.min(group.max, view.provider.max ?? Number.POSITIVE_INFINITY);
  let target = combined.target;
  if (target > view.current + group.maxStep) {
    reasons.push(`limited to ${group.maxStep} new node(s) per cycle`);
    target = view.current + group.maxStep;
  }
  if (target > hi) {
    reasons.push(`capped at max ${hi}`);
    target = hi;
  }
  if (target < lo) {
    reasons.push(target < view.current ? `held at min ${lo}` : `raised to min ${lo}`);
    target = lo;
  }
  if (target > view.current && memory.backoffUntil !== undefined && now < memory.backoffUntil) {
    return hold(view, [...reasons, `scale-up backed off for ${Math.ceil((memory.backoffUntil - now) / 1000)} s more: new instances did not register in time, or the cloud asked to wait`], figures);
  }
  if (target >= view.current) {
    const direction = target > view.current ? 'up' : 'none';
    return { group: group.name, current: view.current, target, direction, removals: [], reasons, figures };
  }

  const sinceAdd = memory.lastScaleUpAt === undefined ? Infinity : now - memory.lastScaleUpAt;
  if (sinceAdd < group.scaleDown.delayAfterAdd * 1000) {
    return hold(view, [...reasons, `group grew ${Math.round(sinceAdd / 1000)} s ago; no scale-down for ${group.scaleDown.delayAfterAdd} s after a scale-up`], figures);
  }
  const { allowed: parallel, limit, bounds } = disruptionAllowance(view);
  if (parallel <= 0) return hold(view, [...reasons, limit], figures);
  // Min holds for real agents at every step, including while earlier drains or deletes are failing.
  const aboveMin = view.registered.length - lo;
  if (aboveMin <= 0) return hold(view, [...reasons, `${view.registered.length} registered agent(s): none can go below min ${lo}`], figures);
  if (parallel < Math.min(view.current - target, aboveMin)) reasons.push(`at most ${parallel} new drain(s) this cycle (${bounds})`);
  const removals = chooseRemovals(view, memory, now, Math.min(view.current - target, parallel, aboveMin), reasons, config.protectedFrameworks, snapshot.sources.mesos.tasksUnlisted === true);
  if (!removals.length) return hold(view, reasons, figures);
  return { group: group.name, current: view.current, target: view.current - removals.length, direction: 'down', removals, reasons, figures };
}

function chooseRemovals(view: GroupView, memory: GroupMemory, now: number, wanted: number, reasons: string[], protectedFrameworks: readonly string[], tasksUnlisted: boolean): Removal[] {
  const found = removalCandidates(view, memory, now, protectedFrameworks);
  const { candidates, excluded } = tasksUnlisted ? withoutUnlistedWork(found) : found;
  // At most this many candidates a cycle whose tasks fit nowhere (scale-down.ts, TrialOrder): 30 is
  // cluster-autoscaler's --scale-down-non-empty-candidates-count; twice what is wanted when more.
  const stuckLimit = Math.max(30, 2 * wanted);
  const removable = chooseRemovable(view, candidates, wanted, { stuck: stuckLimit, rotate: Math.floor(now / 60_000) * Math.ceil(stuckLimit / 2) });
  const { stuck, untried } = removable;
  const chosen = withinCeiling(view, removable.chosen, reasons, headroomReleased(view, memory, now) !== undefined);
  if (chosen.length < wanted) {
    const why = [...excluded, ...stuck].slice(0, 5).map((e) => `${e.agent.hostname}: ${e.why}`).join('; ');
    const more = excluded.length + stuck.length > 5 ? `; and ${excluded.length + stuck.length - 5} more` : '';
    reasons.push(`only ${chosen.length} of ${wanted} agent(s) can be removed${why ? ` (${why}${more})` : ''}`);
    if (untried > 0) reasons.push(`${untried} candidate(s) not tried this cycle: ${stuck.length} could not be re-placed, at most ${stuckLimit} a cycle`);
  }
  return chosen.map(toRemoval);
}

/**
 * Agents read without their tasks (GET_AGENTS, `/master/slaves`): one with anything allocated runs
 * work nobody can see, protected tasks included, so only agents with nothing allocated stay
 * candidates (the original tool's idle nodes).
 */
function withoutUnlistedWork(found: ReturnType<typeof removalCandidates>): ReturnType<typeof removalCandidates> {
  const candidates = found.candidates.filter((c) => isZero(c.agent.used));
  if (candidates.length === found.candidates.length) return found;
  const hidden = found.candidates.filter((c) => !isZero(c.agent.used)).map((c) => ({ agent: c.agent, why: 'resources allocated, but the master listed agents without their tasks this cycle' }));
  return { ...found, candidates, excluded: [...found.excluded, ...hidden] };
}

/**
 * Stops removing before the group would be pushed back over the utilization
 * that makes it grow again (the up cap, or the top of the target band): a
 * removal that triggers a scale-up next cycle only costs a drain and a boot.
 */
function withinCeiling<T extends { agent: GroupView['capacity'][number] }>(view: GroupView, chosen: readonly T[], reasons: string[], headroomFree = false): T[] {
  const group = view.config;
  // With the headroom released (planner/headroom.ts) the threshold policy does not grow at its up cap.
  const threshold = group.policies.includes('threshold') && !headroomFree;
  const band = group.policies.includes('target') ? group.targetUtilization?.high : undefined;
  if (!threshold && band === undefined) return [...chosen];
  // Per resource: the lower of its threshold up cap and the target band's top.
  const ceilingOf = (r: TrackedResource): number => Math.min(threshold ? capsOf(group, r).up : Infinity, band ?? Infinity) / 100;
  const out: T[] = [];
  let total = view.total;
  for (const c of chosen) {
    const after = { ...total };
    for (const r of group.resources) after[r] = total[r] - c.agent.total[r];
    const over = group.resources.find((r) => after[r] <= 0 ? view.used[r] > 0 : view.used[r] / after[r] >= ceilingOf(r));
    if (over) {
      reasons.push(`removing ${c.agent.hostname} would put ${over} at ${after[over] > 0 ? ((view.used[over] / after[over]) * 100).toFixed(1) : '100'}%, at or over ${Math.round(ceilingOf(over) * 1000) / 10}%: kept`);
      break;
    }
    out.push(c);
    total = after;
  }
  return out;
}
