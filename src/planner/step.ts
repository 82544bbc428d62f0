import type { Config } from '../config/schema.js';
import type { DrainMethod, GhostView, Move } from '../model/drain.js';
import type { Plan } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { decideDrains, deleteBackoffMs } from './drains.js';
import { viewGroup } from './group-view.js';
import { plan as planSizes } from './planner.js';
import { trackArrivals } from './reconcile.js';
import { checkSanity, DEFAULT_SANITY } from './sanity.js';
import type { ControllerState, GroupMemory } from './state.js';
import { trackUnneeded } from './unneeded.js';
import { trackWork } from './headroom.js';
import { measuredDemand, recordDemand } from './trend.js';

/** One cycle's decisions and the state to remember. */
export interface StepResult {
  readonly plan: Plan;
  readonly next: ControllerState;
}

/**
 * The act path as a pure state machine: (snapshot, config, state, now) -> moves and next state.
 * Order of moves: drains already under way first (down, delete, finish), then instances that
 * never registered, then the size change, then new drains. The controller only executes them
 * and reports each outcome through `recordOutcome`.
 */
export function step(snapshot: ClusterSnapshot, config: Config, state: ControllerState, now: number): StepResult {
  const sanity = checkSanity(snapshot, state, config.sanity ?? DEFAULT_SANITY);
  if (sanity.problem) {
    return { plan: { at: snapshot.takenAt, groups: [], skipped: sanity.problem, moves: [] }, next: { ...state, agents: sanity.agents } };
  }
  const views = config.groups.map((g) => viewGroup(snapshot, g));
  const memories = new Map<string, GroupMemory>(config.groups.map((g) => [g.name, state.groups[g.name] ?? {}]));
  const drains = decideDrains(snapshot, views, memories, now);

  const ghostMoves: Move[] = [];
  const ghosts: GhostView[] = [];
  const groups: Record<string, GroupMemory> = {};
  for (const view of views) {
    const name = view.config.name;
    let mem = drains.memory.get(name) ?? {};
    if (view.provider) {
      const arrivals = trackArrivals(mem, view, now);
      mem = arrivals.memory;
      for (const g of arrivals.ghosts) {
        const watchedMs = now - (mem.unregisteredSince?.[g.id] ?? now);
        ghosts.push({ group: name, instanceId: g.id, watchedMs });
        const retry = mem.deleteRetry?.[g.id];
        if (mem.paused || (retry && now < retry.notBefore)) continue;
        ghostMoves.push({ kind: 'delete', group: name, instanceId: g.id, reason: `instance ${g.id} never registered as an agent within ${view.config.provisionTimeout} s` });
      }
      if (arrivals.ghostSlots > 0 && !mem.paused) {
        // Desired size the cloud never made instances for: give it back.
        const to = view.provider.desired - arrivals.ghostSlots;
        ghostMoves.push({ kind: 'set-size', group: name, from: view.provider.desired, to, reason: `${arrivals.ghostSlots} instance(s) never appeared in ${view.config.provisionTimeout} s` });
        const { slotsSince: _gone, ...rest } = mem;
        mem = rest;
      }
      // Ghosts mean the group cannot provision now: try other groups first.
      if (arrivals.ghosts.length + arrivals.ghostSlots > 0 && (mem.backoffUntil === undefined || mem.backoffUntil < now)) {
        mem = { ...mem, backoffUntil: now + view.config.provisionTimeout * 1000 };
      }
    }
    groups[name] = trackWork(trackUnneeded(mem, view, now), view, now);
  }
  const sized = planSizes(snapshot, config, { groups, agents: sanity.agents }, now);
  // The trend policy's history: the demand it measured this cycle (none when the group held before voting).
  const remembered: Record<string, GroupMemory> = { ...groups };
  for (const g of sized.groups) {
    const mem = groups[g.group];
    const level = measuredDemand(g.figures);
    const cfg = config.groups.find((c) => c.name === g.group);
    if (mem && level && cfg) remembered[g.group] = recordDemand(mem, cfg.trend.window, level, now);
  }
  const next: ControllerState = { groups: remembered, agents: sanity.agents };
  const sizeMoves: Move[] = [];
  const drainStarts: Move[] = [];
  for (const g of sized.groups) {
    const view = views.find((v) => v.config.name === g.group);
    if (!view?.provider) continue;
    if (g.direction === 'up') {
      // The cloud's own desired size moves by what we add: instances still draining keep their slots until deleted.
      // Deletions earlier in this plan lower it first (deleteInstances does), and the cloud never holds more than
      // max instances, draining ones included (an ASG refuses more than its MaxSize).
      const deletedFirst = [...drains.moves, ...ghostMoves].filter((m) => m.group === g.group && m.kind === 'delete').length;
      const from = view.provider.desired - deletedFirst;
      const to = Math.min(view.config.max, from + (g.target - g.current));
      if (to > from) sizeMoves.push({ kind: 'set-size', group: g.group, from, to, reason: g.reasons[0] ?? 'scale up' });
    }
    // Without this cycle's maintenance state our drains cannot be counted: none starts.
    if (g.direction === 'down' && (!config.drain || snapshot.maintenance)) {
      for (const r of g.removals) {
        if (!r.machine || r.instanceId === undefined) continue;
        // The removal's instance names its agent (matching is one to one): no scan of the group per removal.
        const matched = view.matching.byInstance.get(r.instanceId);
        const a = matched?.id === r.agentId ? matched : view.agents.find((x) => x.id === r.agentId);
        const method = drainMethodFor(config.mesos.drainMethod, a?.version, snapshot.sources.mesos.api);
        drainStarts.push({ kind: 'drain', group: g.group, agentId: r.agentId, machine: r.machine, instanceId: r.instanceId, method, graceMs: view.config.scaleDown.drainTimeout * 1000, reason: r.reason });
      }
    }
  }
  // A stale observation moves nothing, drains included.
  const moves = sized.skipped ? [] : [...drains.moves.filter((m) => !groups[m.group]?.paused), ...ghostMoves, ...sizeMoves, ...drainStarts];
  return { plan: { ...sized, moves, drains: drains.views, ghosts }, next };
}

/**
 * DRAIN_AGENT exists from Mesos 1.9 (master.proto `Call.DrainAgent`) and only on the v1 operator
 * API; agents are never newer than their master. `auto` takes it when both say so.
 */
export function drainMethodFor(configured: 'auto' | DrainMethod, agentVersion: string | undefined, api: 'v1' | 'v0' | undefined = 'v1'): DrainMethod {
  if (configured !== 'auto') return configured;
  if (api === 'v0') return 'maintenance';
  const m = /^(\d+)\.(\d+)/.exec(agentVersion ?? '');
  return m && (Number(m[1]) > 1 || (Number(m[1]) === 1 && Number(m[2]) >= 9)) ? 'drain-agent' : 'maintenance';
}

/** What a failed move's error said about waiting: a cloud's Retry-After (a 429). */
export interface FailureHint {
  readonly retryAfterMs?: number;
}

/**
 * Pure: what the state remembers of an executed move's outcome. A failure whose cloud asked us to
 * wait (`retryAfterMs`) backs the group off until then: no scale-up, and no retry of that delete.
 */
export function recordOutcome(state: ControllerState, move: Move, ok: boolean, now: number, hint: FailureHint = {}): ControllerState {
  const recorded = recordMove(state, move, ok, now);
  if (ok || hint.retryAfterMs === undefined || hint.retryAfterMs <= 0) return recorded;
  const until = now + hint.retryAfterMs;
  const mem = recorded.groups[move.group] ?? {};
  const retry = move.kind === 'delete' ? mem.deleteRetry?.[move.instanceId] : undefined;
  const next: GroupMemory = {
    ...mem,
    backoffUntil: Math.max(mem.backoffUntil ?? 0, until),
    ...(retry && move.kind === 'delete' ? { deleteRetry: { ...mem.deleteRetry, [move.instanceId]: { ...retry, notBefore: Math.max(retry.notBefore, until) } } } : {}),
  };
  return { ...recorded, groups: { ...recorded.groups, [move.group]: next } };
}

function recordMove(state: ControllerState, move: Move, ok: boolean, now: number): ControllerState {
  const mem = state.groups[move.group] ?? {};
  let next: GroupMemory = mem;
  if (move.kind === 'set-size' && ok) next = { ...mem, lastScaleUpAt: now };
  if (move.kind === 'drain' && ok) next = { ...mem, lastScaleDownAt: now };
  if (move.kind === 'delete') {
    const { [move.instanceId]: prior, ...rest } = mem.deleteRetry ?? {};
    if (ok) next = { ...mem, deleteRetry: rest };
    else {
      const attempts = (prior?.attempts ?? 0) + 1;
      next = { ...mem, deleteRetry: { ...rest, [move.instanceId]: { attempts, notBefore: now + deleteBackoffMs(attempts) } } };
    }
  }
  return next === mem ? state : { ...state, groups: { ...state.groups, [move.group]: next } };
}
