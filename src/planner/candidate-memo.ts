import { isCapacity, type Agent } from '../model/agent.js';
import type { TrackedResource } from '../model/resources.js';
import type { Instance } from '../model/node-group.js';
import { alignByIdentity } from '../util/identity-diff.js';
import { of as factsOf, loadOf, machineOfAgent, movingCount, protectionOf } from './agent-facts.js';
import type { GroupView } from './group-view.js';
import { loadResources } from './scale-down-load.js';
import type { Candidate, CandidateSearch, Excluded } from './scale-down.js';
import type { GroupMemory, SinceMap } from './state.js';
import { unneededBase } from './unneeded.js';

/** What is known of an agent's position before the clock is read. */
const OUT = 0; // not capacity
const CANDIDATE = 1; // a candidate once unneeded long enough
const EXCLUDED = 2; // excluded whatever the time (protected, no IP, too busy)
const UNMATCHED = 3; // no instance: why is asked of this cycle's matching (it depends on other agents)

/** Best first: no running tasks, then least loaded; ties broken by agent id so the same input gives the same plan. */
export function byRemovalOrder(a: Candidate, b: Candidate): number {
  return Number(b.tasks === 0) - Number(a.tasks === 0) || a.load - b.load || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0);
}

/**
 * removalCandidates' answers for one group kept from cycle to cycle. What an agent contributes
 * apart from time (its candidate record, or why it is excluded) depends only on the agent object,
 * its instance object and the config, so a position holding the same two objects as last cycle
 * keeps it without reading the agent (alignByIdentity); and the candidates kept from last cycle
 * keep their relative order (their sort keys are read from immutable objects), so only the new
 * ones are sorted and merged in. At 50,000 agents this replaced a pass of five cache misses per
 * agent and a full sort per cycle (bench/warm.ts). The answers equal the plain computation
 * (test/planner/candidate-memo.test.ts).
 */
export class CandidateMemo {
  #agents: readonly Agent[] = [];
  #instances: (Instance | undefined)[] = [];
  #kind: Uint8Array = new Uint8Array(0);
  #candidates: (Candidate | undefined)[] = [];
  #excluded: (Excluded | undefined)[] = [];
  /** Position of each candidate in the last order handed out, -1 if none. */
  #rank: Int32Array = new Int32Array(0);
  #order: readonly Candidate[] = [];
  #spare: Buffers = alloc(0);
  /** Each position's unneeded time as read from `#sinceMap` (UNREAD: not read; ABSENT: none). */
  #since: Float64Array = new Float64Array(0);
  #sinceMap: SinceMap | undefined;
  #kept: Int32Array = new Int32Array(0);
  /** The resources the kept loads were measured in (scale-down-load.ts). */
  #loadIn: readonly TrackedResource[] | undefined;

  constructor(private readonly protectedFrameworks: readonly string[]) {}

  search(view: GroupView, memory: GroupMemory, now: number): CandidateSearch {
    const { agents, matching } = view;
    const size = agents.length;
    const loadIn = loadResources(view);
    if (loadIn !== this.#loadIn) {
      // Loads measured in other resources: nothing kept from last cycle holds (every agent fresh, no order kept).
      this.#agents = [];
      this.#order = [];
      this.#loadIn = loadIn;
    }
    // Last cycle's arrays are read while this cycle's are written: two sets, swapped (no 50,000-long arrays made per cycle).
    const b = fit(this.#spare, size);
    const { instances, kind, cands, excl, rank, since } = b;
    const fresh = (n: number): void => {
      instances[n] = matching.instanceAt(n);
      rank[n] = -1;
      since[n] = UNREAD;
      this.#derive(view, loadIn, n, kind, cands, excl);
    };
    alignByIdentity(this.#agents, agents, {
      same: (m0, n0, count) => {
        for (let k = 0; k < count; k++) {
          const m = m0 + k;
          const n = n0 + k;
          const instance = matching.instanceAt(n);
          if (instance !== this.#instances[m]) {
            fresh(n);
            continue;
          }
          instances[n] = instance;
          kind[n] = this.#kind[m] as number;
          cands[n] = this.#candidates[m];
          excl[n] = this.#excluded[m];
          rank[n] = this.#rank[m] as number;
          since[n] = this.#since[m] as number;
        }
      },
      fresh,
    });

    // The clock's part, in the agents' order. An agent object kept from last cycle has the same
    // unneeded time as then when this cycle's map was made from last cycle's looking only at new
    // objects (planner/unneeded.ts): read from the map only for the others (a look-up in a
    // 50,000-entry persistent map hashes the agent id each time).
    const { unneededTime } = view.config.scaleDown;
    const map = memory.unneededSince;
    const kept = map !== undefined && (map === this.#sinceMap || unneededBase(map) === this.#sinceMap);
    const excluded: Excluded[] = [];
    const keptAt = this.#keptBuffer(this.#order.length);
    const added: number[] = [];
    for (let n = 0; n < size; n++) {
      const k = kind[n] as number;
      if (k === OUT) continue;
      const agent = agents[n] as Agent;
      if (k === EXCLUDED) {
        excluded.push(excl[n] as Excluded);
        continue;
      }
      if (k === UNMATCHED) {
        excluded.push({ agent, why: matching.unmatched.get(agent.id) ?? 'no cloud instance of the group matches it' });
        continue;
      }
      if (unneededTime > 0) {
        let at = since[n] as number;
        if (!kept || Number.isNaN(at)) {
          at = map?.get(agent.id) ?? ABSENT;
          since[n] = at;
        }
        const unneededFrom = at === ABSENT ? undefined : at;
        if (unneededFrom === undefined || now - unneededFrom < unneededTime * 1000) {
          const forS = unneededFrom === undefined ? 0 : Math.round((now - unneededFrom) / 1000);
          excluded.push({ agent, why: `unneeded for ${forS} s of ${unneededTime} s` });
          rank[n] = -1;
          continue;
        }
      }
      const r = rank[n] as number;
      if (r >= 0 && this.#order[r] === cands[n]) keptAt[r] = n;
      else added.push(n);
    }

    // Last cycle's order, less what left it, with the new candidates merged in.
    let olds = 0;
    for (let r = 0; r < this.#order.length; r++) if ((keptAt[r] as number) >= 0) keptAt[olds++] = keptAt[r] as number;
    const old = keptAt.subarray(0, olds);
    added.sort((x, y) => byRemovalOrder(cands[x] as Candidate, cands[y] as Candidate));
    const order: Candidate[] = new Array<Candidate>(olds + added.length);
    let placed = 0;
    const place = (n: number): void => {
      rank[n] = placed;
      order[placed++] = cands[n] as Candidate;
    };
    let i = 0;
    for (const n of added) {
      const c = cands[n] as Candidate;
      // The first kept candidate that goes after c (binary search: the kept ones are in order).
      let lo = i;
      let hi = old.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (byRemovalOrder(cands[old[mid] as number] as Candidate, c) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (; i < lo; i++) place(old[i] as number);
      place(n);
    }
    for (; i < old.length; i++) place(old[i] as number);

    this.#spare = { instances: this.#instances, kind: this.#kind, cands: this.#candidates, excl: this.#excluded, rank: this.#rank, since: this.#since };
    this.#since = since;
    // Only a cycle that read the clock's part has every candidate's time from `map`.
    this.#sinceMap = unneededTime > 0 ? map : undefined;
    this.#agents = agents;
    this.#instances = instances;
    this.#kind = kind;
    this.#candidates = cands;
    this.#excluded = excl;
    this.#rank = rank;
    this.#order = order;
    return { candidates: order, excluded };
  }

  /** Positions of last cycle's order that are still candidates, -1 where not (one buffer, reused). */
  #keptBuffer(size: number): Int32Array {
    if (this.#kept.length < size) this.#kept = new Int32Array(Math.ceil(size * 1.25));
    const kept = this.#kept.subarray(0, size);
    kept.fill(-1);
    return kept;
  }

  /** What the agent at position n contributes whatever the time. */
  #derive(view: GroupView, loadIn: readonly TrackedResource[], n: number, kind: Uint8Array, cands: (Candidate | undefined)[], excl: (Excluded | undefined)[]): void {
    const agent = view.agents[n] as Agent;
    if (!isCapacity(agent)) {
      kind[n] = OUT;
      return;
    }
    const { scaleDown } = view.config;
    const instance = view.matching.instanceAt(n);
    const f = factsOf(agent);
    const machine = machineOfAgent(agent, f);
    const load = loadOf(agent, loadIn, f);
    const protection = protectionOf(agent, this.protectedFrameworks, f);
    cands[n] = undefined;
    excl[n] = undefined;
    let why: string | undefined = protection;
    if (why === undefined && instance === undefined) {
      kind[n] = UNMATCHED;
      return;
    }
    if (why === undefined && !machine) why = 'its IP is unknown (no pid), so Mesos maintenance cannot name its machine';
    if (why === undefined && load >= scaleDown.utilization / 100) why = `${(load * 100).toFixed(0)}% used${loadIn === view.config.resources ? '' : ` (${loadIn.join(', ')})`}, not under ${scaleDown.utilization}%`;
    if (why !== undefined || !instance || !machine) {
      kind[n] = EXCLUDED;
      excl[n] = { agent, why: why ?? 'not removable' };
      return;
    }
    kind[n] = CANDIDATE;
    cands[n] = { agent, instanceId: instance.id, machine, load, tasks: movingCount(agent, f) };
  }
}

/** The per-position arrays of one cycle. */
interface Buffers {
  readonly instances: (Instance | undefined)[];
  readonly kind: Uint8Array;
  readonly cands: (Candidate | undefined)[];
  readonly excl: (Excluded | undefined)[];
  readonly rank: Int32Array;
  readonly since: Float64Array;
}

const UNREAD = Number.NaN;
const ABSENT = Number.NEGATIVE_INFINITY;

function alloc(size: number): Buffers {
  return { instances: new Array<Instance | undefined>(size), kind: new Uint8Array(size), cands: new Array<Candidate | undefined>(size), excl: new Array<Excluded | undefined>(size), rank: new Int32Array(size), since: new Float64Array(size) };
}

/** Buffers for at least `size` positions (only the first `size` are used): the spare set when long enough. */
function fit(spare: Buffers, size: number): Buffers {
  return spare.kind.length < size ? alloc(Math.ceil(size * 1.25)) : spare;
}
