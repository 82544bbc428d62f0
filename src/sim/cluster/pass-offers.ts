import type { PlacementApp, RejectReason } from '../../planner/placement.js';
import type { ASK, OfferIndex } from './offer-index.js';
import type { SimAgent } from './types.js';

/**
 * The agents of one scheduling pass in the order their offers reach Marathon, with what lets
 * first fit skip an agent or answer for it without the placement module. Positions are in that
 * order.
 */
export interface PassOffers {
  readonly length: number;
  at(k: number): SimAgent;
  /** Every agent in offer order (made when first asked: scans that index agents directly). */
  all(): readonly SimAgent[];
  /** The first position at or after `from` that could hold the cpus and mem; `length` when none. */
  next(from: number, cpus: number, mem: number): number;
  plainRefusal(k: number, app: PlacementApp): RejectReason | undefined | typeof ASK;
  refusalCodes(app: PlacementApp, out: Uint8Array): void;
}

/** The list from position `start` on, then from the first: the order a pass starting there offers it in. */
export function rotated<T>(list: readonly T[], start: number): readonly T[] {
  return start === 0 ? list : [...list.slice(start), ...list.slice(0, start)];
}

/**
 * The offer index's agents as one pass offers them: from the agent at `start` (registration
 * order) to the last, then from the first. Mesos' hierarchical allocator shuffles the agents
 * before every allocation ("Randomize the order in which slaves' resources are allocated",
 * `std::random_shuffle` in `HierarchicalAllocatorProcess::__allocate`,
 * src/master/allocator/mesos/hierarchical.cpp), and Marathon fills the offers in the order
 * they arrive; so work does not pile onto the oldest agents. A random starting agent per pass,
 * not a whole permutation, keeps a pass at the cost of the agents it looks at (a shuffle is
 * O(agents) per pass, and a month at 5,000 agents runs millions of passes).
 */
export class RotatedOffers implements PassOffers {
  readonly length: number;
  #all: readonly SimAgent[] | undefined;

  constructor(
    private readonly index: OfferIndex,
    private readonly agents: readonly SimAgent[],
    private readonly start: number,
  ) {
    this.length = agents.length;
    if (start < 0 || (start >= agents.length && agents.length > 0)) throw new RangeError(`start ${start} outside 0..${agents.length - 1}`);
  }

  /** The index position of pass position k. */
  #pos(k: number): number {
    const p = k + this.start;
    return p >= this.length ? p - this.length : p;
  }

  at(k: number): SimAgent {
    return this.agents[this.#pos(k)] as SimAgent;
  }

  all(): readonly SimAgent[] {
    this.#all ??= rotated(this.agents, this.start);
    return this.#all;
  }

  next(from: number, cpus: number, mem: number): number {
    const n = this.length;
    const tail = n - this.start;
    if (from >= n) return n;
    if (from < tail) {
      const r = this.index.next(this.start + from, cpus, mem);
      if (r < n) return r - this.start;
      from = tail;
    }
    const r = this.index.next(from - tail, cpus, mem, this.start);
    return r < this.start ? r + tail : n;
  }

  plainRefusal(k: number, app: PlacementApp): RejectReason | undefined | typeof ASK {
    return this.index.plainRefusal(this.#pos(k), app);
  }

  refusalCodes(app: PlacementApp, out: Uint8Array): void {
    this.index.refusalCodes(app, out);
    if (this.start === 0) return;
    // Index order -> pass order: a left rotation by `start`.
    const head = out.slice(0, this.start);
    out.copyWithin(0, this.start, this.length);
    out.set(head, this.length - this.start);
  }
}
