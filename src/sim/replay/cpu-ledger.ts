import type { SimCluster } from '../cluster/cluster.js';
import type { SimAgent } from '../cluster/types.js';

/** Slot kinds: no agent there (left), the common agent with one unreserved pool, any other. */
const EMPTY = 0;
const SINGLE = 1;
const OTHER = 2;

/** What an agent is doing, for node-hours by state: draining (or deactivated, inactive), idle, busy. */
export const AgentState = { DRAINING: 0, IDLE: 1, BUSY: 2 } as const;
export type AgentStateValue = (typeof AgentState)[keyof typeof AgentState];
const { DRAINING, IDLE, BUSY } = AgentState;

/** Registered agents by what they do (see `agentState`). */
export interface AgentCounts {
  readonly registered: number;
  readonly draining: number;
  readonly idle: number;
}

/** DRAINING when it is not capacity (inactive, deactivated, in maintenance), else IDLE with nothing allocated, else BUSY. */
export function agentState(a: SimAgent, draining: boolean): AgentStateValue {
  if (!a.active || a.deactivated || draining) return DRAINING;
  for (const p of a.pools.values()) if (p.used.cpus > 0 || p.used.mem > 0) return BUSY;
  return IDLE;
}

/**
 * The cpus `sampleCluster` sums every cycle (each agent's used cpus, and its total where it
 * counts as capacity) and the agents it counts by state, kept per agent in registration order and
 * refreshed only for agents that changed (told by the cluster's events, and the maintenance book's
 * version for draining).
 * Walking 5,000 agent objects per cycle was most of the sampler's cost; this sums two arrays.
 *
 * The sums are the same floats as `sampleCluster`'s: the same numbers added in the same order
 * (agents that left hold no slot's number; agents with other pools are summed pool by pool, live).
 */
export class CpuLedger {
  #kind = new Uint8Array(1024);
  #used = new Float64Array(1024);
  #total = new Float64Array(1024);
  /** 1 when the agent's total counts as supply (unreserved pool, active, not draining). */
  #counts = new Uint8Array(1024);
  /** `agentState` of a SINGLE slot's agent. */
  #state = new Uint8Array(1024);
  #agents: (SimAgent | undefined)[] = [];
  readonly #slot = new Map<SimAgent, number>();
  /** Slots used, in registration order; `#holes` of them belong to agents that left. */
  #end = 0;
  #holes = 0;
  readonly #dirty = new Set<SimAgent>();
  #maintenance: number;

  constructor(
    private readonly cluster: SimCluster,
    /** Compact once more than this many slots are empty (and at least half are). */
    private readonly compactAfter = 1024,
  ) {
    for (const a of cluster.agents()) this.#add(a);
    this.#maintenance = cluster.maintenance.version;
    cluster.events.on((e) => {
      switch (e.type) {
        case 'agent_added':
          this.#add(e.agent);
          break;
        case 'agent_removed':
        case 'agent_updated':
          this.#dirty.add(e.agent);
          break;
        case 'task_added':
        case 'task_updated': {
          const a = cluster.getAgent(e.task.agentId);
          if (a !== undefined) this.#dirty.add(a);
          break;
        }
        default:
          break;
      }
    });
  }

  /** Used cpus of all agents, total cpus of those that count as capacity, and agents by state. */
  sums(): { used: number; supply: number; agents: AgentCounts } {
    this.#refresh();
    let used = 0;
    let supply = 0;
    let draining = 0;
    let idle = 0;
    let registered = 0;
    const kind = this.#kind;
    const u = this.#used;
    const t = this.#total;
    const counts = this.#counts;
    const state = this.#state;
    for (let s = 0; s < this.#end; s++) {
      const k = kind[s];
      if (k === SINGLE) {
        used += u[s] as number;
        if (counts[s] === 1) supply += t[s] as number;
        registered++;
        if (state[s] === DRAINING) draining++;
        else if (state[s] === IDLE) idle++;
      } else if (k === OTHER) {
        // As sampleCluster adds them: pool by pool onto the running sum.
        const a = this.#agents[s] as SimAgent;
        let total = 0;
        for (const p of a.pools.values()) {
          total += p.total.cpus;
          used += p.used.cpus;
        }
        const inMaintenance = this.cluster.isDraining(a);
        if (a.pools.has('*') && a.active && !a.deactivated && !inMaintenance) supply += total;
        registered++;
        const st = agentState(a, inMaintenance);
        if (st === DRAINING) draining++;
        else if (st === IDLE) idle++;
      }
    }
    return { used, supply, agents: { registered, draining, idle } };
  }

  #add(a: SimAgent): void {
    if (this.#slot.has(a)) return;
    if (this.#end === this.#kind.length) this.#grow(this.#kind.length * 2);
    this.#slot.set(a, this.#end);
    this.#agents[this.#end] = a;
    this.#end++;
    this.#dirty.add(a);
  }

  #refresh(): void {
    const version = this.cluster.maintenance.version;
    if (version !== this.#maintenance) {
      // Any agent's draining flag may have moved.
      this.#maintenance = version;
      for (const a of this.cluster.agents()) this.#dirty.add(a);
    }
    for (const a of this.#dirty) {
      const s = this.#slot.get(a);
      if (s === undefined) continue;
      if (this.cluster.getAgent(a.id) !== a) {
        // Left the master: its slot stays, empty, until the next compaction.
        this.#kind[s] = EMPTY;
        this.#agents[s] = undefined;
        this.#slot.delete(a);
        this.#holes++;
        continue;
      }
      const star = a.pools.get('*');
      if (star !== undefined && a.pools.size === 1) {
        this.#kind[s] = SINGLE;
        this.#used[s] = star.used.cpus;
        // sampleCluster's per-agent total starts at 0: 0 + x is x.
        this.#total[s] = 0 + star.total.cpus;
        const draining = this.cluster.isDraining(a);
        this.#counts[s] = a.active && !a.deactivated && !draining ? 1 : 0;
        this.#state[s] = agentState(a, draining);
      } else {
        this.#kind[s] = OTHER;
      }
    }
    this.#dirty.clear();
    if (this.#holes > this.compactAfter && this.#holes * 2 > this.#end) this.#compact();
  }

  /** Drops the slots of agents that left, keeping the order of the rest (so the sums do not change). */
  #compact(): void {
    let w = 0;
    for (let s = 0; s < this.#end; s++) {
      const a = this.#agents[s];
      if (a === undefined) continue;
      this.#kind[w] = this.#kind[s] as number;
      this.#used[w] = this.#used[s] as number;
      this.#total[w] = this.#total[s] as number;
      this.#counts[w] = this.#counts[s] as number;
      this.#state[w] = this.#state[s] as number;
      this.#agents[w] = a;
      this.#slot.set(a, w);
      w++;
    }
    this.#agents.length = w;
    this.#kind.fill(EMPTY, w, this.#end);
    this.#end = w;
    this.#holes = 0;
  }

  #grow(size: number): void {
    const kind = new Uint8Array(size);
    kind.set(this.#kind);
    const used = new Float64Array(size);
    used.set(this.#used);
    const total = new Float64Array(size);
    total.set(this.#total);
    const counts = new Uint8Array(size);
    counts.set(this.#counts);
    const state = new Uint8Array(size);
    state.set(this.#state);
    this.#kind = kind;
    this.#used = used;
    this.#total = total;
    this.#counts = counts;
    this.#state = state;
  }
}
