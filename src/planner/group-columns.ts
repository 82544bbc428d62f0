import { isCapacity, type Agent } from '../model/agent.js';
import { isMarked } from '../model/drain.js';
import { RESOURCE_NAMES } from '../model/resources.js';
import { alignByIdentity } from '../util/identity-diff.js';

/** Flags of one position. */
export const MEMBER = 1;
export const CAPACITY = 2;
export const DRAINING = 4;
export const HAS_DOMAIN = 8;
/** Drained through DRAIN_AGENT by us (its drain_info carries our mark) and its IP known. */
export const MARKED = 16;
/** Holds resources reserved for roles (its bin has more than one pool). */
export const RESERVED = 32;

/** Resources per position in `total` and `used`, in RESOURCE_NAMES order. */
export const WIDTH = RESOURCE_NAMES.length;

/** One group's figures of every agent of a snapshot's list, by position, as numbers. */
export interface Columns {
  readonly size: number;
  readonly flags: Uint8Array;
  readonly total: Float64Array;
  readonly used: Float64Array;
}

/**
 * A group's columns carried from one agent list to the next. An agent object is immutable and
 * the event-fed model keeps an unchanged agent's object, so a position holding the same object
 * as the last list copies its numbers (no read of the agent: at 50,000 agents each read of an
 * agent object is a cache miss, and a warm cycle made several passes of them); only new objects
 * are read. The columns handed out are valid until the call after next (two buffers, swapped):
 * a view reads them while it is built and keeps none.
 */
export class GroupColumns {
  #last: readonly Agent[] = [];
  #cur: Columns = alloc(0);
  #spare: Columns = alloc(0);

  constructor(private readonly matches: (agent: Agent) => boolean) {}

  of(agents: readonly Agent[]): Columns {
    if (agents === this.#last) return this.#cur;
    const prev = this.#cur;
    const next = fit(this.#spare, agents.length);
    alignByIdentity(this.#last, agents, {
      same: (m, n, count) => {
        next.flags.set(prev.flags.subarray(m, m + count), n);
        next.total.set(prev.total.subarray(m * WIDTH, (m + count) * WIDTH), n * WIDTH);
        next.used.set(prev.used.subarray(m * WIDTH, (m + count) * WIDTH), n * WIDTH);
      },
      fresh: (n) => read(agents[n] as Agent, n, next, this.matches),
    });
    this.#spare = prev;
    this.#cur = next;
    this.#last = agents;
    return next;
  }
}

function read(a: Agent, n: number, into: Columns, matches: (agent: Agent) => boolean): void {
  if (!matches(a)) {
    into.flags[n] = 0;
    return;
  }
  into.flags[n] = MEMBER | (isCapacity(a) ? CAPACITY : 0) | (a.draining ? DRAINING : 0) | (a.domain ? HAS_DOMAIN : 0) | (a.ip !== undefined && isMarked(a.drainInfo?.maxGracePeriodNs) ? MARKED : 0) | (a.reservedRoles.some((r) => r !== '*') ? RESERVED : 0);
  const at = n * WIDTH;
  for (let r = 0; r < WIDTH; r++) {
    const name = RESOURCE_NAMES[r] as (typeof RESOURCE_NAMES)[number];
    into.total[at + r] = a.total[name];
    into.used[at + r] = a.used[name];
  }
}

function alloc(size: number): Columns {
  return { size, flags: new Uint8Array(size), total: new Float64Array(size * WIDTH), used: new Float64Array(size * WIDTH) };
}

/** A buffer of `size` positions, reusing `spare`'s memory when it is large enough. */
function fit(spare: Columns, size: number): Columns {
  if (spare.flags.length < size) return { ...alloc(Math.ceil(size * 1.25)), size };
  return { size, flags: spare.flags, total: spare.total, used: spare.used };
}
