import type { Agent, Task } from '../model/agent.js';
import type { Removal } from '../model/plan.js';
import { toVector, makeBin, canHost, take, type Bin } from './packing.js';
import { agentLoad, runningTasks, type GroupView } from './group-view.js';
import { machineOf, type MachineId } from '../model/machine.js';
import { protection } from './protections.js';
import type { GroupMemory } from './state.js';
import { isZero, subtractFloor } from '../model/resources.js';

export interface Candidate {
  readonly agent: Agent;
  readonly instanceId: string;
  readonly machine: MachineId;
  readonly load: number;
  readonly tasks: number;
}

export interface Excluded {
  readonly agent: Agent;
  readonly why: string;
}

export interface CandidateSearch {
  readonly candidates: readonly Candidate[];
  /** Agents that were left out, with why (for the plan's reasons). */
  readonly excluded: readonly Excluded[];
}

/**
 * Agents of the group that may be removed, best first: no running tasks, then
 * least loaded; ties broken by agent id so the same input gives the same plan.
 */
export function removalCandidates(view: GroupView, memory: GroupMemory, now: number, protectedFrameworks: readonly string[] = []): CandidateSearch {
  const { resources } = view.config;
  const candidates: Candidate[] = [];
  const excluded: Excluded[] = [];
  for (const agent of view.capacity) {
    const instance = view.matching.byAgent.get(agent.id);
    const machine = machineOf(agent);
    const why =
      protection(agent, protectedFrameworks) ??
      (instance ? undefined : (view.matching.unmatched.get(agent.id) ?? 'no cloud instance of the group matches it')) ??
      (machine ? undefined : 'its IP is unknown (no pid), so Mesos maintenance cannot name its machine') ??
      notUnneeded(agent, view, memory, now);
    if (why || !instance || !machine) {
      excluded.push({ agent, why: why ?? 'not removable' });
      continue;
    }
    candidates.push({ agent, instanceId: instance.id, machine, load: agentLoad(agent, resources), tasks: movingWork(agent).length });
  }
  candidates.sort((a, b) => Number(b.tasks === 0) - Number(a.tasks === 0) || a.load - b.load || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0));
  return { candidates, excluded };
}

function notUnneeded(agent: Agent, view: GroupView, memory: GroupMemory, now: number): string | undefined {
  const { utilization, unneededTime } = view.config.scaleDown;
  const load = agentLoad(agent, view.config.resources);
  if (load >= utilization / 100) return `${(load * 100).toFixed(0)}% used, not under ${utilization}%`;
  if (unneededTime <= 0) return undefined;
  const since = memory.unneededSince?.[agent.id];
  if (since === undefined || now - since < unneededTime * 1000) {
    const forS = since === undefined ? 0 : Math.round((now - since) / 1000);
    return `unneeded for ${forS} s of ${unneededTime} s`;
  }
  return undefined;
}

/**
 * Picks up to `wanted` candidates whose running tasks all fit on the group's
 * other agents (resources and known constraints), simulating each move before
 * the next so two removals never count on the same free room.
 */
export function chooseRemovable(view: GroupView, candidates: readonly Candidate[], wanted: number): { chosen: Candidate[]; stuck: Excluded[] } {
  const bins = new Map<string, Bin>();
  for (const a of view.capacity) {
    const apps = new Map<string, number>();
    for (const t of runningTasks(a)) if (t.appId) apps.set(t.appId, (apps.get(t.appId) ?? 0) + 1);
    bins.set(a.id, makeBin(a, subtractFloor(a.total, a.used), apps));
  }
  const removed = new Set<string>();
  // Agents that took moved tasks in this simulation stay: removing one would strand what it took
  // (cluster-autoscaler records each simulated move, removed node -> target node, in a UsageTracker:
  // simulator/cluster.go, findPlaceFor's usageTracker.RegisterUsage, so a destination is not removed with its source).
  const receivers = new Set<Bin>();
  const chosen: Candidate[] = [];
  const stuck: Excluded[] = [];
  for (const c of candidates) {
    if (chosen.length >= wanted) break;
    const own = bins.get(c.agent.id);
    if (own && receivers.has(own)) continue;
    const tasks = movingWork(c.agent);
    removed.add(c.agent.id);
    const moves: { bin: Bin; need: Float64Array; app: string }[] = [];
    let ok = true;
    for (const t of tasks) {
      const need = toVector(t.resources);
      const app = t.appId ?? t.id;
      let target: Bin | undefined;
      for (const [id, bin] of bins) {
        if (!removed.has(id) && canHost(need, t.constraints ?? [], app, bin)) {
          target = bin;
          break;
        }
      }
      if (!target) {
        ok = false;
        break;
      }
      take(need, target, app);
      moves.push({ bin: target, need, app });
    }
    if (ok) {
      for (const m of moves) receivers.add(m.bin);
      chosen.push(c);
      continue;
    }
    // Undo the partial move: this agent stays.
    for (const m of moves) {
      for (let i = 0; i < m.need.length; i++) m.bin.free[i] = (m.bin.free[i] ?? 0) + (m.need[i] ?? 0);
      m.bin.apps.set(m.app, (m.bin.apps.get(m.app) ?? 1) - 1);
    }
    removed.delete(c.agent.id);
    stuck.push({ agent: c.agent, why: `its ${tasks.length} task(s) would not fit on the other agents of the group` });
  }
  return { chosen, stuck };
}

/**
 * The work that must find room elsewhere: the agent's running tasks, or, when
 * Mesos listed none but reports resources in use (classic `/slaves` has no
 * tasks), that use as one block so a busy agent is never taken for idle.
 */
export function movingWork(agent: Agent): readonly Pick<Task, 'id' | 'resources' | 'appId' | 'constraints'>[] {
  const tasks = runningTasks(agent);
  if (tasks.length > 0 || isZero(agent.used)) return tasks;
  return [{ id: `${agent.id}/in-use`, resources: agent.used }];
}

export function toRemoval(c: Candidate): Removal {
  const reason = c.tasks === 0
    ? 'no running tasks'
    : `least loaded: ${(c.load * 100).toFixed(1)}% with ${c.tasks} task(s), which fit on the other agents`;
  return { agentId: c.agent.id, hostname: c.agent.hostname, machine: c.machine, instanceId: c.instanceId, reason };
}
