import type { PlacementApp } from '../../planner/placement.js';
import { ASK, ASK_CODE } from './offer-index.js';
import type { PassOffers } from './pass-offers.js';
import type { SimAgent } from './types.js';

/**
 * Room a rejection check may leave: an agent is skipped only when it lacks more than this,
 * well above the placement module's own 1e-9, so float rounding of the sums never skips an
 * agent the module would accept.
 */
const SLACK = 1e-6;

/**
 * Upper bounds of the free cpus and mem of a scheduling pass's agents, summed over all their
 * pools, taken when first asked. Within a pass capacity is only taken (launches), never given
 * back (tasks end on timers, between passes), so the bounds stay bounds for the whole pass.
 * They let first fit skip agents that cannot hold an instance without asking the placement
 * module about each: an agent the bounds rule out is one the module refuses.
 */
export class FreeBounds implements PassOffers {
  #cpus: Float64Array | undefined;
  #mem: Float64Array | undefined;

  constructor(readonly agents: readonly SimAgent[]) {}

  get length(): number {
    return this.agents.length;
  }

  at(k: number): SimAgent {
    return this.agents[k] as SimAgent;
  }

  all(): readonly SimAgent[] {
    return this.agents;
  }

  /** The first position at or after `from` whose bounds admit `cpus` and `mem`; `agents.length` when none. */
  next(from: number, cpus: number, mem: number): number {
    if (this.#cpus === undefined || this.#mem === undefined) this.#take();
    const c = this.#cpus as Float64Array;
    const m = this.#mem as Float64Array;
    const n = this.agents.length;
    // The placement module checks a resource only when the app needs some of it.
    const needC = cpus > 0 ? cpus - SLACK : Number.NEGATIVE_INFINITY;
    const needM = mem > 0 ? mem - SLACK : Number.NEGATIVE_INFINITY;
    let k = from;
    while (k < n && ((c[k] as number) < needC || (m[k] as number) < needM)) k++;
    return k;
  }

  /** No answer of its own: the placement module is asked. */
  plainRefusal(_k: number, _app: PlacementApp): typeof ASK {
    return ASK;
  }

  /** Every position asks the placement module. */
  refusalCodes(_app: PlacementApp, out: Uint8Array): void {
    out.fill(ASK_CODE, 0, this.agents.length);
  }

  #take(): void {
    const n = this.agents.length;
    const cpus = new Float64Array(n);
    const mem = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let c = 0;
      let m = 0;
      for (const p of (this.agents[k] as SimAgent).pools.values()) {
        c += p.total.cpus - p.used.cpus;
        m += p.total.mem - p.used.mem;
      }
      cpus[k] = c;
      mem[k] = m;
    }
    this.#cpus = cpus;
    this.#mem = mem;
  }
}
