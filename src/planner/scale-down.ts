import type { Agent, Task } from '../model/agent.js';
import type { Constraint } from '../model/pending.js';
import type { Removal } from '../model/plan.js';
import { makeBin, canHost, take, EPSILON, type Bin } from './packing.js';
import { runningTasks, type GroupView } from './group-view.js';
import type { MachineId } from '../model/machine.js';
import { CandidateMemo } from './candidate-memo.js';
import { movingLargestFirst } from './agent-facts.js';
import type { GroupMemory } from './state.js';
import { isZero, subtractFloor, toVector } from '../model/resources.js';

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

/** One empty list, so the per-agent protection answer (agent-facts.ts) stays cached when none is given. */
const NO_FRAMEWORKS: readonly string[] = [];

/** One memo per group config and protected-framework list (candidate-memo.ts). */
const memos = new WeakMap<GroupView['config'], WeakMap<readonly string[], CandidateMemo>>();

/**
 * Agents of the group that may be removed, best first: no running tasks, then
 * least loaded; ties broken by agent id so the same input gives the same plan.
 * Excluded agents come in the group's order, each with why.
 */
export function removalCandidates(view: GroupView, memory: GroupMemory, now: number, protectedFrameworks: readonly string[] = NO_FRAMEWORKS): CandidateSearch {
  let byList = memos.get(view.config);
  if (!byList) {
    byList = new WeakMap();
    memos.set(view.config, byList);
  }
  let memo = byList.get(protectedFrameworks);
  if (!memo) {
    memo = new CandidateMemo(protectedFrameworks);
    byList.set(protectedFrameworks, memo);
  }
  return memo.search(view, memory, now);
}

/**
 * Picks up to `wanted` candidates whose running tasks all fit on the group's
 * other agents (resources and known constraints), simulating each move before
 * the next so two removals never count on the same free room.
 *
 * Cost at 50,000 agents (bench/warm.ts): bins are made on first use, in the order first-fit scans
 * them, so a scale-down that finds room on the first agents never builds one per agent; and a
 * constraint-free need that fitted nowhere is remembered with the only bins that can have gained
 * room since (those the failed candidate's undone moves gave back, and its own), so a run of stuck
 * candidates costs a few checks each instead of a scan of the whole group (was quadratic). A need
 * that did fit resumes its next scan at the bin that took it: the bins before it refused it and,
 * only losing room and gaining instances, still do, unless an undo gave one of them back (a UNIQUE
 * daemon's tasks would otherwise walk past every node holding one, for every candidate).
 */
export function chooseRemovable(view: GroupView, candidates: readonly Candidate[], wanted: number, limit: StuckLimit = NO_LIMIT): { chosen: Candidate[]; stuck: Excluded[]; untried: number } {
  const agents = view.capacity;
  const each = view.room.each;
  const made: (Bin | undefined)[] = new Array<Bin | undefined>(agents.length);
  const binAt = (k: number, a: Agent): Bin => (made[k] ??= binOf(a));
  const removed = new Set<string>();
  // Agents that took moved tasks in this simulation stay: removing one would strand what it took
  // (cluster-autoscaler records each simulated move, removed node -> target node, in a UsageTracker:
  // simulator/cluster.go, findPlaceFor's usageTracker.RegisterUsage, so a destination is not removed with its source).
  const receivers = new Set<string>();
  // Need (as text, with the app when constrained) -> the bins that may host it now, after it fitted none (see above).
  const nowhere = new Map<string, { readonly only: readonly { k: number; id: string }[] }>();
  // Constraint-free misfits by need, fewest kept (none at least as large as another): a constraint-free
  // need at least as large as a misfit on every resource fits no bin that refused the misfit either,
  // so only that misfit's `only` bins can take it (fitsIn is all a constraint-free need asks of a bin).
  const smallest: { readonly need: Float64Array; readonly only: readonly { k: number; id: string }[] }[] = [];
  const noneOf = (only: readonly { k: number; id: string }[], need: Float64Array, constraints: readonly Constraint[], app: string): boolean =>
    !only.some(({ k, id }) => !removed.has(id) && canHost(need, constraints, app, binAt(k, agents[k] as Agent)));
  const stillNowhere = (key: string, need: Float64Array, constraints: readonly Constraint[], app: string): boolean => {
    const memo = nowhere.get(key);
    if (memo) return noneOf(memo.only, need, constraints, app);
    if (constraints.length > 0) return false;
    for (const m of smallest) if (atLeast(need, m.need) && noneOf(m.only, need, constraints, app)) return true;
    return false;
  };
  // Need key -> where its next first-fit scan may start, and how many undos had happened then.
  const resume = new Map<string, { readonly at: number; readonly undos: number }>();
  // The bins each undo gave back (its moves' bins and the candidate's own), in order.
  const undone: (readonly number[])[] = [];
  const canTake = (k: number, need: Float64Array, constraints: readonly Constraint[], app: string): Bin | undefined => {
    // An agent whose free cpus or mem (before this simulation, which only takes room: a bound) cannot hold the
    // task is passed over unread; only the others get a bin.
    if (made[k] === undefined && ((need[0] as number) > (each[2 * k] as number) + EPSILON || (need[1] as number) > (each[2 * k + 1] as number) + EPSILON)) return undefined;
    const a = agents[k] as Agent;
    if (removed.has(a.id)) return undefined;
    const bin = binAt(k, a);
    return canHost(need, constraints, app, bin) ? bin : undefined;
  };
  const firstFit = (key: string, need: Float64Array, constraints: readonly Constraint[], app: string): { k: number; id: string; bin: Bin } | undefined => {
    const r = resume.get(key);
    const from = r?.at ?? 0;
    if (r) {
      // Bins before `from` refused this need and still do, but for those an undo gave back since.
      const back = [...new Set(undone.slice(r.undos).flat())].filter((k) => k < from).sort((x, y) => x - y);
      for (const k of back) {
        const bin = canTake(k, need, constraints, app);
        if (bin) return { k, id: (agents[k] as Agent).id, bin };
      }
    }
    for (let k = from; k < agents.length; k++) {
      const bin = canTake(k, need, constraints, app);
      if (bin) return { k, id: (agents[k] as Agent).id, bin };
    }
    return undefined;
  };
  const chosen: Candidate[] = [];
  const stuck: Excluded[] = [];
  const refuse = (c: Candidate, n: number): void => {
    stuck.push({ agent: c.agent, why: `its ${n} task(s) would not fit on the other agents of the group` });
  };
  const order = new TrialOrder(candidates.length, limit);
  for (let at = order.next(0); at >= 0; at = order.next(stuck.length)) {
    const c = candidates[at] as Candidate;
    if (chosen.length >= wanted) break;
    if (receivers.has(c.agent.id)) continue;
    const tasks = movingLargestFirst(c.agent);
    const needs: Float64Array[] = new Array<Float64Array>(tasks.length);
    const keys: string[] = new Array<string>(tasks.length);
    removed.add(c.agent.id);
    // A known misfit fails this candidate whatever its other moves do (they only take room and add instances).
    // Needs and keys are made as the check reaches each task: a candidate stuck on its first tasks costs those only.
    if (
      tasks.some((t, i) => {
        const { need, key } = needOf(t);
        needs[i] = need;
        keys[i] = key;
        return stillNowhere(key, need, t.constraints ?? [], t.appId ?? t.id);
      })
    ) {
      removed.delete(c.agent.id);
      refuse(c, tasks.length);
      continue;
    }
    const moves: { k: number; id: string; bin: Bin; need: Float64Array; app: string }[] = [];
    let failed: string | undefined;
    let failedNeed: Float64Array | undefined;
    let failedFree = false;
    let ok = true;
    for (let ti = 0; ti < tasks.length; ti++) {
      const t = tasks[ti] as (typeof tasks)[number];
      const need = needs[ti] as Float64Array;
      const constraints = t.constraints ?? [];
      const app = t.appId ?? t.id;
      const key = keys[ti] as string;
      const target = firstFit(key, need, constraints, app);
      if (!target) {
        ok = false;
        failed = key;
        failedNeed = need;
        failedFree = constraints.length === 0;
        resume.set(key, { at: agents.length, undos: undone.length });
        break;
      }
      resume.set(key, { at: target.k, undos: undone.length });
      take(need, target.bin, app);
      moves.push({ ...target, need, app });
    }
    if (ok) {
      for (const m of moves) receivers.add(m.id);
      chosen.push(c);
      continue;
    }
    // Undo the partial move: this agent stays.
    for (const m of moves) {
      for (let i = 0; i < m.need.length; i++) m.bin.free[i] = (m.bin.free[i] ?? 0) + (m.need[i] ?? 0);
      m.bin.apps.set(m.app, (m.bin.apps.get(m.app) ?? 1) - 1);
    }
    removed.delete(c.agent.id);
    // The undone moves' bins and the candidate's own came back: scans resumed past them look at them again.
    const own = agents.findIndex((a) => a.id === c.agent.id);
    undone.push(own >= 0 ? [own, ...moves.map((m) => m.k)] : moves.map((m) => m.k));
    if (failed) {
      // Every bin was scanned and refused it; since then only these gained room (or came back).
      const only = moves.map(({ k, id }) => ({ k, id }));
      if (own >= 0) only.push({ k: own, id: c.agent.id });
      nowhere.set(failed, { only });
      const need = failedNeed as Float64Array;
      if (failedFree) {
        for (let i = smallest.length - 1; i >= 0; i--) if (atLeast((smallest[i] as (typeof smallest)[number]).need, need)) smallest.splice(i, 1);
        smallest.push({ need, only });
      }
    }
    refuse(c, tasks.length);
  }
  return { chosen, stuck, untried: chosen.length >= wanted ? 0 : order.untried() };
}

/** How many candidates may fail to re-place in one cycle, and where the second half of the tries starts. */
export interface StuckLimit {
  readonly stuck: number;
  /** Any integer (e.g. the cycle's number): the later tries start at this position, modulo the candidates. */
  readonly rotate: number;
}

const NO_LIMIT: StuckLimit = { stuck: Infinity, rotate: 0 };

/**
 * The candidates in the order they are tried: best first until half the limit of stuck ones is
 * reached, then the others from a position that moves with `rotate`, until the limit. Why: a
 * group of thousands of agents can hold hundreds of candidates whose tasks fit nowhere, and each
 * costs a simulation every cycle (with `load: scarcest` a 5,000-agent month ran 1.7 times as long:
 * bench/simulate.ts). cluster-autoscaler bounds the same work (`--scale-down-non-empty-candidates-count`,
 * and unremovable nodes are rechecked only after `--unremovable-node-recheck-timeout`); the moving
 * start means a candidate behind a run of stuck ones is still tried within a few cycles.
 */
class TrialOrder {
  #i = 0;
  #j = 0;
  #rotated = false;
  #start = 0;
  /** Positions handed out so far. */
  count = 0;

  constructor(
    private readonly n: number,
    private readonly limit: StuckLimit,
  ) {}

  /**
   * The next position to try, or -1, given how many tried so far were stuck. An index walk, not a
   * generator: a generator's yields made an object each, tens of thousands a cycle at 50,000
   * agents, which showed in the warm cycle's tail (bench/warm.ts).
   */
  next(stuck: number): number {
    const { n } = this;
    if (!this.#rotated) {
      if (this.#i < n && stuck < Math.ceil(this.limit.stuck / 2)) {
        this.count++;
        return this.#i++;
      }
      if (this.#i >= n) return -1;
      this.#rotated = true;
      this.#start = ((this.limit.rotate % n) + n) % n;
    }
    // The first half tried positions 0..#i-1; the walk round from #start visits every other one once.
    while (this.#j < n && stuck < this.limit.stuck) {
      const k = (this.#start + this.#j++) % n;
      if (k < this.#i) continue;
      this.count++;
      return k;
    }
    return -1;
  }

  untried(): number {
    return this.n - this.count;
  }
}

/** `a` is at least `b` on every resource. */
function atLeast(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) < (b[i] ?? 0)) return false;
  return true;
}

/**
 * The key under which a need that fitted no bin is remembered. A bin's answer for a task depends
 * on the bin alone (its free room, its instances of the task's app, its attributes: `canHost`
 * seeds the constraints with that bin's instances only), and during the simulation a bin only
 * loses room and gains instances, which never turns a refusal into a fit; so a constrained need
 * is remembered too, per app (an app's tasks share its constraints).
 */
function misfitKey(need: Float64Array, t: Pick<Task, 'constraints' | 'appId' | 'id'>): string {
  return (t.constraints ?? []).length === 0 ? need.join() : `${need.join()}@${t.appId ?? t.id}`;
}

/**
 * A task's need vector and misfit key, once per task object: the models hand out the same task
 * object while its state holds, and with `load: scarcest` a 5,000-agent group looks at a few
 * million tasks of candidates a day, most of them on candidates that stay stuck (bench/simulate.ts).
 * Neither is written to after it is made (take and the undo only read the need).
 */
const taskNeeds = new WeakMap<object, { readonly need: Float64Array; readonly key: string }>();

function needOf(t: Pick<Task, 'id' | 'resources' | 'appId' | 'constraints'>): { readonly need: Float64Array; readonly key: string } {
  let n = taskNeeds.get(t);
  if (n === undefined) {
    const need = toVector(t.resources);
    n = { need, key: misfitKey(need, t) };
    taskNeeds.set(t, n);
  }
  return n;
}

function binOf(a: Agent): Bin {
  const apps = new Map<string, number>();
  for (const t of runningTasks(a)) if (t.appId) apps.set(t.appId, (apps.get(t.appId) ?? 0) + 1);
  return makeBin(a, subtractFloor(a.total, a.used), apps);
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
