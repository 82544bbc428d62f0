import { RESOURCE_NAMES } from '../../model/resources.js';
import { fieldValue, Placements, refusal, type PlacementApp, type PlacementNode, type RejectReason } from '../../planner/placement.js';
import type { AppConstraint, Pool, SimAgent, SimApp, SimTask } from './types.js';

/**
 * The simulator's and the emulated Marathon's offer matching: a simulated agent
 * seen through the planner's placement module, so a simulated decision (and the
 * decline reason in `processedOffersSummary`) is the one the live planner makes.
 */

const EPS = 1e-9;

/** Free amount of resource `i` in one pool (disk held by persistent volumes is not free). */
export function poolFree(pool: Pool, i: number): number {
  switch (i) {
    case 0:
      return pool.total.cpus - pool.used.cpus;
    case 1:
      return pool.total.mem - pool.used.mem;
    case 2:
      return pool.total.disk - pool.used.disk - pool.volumeDisk;
    case 3:
      return pool.total.gpus - pool.used.gpus;
    default:
      return pool.total.ports - pool.used.ports;
  }
}

const accepts = (app: PlacementApp, role: string): boolean => app.acceptedRoles.includes(role);

/** A simulated agent as a placement node; reads its pools live, allocates nothing per check. */
export function simNode(agent: SimAgent): PlacementNode {
  // Pools are made at registration and updated in place: the common single "*" pool is read directly.
  const single = agent.pools.size === 1 ? agent.pools.get('*') : undefined;
  return {
    hostname: agent.hostname,
    attributes: agent.attributes,
    ...(agent.domain ? { domain: agent.domain } : {}),
    // ResourceMatcher: an offer without any resource of an accepted role is UnfulfilledRole.
    usableBy: (app) => {
      if (single) return accepts(app, '*') && (single.total.cpus > EPS || single.total.mem > EPS);
      for (const [role, pool] of agent.pools) if (accepts(app, role) && (pool.total.cpus > EPS || pool.total.mem > EPS)) return true;
      return false;
    },
    freeFor: (app, i) => {
      // Most agents have only the unreserved pool: no iteration.
      if (single) return accepts(app, '*') ? poolFree(single, i) : 0;
      let sum = 0;
      for (const [role, pool] of agent.pools) if (accepts(app, role)) sum += poolFree(pool, i);
      return sum;
    },
    portFree: (port) => {
      for (const pool of agent.pools.values()) for (const r of pool.freePorts) if (port >= r.begin && port <= r.end) return true;
      return false;
    },
  };
}

const nodes = new WeakMap<SimAgent, PlacementNode>();

/** One placement node per simulated agent, made once. */
export function nodeOf(agent: SimAgent): PlacementNode {
  let n = nodes.get(agent);
  if (!n) {
    n = simNode(agent);
    nodes.set(agent, n);
  }
  return n;
}

const apps = new WeakMap<SimApp, { spec: SimApp['spec']; app: PlacementApp }>();

/** A simulated app as placement sees it (acceptedResourceRoles default: "*" and its role). */
let last: { app: SimApp; spec: SimApp['spec']; out: PlacementApp } | undefined;

export function placementOf(app: SimApp): PlacementApp {
  // A pass checks one app against many agents: the last answer is nearly always the one asked for.
  if (last && last.app === app && last.spec === app.spec) return last.out;
  const cached = apps.get(app);
  if (cached && cached.spec === app.spec) {
    last = { app, spec: app.spec, out: cached.app };
    return cached.app;
  }
  const s = app.spec;
  const out: PlacementApp = {
    id: s.id,
    need: Float64Array.from(RESOURCE_NAMES, (n) => app.need[n]),
    fixedPorts: s.fixedPorts ?? [],
    acceptedRoles: s.acceptedRoles ?? (app.role === '*' ? ['*'] : ['*', app.role]),
    gpuScheduling: s.gpuScheduling ?? 'restricted',
  };
  apps.set(app, { spec: s, app: out });
  last = { app, spec: s, out };
  return out;
}

/** Per-app placement counts for one scheduling pass, updated as instances are placed. */
export class ConstraintState {
  readonly placed: Placements;
  readonly #groupBy: readonly AppConstraint[];

  constructor(
    readonly constraints: readonly AppConstraint[],
    tasks: Iterable<SimTask>,
    agentOf: (task: SimTask) => SimAgent | undefined,
  ) {
    this.placed = new Placements(constraints);
    this.#groupBy = constraints.filter((c) => c.operator === 'GROUP_BY');
    for (const task of tasks) {
      const agent = agentOf(task);
      if (agent) this.placed.record(nodeOf(agent));
    }
  }

  /** Counts a newly placed instance. */
  record(agent: SimAgent): void {
    this.placed.record(nodeOf(agent));
  }

  /** The app has GROUP_BY constraints: the simulator then offers the least used values first. */
  get spreads(): boolean {
    return this.#groupBy.length > 0;
  }

  /**
   * Among the agents from `from` on that `acceptable` takes, the one whose GROUP_BY value holds
   * the fewest of the app's instances (first on ties). Marathon takes whichever accepted offer
   * comes first; Mesos interleaves offers of many agents, so the simulator presents the least
   * used group first instead of always the lowest agent (docs/constraints.md, GROUP_BY).
   */
  leastUsed(agents: readonly SimAgent[], from: number, acceptable: (a: SimAgent) => boolean): SimAgent | undefined {
    let best: SimAgent | undefined;
    let bestCount = Number.POSITIVE_INFINITY;
    for (let i = from; i < agents.length; i++) {
      const a = agents[i];
      if (!a) continue;
      const node = nodeOf(a);
      let n = 0;
      for (const c of this.#groupBy) n += this.placed.count(c.field, fieldValue(node, c.field));
      if (n < bestCount && acceptable(a)) {
        best = a;
        bestCount = n;
        if (n === 0) break;
      }
    }
    return best;
  }

  /** True when every constraint accepts the agent. */
  accepts(agent: SimAgent): boolean {
    return this.placed.refusing(nodeOf(agent)) === undefined;
  }
}

/** Why Marathon declines an offer of this agent for the app's next instance (maintenance aside), or undefined. */
export function offerRefusal(app: SimApp, agent: SimAgent, cs: ConstraintState | undefined): RejectReason | undefined {
  return refusal(placementOf(app), nodeOf(agent), cs?.placed);
}
