import type { Config, GroupConfig } from '../config/schema.js';
import type { GroupPlan, Plan, Removal } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { viewGroup, type GroupView } from './group-view.js';
import { combineVotes, type Policy, type Vote } from './policy.js';
import { settleInFlight } from './reconcile.js';
import { removalCandidates, toRemoval } from './scale-down.js';
import type { ControllerState, GroupMemory } from './state.js';
import { thresholdPolicy } from './threshold.js';

/** Policies that vote on a group's size. */
export function policiesFor(_group: GroupConfig): readonly Policy[] {
  return [thresholdPolicy];
}

/** Pure: snapshot, config and remembered state in, plan out. No I/O, no clock. */
export function plan(snapshot: ClusterSnapshot, config: Config, state: ControllerState, now: number): Plan {
  const age = now - snapshot.sources.mesos.readAt;
  if (age > config.staleAfter * 1000) {
    return { at: snapshot.takenAt, groups: [], skipped: `Mesos state is ${Math.round(age / 1000)} s old (limit ${config.staleAfter} s)` };
  }
  return {
    at: snapshot.takenAt,
    groups: config.groups.map((g) => planGroup(viewGroup(snapshot, g), snapshot, state.groups[g.name] ?? {}, now)),
  };
}

function hold(view: GroupView, reasons: string[], figures: Record<string, number>): GroupPlan {
  return { group: view.config.name, current: view.current, target: view.current, direction: 'none', removals: [], reasons, figures };
}

export function planGroup(view: GroupView, snapshot: ClusterSnapshot, remembered: GroupMemory, now: number): GroupPlan {
  const { config } = view;
  const figures: Record<string, number> = { 'nodes.current': view.current, 'nodes.active': view.capacity.length, 'nodes.matching': view.agents.length };
  if (!view.provider) return hold(view, ['cloud state of the group is unknown this cycle: no action'], figures);
  if (remembered.paused) return hold(view, ['scaling of this group is paused'], figures);

  const settled = settleInFlight(remembered, view, now);
  const memory = settled.memory;
  if (settled.status === 'waiting' && memory.inFlight) {
    const f = memory.inFlight;
    return hold(view, [
      `waiting for the last change to reach Mesos: ${view.capacity.length} active agents, expecting ${f.expectAgents} (for ${Math.round((now - f.since) / 1000)} s of ${config.provisionTimeout} s)`,
    ], figures);
  }

  const votes: Vote[] = policiesFor(config).map((p) => p({ view, snapshot, memory, now }));
  for (const v of votes) Object.assign(figures, v.figures);
  const combined = combineVotes(view.current, votes);
  const reasons = combined.deciding.map((v) => v.reason);
  if (settled.status === 'timed-out') reasons.push(`the last change did not reach Mesos within ${config.provisionTimeout} s`);

  const lo = Math.max(config.min, view.provider.min ?? 0);
  const hi = Math.min(config.max, view.provider.max ?? Number.POSITIVE_INFINITY);
  let target = combined.target;
  if (target > hi) {
    reasons.push(`capped at max ${hi}`);
    target = hi;
  }
  if (target < lo) {
    reasons.push(target < view.current ? `held at min ${lo}` : `raised to min ${lo}`);
    target = lo;
  }
  if (target > view.current && memory.backoffUntil !== undefined && now < memory.backoffUntil) {
    return hold(view, [...reasons, `scale-up backed off until ${new Date(memory.backoffUntil).toISOString()}: new instances did not register in time`], figures);
  }
  if (target >= view.current) {
    const direction = target > view.current ? 'up' : 'none';
    return { group: config.name, current: view.current, target, direction, removals: [], reasons, figures };
  }

  const parallel = config.scaleDown.maxParallel - view.draining.length;
  if (parallel <= 0) {
    return hold(view, [...reasons, `${view.draining.length} agent(s) already draining (max-scale-down-parallel ${config.scaleDown.maxParallel})`], figures);
  }
  const removals = chooseRemovals(view, Math.min(view.current - target, parallel), reasons);
  if (!removals.length) return hold(view, reasons, figures);
  return { group: config.name, current: view.current, target: view.current - removals.length, direction: 'down', removals, reasons, figures };
}

function chooseRemovals(view: GroupView, wanted: number, reasons: string[]): Removal[] {
  const { candidates, excluded } = removalCandidates(view);
  const chosen = candidates.slice(0, wanted).map(toRemoval);
  if (chosen.length < wanted) {
    const why = excluded.map((e) => `${e.agent.hostname}: ${e.why}`).join('; ');
    reasons.push(`only ${chosen.length} of ${wanted} agents can be removed${why ? ` (${why})` : ''}`);
  }
  return chosen;
}
