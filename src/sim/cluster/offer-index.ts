import { REJECT_REASONS, RESOURCE_REASONS, type PlacementApp, type RejectReason } from '../../planner/placement.js';
import { poolFree } from './constraints.js';
import type { Pool, SimAgent } from './types.js';

/** The placement module's tolerance (planner/placement.ts `EPSILON`). */
const EPS = 1e-9;
/** A skip leaves this much room, so float rounding never skips an agent the module would take. */
const SLACK = 1e-6;
const DIMENSIONS = RESOURCE_REASONS.length;
const GPUS = 3;

/** Returned by `plainRefusal` when the agent needs the placement module's full answer. */
export const ASK = 'ask';

/** A refusal as a small number: 0 accepted, 1 + its index in REJECT_REASONS declined, ASK_CODE ask the module. */
export const ASK_CODE = 255;
export function reasonCode(reason: RejectReason | undefined): number {
  return reason === undefined ? 0 : REJECT_REASONS.indexOf(reason) + 1;
}
const ROLE_CODE = reasonCode('UnfulfilledRole');
const SCARCE_CODE = reasonCode('DeclinedScarceResources');
const RESOURCE_CODES = RESOURCE_REASONS.map(reasonCode);

/** An app whose refusals the index can answer: no fixed host port, unreserved resources accepted. */
function plainApp(app: PlacementApp): boolean {
  return app.fixedPorts.length === 0 && app.acceptedRoles.includes('*');
}

/**
 * The agents that get offers (registered, active, not draining), in registration order, with
 * their free resources kept current as tasks start and end. A scheduling pass used to filter
 * every agent and sum every agent's pools; at 5,000 agents and a pass a second, that was most
 * of the simulator's time. The list is rebuilt only when an agent joins, leaves, drains or
 * comes back; the free amounts change one agent at a time.
 *
 * For the common agent (all resources unreserved) and app (no constraint, no fixed host port,
 * unreserved resources accepted) `plainRefusal` answers from these numbers what the placement
 * module answers (planner/placement.ts `refusal`, as constraints.ts `simNode` reads the agent);
 * anything else is left to the module.
 */
export class OfferIndex {
  #agents: SimAgent[] = [];
  /** Each position's agent `seq`, ascending (registration order): finds an agent without a map. */
  #seqs = new Float64Array(0);
  /** Free amount per resource (RESOURCE_NAMES order) per position, as `simNode` computes it for the sum of all pools. */
  #free: Float64Array[] = [];
  /** 1: one pool, the unreserved "*", holding some cpus or mem; 2: one "*" pool holding neither; 0: other pools. */
  #plain = new Uint8Array(0);
  /** 1 when the agent's machine is in maintenance (the module's answer is then asked for). */
  #maintenance = new Uint8Array(0);
  #stale = true;
  #maintenanceStale = true;
  /** Agents that joined, left, drained or came back since the list was made: placed or dropped at the next read. */
  readonly #moved = new Set<SimAgent>();
  #version = 0;

  constructor(
    private readonly all: () => Iterable<SimAgent>,
    private readonly offerable: (a: SimAgent) => boolean,
    private readonly inMaintenance: (a: SimAgent) => boolean,
    /** Past this share of the list moving at once, the list is made anew (cheaper than a shift per agent). */
    private readonly moveShare = 1 / 8,
  ) {}

  /**
   * An agent joined, left, was drained or reactivated: only it is looked at again (agents list in
   * registration order, `seq` ascending, as `all` gives them). Without an agent, the list is made anew.
   */
  membershipChanged(agent?: SimAgent): void {
    this.#version++;
    if (agent === undefined) this.#stale = true;
    else if (!this.#stale) this.#moved.add(agent);
  }

  /** A maintenance schedule or machine mode changed. */
  maintenanceChanged(): void {
    this.#version++;
    this.#maintenanceStale = true;
  }

  /** Moves whenever any answer of the index may have: while it stands, the same app gets the same refusals. */
  get version(): number {
    return this.#version;
  }

  /** The agent's free resources changed (a task took or gave back resources). */
  resourcesChanged(agent: SimAgent): void {
    this.#version++;
    if (this.#stale) return;
    const k = this.#find(agent, this.#agents.length);
    if (this.#agents[k] === agent) this.#take(agent, k);
  }

  /** The agents that get offers now, in registration order. */
  agents(): readonly SimAgent[] {
    if (this.#moved.size > this.#agents.length * this.moveShare) this.#stale = true;
    if (this.#stale) this.#rebuild();
    else if (this.#moved.size > 0) this.#move();
    if (this.#maintenanceStale) {
      for (let k = 0; k < this.#agents.length; k++) this.#maintenance[k] = this.inMaintenance(this.#agents[k] as SimAgent) ? 1 : 0;
      this.#maintenanceStale = false;
    }
    return this.#agents;
  }

  /** The first position in [from, end) whose free cpus and mem could hold the amounts; `end` (default: the list's length) when none. */
  next(from: number, cpus: number, mem: number, end = this.#agents.length): number {
    const c = this.#free[0] as Float64Array;
    const m = this.#free[1] as Float64Array;
    const n = Math.min(end, this.#agents.length);
    const needC = cpus > 0 ? cpus - SLACK : Number.NEGATIVE_INFINITY;
    const needM = mem > 0 ? mem - SLACK : Number.NEGATIVE_INFINITY;
    let k = from;
    while (k < n && ((c[k] as number) < needC || (m[k] as number) < needM)) k++;
    return k;
  }

  /**
   * The placement module's refusal of the agent at `k` for an app without constraints, or ASK
   * when the agent or app is not plain (reserved pools, roles, fixed ports) or the agent's
   * machine is in maintenance.
   */
  plainRefusal(k: number, app: PlacementApp): RejectReason | undefined | typeof ASK {
    if (!plainApp(app)) return ASK;
    const code = this.#code(k, app);
    return code === ASK_CODE ? ASK : code === 0 ? undefined : REJECT_REASONS[code - 1];
  }

  /**
   * `plainRefusal` of every position as a code (`reasonCode`), into `out`: a whole scan's
   * answers without a call or a string per agent (counting a failed app's funnel reads them all).
   */
  refusalCodes(app: PlacementApp, out: Uint8Array): void {
    const n = this.#agents.length;
    if (!plainApp(app)) {
      out.fill(ASK_CODE, 0, n);
      return;
    }
    for (let k = 0; k < n; k++) out[k] = this.#code(k, app);
  }

  /** `plainRefusal` of a plain app as a code. */
  #code(k: number, app: PlacementApp): number {
    const plain = this.#plain[k];
    if (plain === 0 || this.#maintenance[k] === 1) return ASK_CODE;
    // simNode.usableBy: an offer without cpus or mem of an accepted role.
    if (plain === 2) return ROLE_CODE;
    const need = app.need;
    for (let i = 0; i < DIMENSIONS; i++) {
      const x = need[i] as number;
      if (x > 0 && x > (this.#free[i] as Float64Array)[k]! + EPS) return RESOURCE_CODES[i] as number;
    }
    if (app.gpuScheduling === 'restricted' && need[GPUS] === 0 && (this.#free[GPUS] as Float64Array)[k]! > 0) return SCARCE_CODE;
    return 0;
  }

  #rebuild(): void {
    const agents: SimAgent[] = [];
    for (const a of this.all()) if (this.offerable(a)) agents.push(a);
    const n = agents.length;
    this.#agents = agents;
    this.#alloc(n + 64);
    for (let k = 0; k < n; k++) this.#fill(agents[k] as SimAgent, k);
    this.#moved.clear();
    this.#stale = false;
    this.#maintenanceStale = true;
  }

  /** Places or drops the agents that moved, keeping the rest where they are relative to each other. */
  #move(): void {
    const agents = this.#agents.slice();
    for (const a of this.#moved) {
      const k = this.#find(a, agents.length);
      const listed = agents[k] === a;
      const wanted = this.offerable(a);
      if (listed && !wanted) {
        agents.splice(k, 1);
        this.#shift(k + 1, agents.length + 1, -1);
      } else if (!listed && wanted) {
        if (agents.length + 1 > this.#seqs.length) this.#alloc(agents.length * 2 + 64, agents.length);
        agents.splice(k, 0, a);
        this.#shift(k, agents.length - 1, 1);
        this.#fill(a, k);
        this.#maintenance[k] = this.inMaintenance(a) ? 1 : 0;
      }
    }
    this.#agents = agents;
    this.#moved.clear();
  }

  /** The position of the agent among the first `n`, or where it would go (the first with a larger `seq`). */
  #find(a: SimAgent, n: number): number {
    const seqs = this.#seqs;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((seqs[mid] as number) < a.seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Moves positions [from, to) by `by` (one up or down) in every per-position array. */
  #shift(from: number, to: number, by: number): void {
    for (const arr of [this.#seqs, this.#plain, this.#maintenance, ...this.#free]) arr.copyWithin(from + by, from, to);
  }

  /** Arrays for `size` positions, keeping the first `keep`. */
  #alloc(size: number, keep = 0): void {
    const grow = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old.subarray(0, keep));
      return next;
    };
    this.#seqs = grow(this.#seqs, (n) => new Float64Array(n));
    this.#plain = grow(this.#plain, (n) => new Uint8Array(n));
    this.#maintenance = grow(this.#maintenance, (n) => new Uint8Array(n));
    this.#free = Array.from({ length: DIMENSIONS }, (_, i) => grow(this.#free[i] ?? new Float64Array(0), (n) => new Float64Array(n)));
  }

  #fill(a: SimAgent, k: number): void {
    this.#seqs[k] = a.seq;
    this.#take(a, k);
    const single = a.pools.size === 1 ? a.pools.get('*') : undefined;
    this.#plain[k] = single === undefined ? 0 : single.total.cpus > EPS || single.total.mem > EPS ? 1 : 2;
  }

  #take(a: SimAgent, k: number): void {
    const single = a.pools.size === 1 ? a.pools.get('*') : undefined;
    for (let i = 0; i < DIMENSIONS; i++) {
      let sum = 0;
      if (single !== undefined) sum = poolFree(single, i);
      else for (const p of a.pools.values()) sum += poolFree(p as Pool, i);
      (this.#free[i] as Float64Array)[k] = sum;
    }
  }
}
