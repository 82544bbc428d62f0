import type { Agent } from './agent.js';
import type { Instance } from './node-group.js';

/** Agents of a group matched to the group's instances, one to one. Each map iterates in the agents' order. */
export interface GroupMatching {
  /** Agent id -> its instance. */
  readonly byAgent: ReadonlyMap<string, Instance>;
  /** Instance id -> the agent backed by it. */
  readonly byInstance: ReadonlyMap<string, Agent>;
  /** Agents with no instance, or an ambiguous one, with why (never removed). */
  readonly unmatched: ReadonlyMap<string, string>;
  /** The instance of the agent at position `n` of the list matched (a pass over the group needs no lookup by id). */
  instanceAt(n: number): Instance | undefined;
  /** The agent backed by the instance at position `k` of the listing matched. */
  agentOfInstanceAt(k: number): Agent | undefined;
}

/** A position, none (the id is not in the list), or ask the plain index (the hint no longer knows). */
export type Position = number | 'absent' | 'unknown';

/** Positions of ids in the lists a matching was made from, as the memo that made it still knows them. */
export interface PositionHint {
  agentAt(id: string): Position;
  instanceAt(id: string): Position;
}

/**
 * A matching kept as arrays aligned with the agent list and the instance listing. At 50,000
 * agents, filling three maps per cycle was most of a warm cycle's matching cost (bench/warm.ts);
 * lookups by id go through the memo's position of the id (checked against these lists) and the
 * maps themselves are made only if someone iterates them.
 */
export class PositionalMatching implements GroupMatching {
  readonly byAgent: ReadonlyMap<string, Instance>;
  readonly byInstance: ReadonlyMap<string, Agent>;
  readonly unmatched: ReadonlyMap<string, string>;
  #agentPos: Map<string, number> | undefined;
  #instancePos: Map<string, number> | undefined;

  /**
   * `instances[n]`/`why[n]`: the instance of `agents[n]`, or why it has none (exactly one is set);
   * `owners[k]`: the agent backed by `listing[k]`.
   */
  constructor(
    readonly agents: readonly Agent[],
    readonly listing: readonly Instance[],
    private readonly instances: readonly (Instance | undefined)[],
    why: readonly (string | undefined)[],
    private readonly owners: readonly (Agent | undefined)[],
    private readonly hint?: PositionHint,
  ) {
    let matched = 0;
    for (const i of instances) if (i !== undefined) matched++;
    const agentAt = (id: string): number | undefined => this.#agentIndex(id);
    this.byAgent = new LazyMap(matched, (id) => instances[agentAt(id) ?? -1], () => this.#inAgentOrder((n, a) => [a.id, instances[n]]));
    this.byInstance = new LazyMap(matched, (id) => owners[this.#instanceIndex(id) ?? -1], () => this.#inAgentOrder((n, a) => [instances[n]?.id, a]));
    this.unmatched = new LazyMap(agents.length - matched, (id) => why[agentAt(id) ?? -1], () => this.#inAgentOrder((n, a) => [a.id, why[n]]));
  }

  instanceAt(n: number): Instance | undefined {
    return this.instances[n];
  }

  agentOfInstanceAt(k: number): Agent | undefined {
    return this.owners[k];
  }

  #agentIndex(id: string): number | undefined {
    const h = this.hint?.agentAt(id) ?? 'unknown';
    if (h === 'absent') return undefined;
    if (h !== 'unknown' && this.agents[h]?.id === id) return h;
    return (this.#agentPos ??= new Map(this.agents.map((a, n) => [a.id, n]))).get(id);
  }

  #instanceIndex(id: string): number | undefined {
    const h = this.hint?.instanceAt(id) ?? 'unknown';
    if (h === 'absent') return undefined;
    if (h !== 'unknown' && this.listing[h]?.id === id) return h;
    return (this.#instancePos ??= new Map(this.listing.map((i, k) => [i.id, k]))).get(id);
  }

  *#inAgentOrder<V>(entry: (n: number, a: Agent) => readonly [string | undefined, V | undefined]): Generator<[string, V]> {
    for (let n = 0; n < this.agents.length; n++) {
      const [k, v] = entry(n, this.agents[n] as Agent);
      if (k !== undefined && v !== undefined) yield [k, v];
    }
  }
}

/** A read-only map answering `get` from a lookup, and made in full only when iterated. */
class LazyMap<V> implements ReadonlyMap<string, V> {
  #all: Map<string, V> | undefined;

  constructor(
    readonly size: number,
    private readonly lookup: (key: string) => V | undefined,
    private readonly entriesOf: () => Iterable<[string, V]>,
  ) {}

  get(key: string): V | undefined {
    return this.lookup(key);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.#map()) fn.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[string, V]> {
    return this.#map().entries();
  }

  keys(): MapIterator<string> {
    return this.#map().keys();
  }

  values(): MapIterator<V> {
    return this.#map().values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.#map()[Symbol.iterator]();
  }

  #map(): Map<string, V> {
    return (this.#all ??= new Map(this.entriesOf()));
  }
}
