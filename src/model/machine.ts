import type { Agent } from './agent.js';
import type { Instance } from './node-group.js';

/**
 * The one home of machine identity: agent <-> Mesos machine <-> cloud instance.
 * Nothing else in the code base compares hostnames or IPs.
 */

/** A Mesos `MachineID` (mesos.proto): a hostname and/or an IP. */
export interface MachineId {
  readonly hostname?: string;
  readonly ip?: string;
}

/**
 * Mesos's own MachineID equality (include/mesos/type_utils.hpp and src/common/type_utils.cpp,
 * `operator==(const MachineID&, const MachineID&)`): both fields must be present on both sides or
 * absent on both, the hostname compared case-insensitively, the IP exactly. A hostname-only entry
 * therefore never names an agent, whose machine always has an IP.
 */
export function sameMachineId(a: MachineId, b: MachineId): boolean {
  return (
    (a.hostname === undefined) === (b.hostname === undefined) &&
    (a.hostname ?? '').toLowerCase() === (b.hostname ?? '').toLowerCase() &&
    (a.ip === undefined) === (b.ip === undefined) &&
    (a.ip ?? '') === (b.ip ?? '')
  );
}

/** A stable map key with Mesos's equality: equal keys exactly when `sameMachineId`. */
export function machineKey(m: MachineId): string {
  return `${m.hostname === undefined ? '\u0000' : m.hostname.toLowerCase()}|${m.ip ?? '\u0000'}`;
}

/**
 * The machine the master files an agent under: its hostname and the IP of its pid
 * (`slave(1)@10.0.0.5:5051`), as src/master/master.cpp builds `machineId` when an agent
 * registers. Undefined when the agent's pid (so its IP) is unknown: such an agent cannot be
 * named to the maintenance API, and is never drained through it.
 */
export function machineOf(agent: Pick<Agent, 'hostname' | 'ip'>): MachineId | undefined {
  return agent.ip === undefined ? undefined : { hostname: agent.hostname, ip: agent.ip };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** True for an IPv4 or IPv6 literal (agents often register with their IP as hostname). */
export function isIpLiteral(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/** What identifies a host to the cloud: its IPs and its names, normalised once. */
interface HostKeys {
  readonly ips: readonly string[];
  readonly fqdn?: string;
  readonly short?: string;
}

function keysOf(hostname: string | undefined, ip: string | undefined): HostKeys {
  const ips = [ip, hostname !== undefined && isIpLiteral(hostname) ? hostname : undefined].filter((x): x is string => x !== undefined);
  if (hostname === undefined || isIpLiteral(hostname)) return { ips: [...new Set(ips)] };
  const fqdn = hostname.toLowerCase();
  return { ips: [...new Set(ips)], fqdn, short: fqdn.split('.')[0] };
}

/** How strongly a host was matched to an instance; a lower number is stronger. */
const BY_IP = 0;
const BY_FQDN = 1;
const BY_SHORT = 2;
const HOW = ['private IP', 'hostname', 'short hostname'] as const;

/** The instances' identity fields, indexed by IP, FQDN and short name (positions in the list). */
class InstanceKeys {
  readonly byIp = new Map<string, number[]>();
  readonly byFqdn = new Map<string, number[]>();
  readonly byShort = new Map<string, number[]>();
  readonly #fields: (string | undefined)[] = [];

  constructor(instances: readonly Instance[]) {
    for (let n = 0; n < instances.length; n++) {
      const i = instances[n] as Instance;
      this.#fields.push(i.id, i.hostname, i.privateIp);
      const k = keysOf(i.hostname, i.privateIp);
      for (const ip of k.ips) push(this.byIp, ip, n);
      if (k.fqdn !== undefined) push(this.byFqdn, k.fqdn, n);
      if (k.short !== undefined) push(this.byShort, k.short, n);
    }
  }

  /** True when these keys index exactly `instances`: the same ids, hostnames and IPs in the same order. */
  indexes(instances: readonly Instance[]): boolean {
    const f = this.#fields;
    if (f.length !== instances.length * 3) return false;
    for (let n = 0, j = 0; n < instances.length; n++, j += 3) {
      const i = instances[n] as Instance;
      if (f[j] !== i.id || f[j + 1] !== i.hostname || f[j + 2] !== i.privateIp) return false;
    }
    return true;
  }
}

/** Indexes of a group's instances, built once per snapshot so matching is linear. */
export class InstanceIndex {
  /** The identity index, shared with a previous listing's index when the instances' identities did not change. */
  readonly #keys: InstanceKeys;

  /** `previous`: an index of an earlier listing of the group, whose keys are reused if they still describe `instances`. */
  constructor(
    readonly instances: readonly Instance[],
    previous?: InstanceIndex,
  ) {
    this.#keys = previous !== undefined && previous.#keys.indexes(instances) ? previous.#keys : new InstanceKeys(instances);
  }

  /** True when both index instances of the same identities (the same keys object). */
  sameIdentities(other: InstanceIndex | undefined): boolean {
    return other !== undefined && other.#keys === this.#keys;
  }

  /**
   * The instance behind a host, or why there is none. An IP known on both sides decides: a
   * name never matches an instance whose IP disagrees. Two candidates at the best level are
   * ambiguous and refused.
   */
  lookup(host: MachineId): InstanceMatch {
    const m = this.find(host);
    if (typeof m === 'string') return { why: m };
    return { instance: this.instances[m.at] as Instance, how: m.how };
  }

  /** `lookup` as a position in `instances`, or why there is none. */
  find(host: MachineId): { readonly at: number; readonly how: number } | string {
    const k = keysOf(host.hostname, host.ip);
    // Levels are tried in order; the first that finds any candidate decides.
    for (let level = BY_IP; level <= BY_SHORT; level++) {
      const found = this.#candidates(level, k);
      if (found.length === 1) return { at: found[0] as number, how: level };
      if (found.length > 1) return `${found.length} instances match by ${HOW[level]} (${found.map((n) => this.instances[n]?.id).join(', ')}): ambiguous`;
    }
    return 'no cloud instance of the group matches it';
  }

  #candidates(level: number, k: HostKeys): readonly number[] {
    if (level === BY_IP) {
      // An instance is listed once per IP, so one IP needs no de-duplication.
      if (k.ips.length === 1) return this.#keys.byIp.get(k.ips[0] as string) ?? [];
      return unique(k.ips.flatMap((ip) => this.#keys.byIp.get(ip) ?? []));
    }
    const name = level === BY_FQDN ? k.fqdn : k.short;
    if (name === undefined) return [];
    const list = (level === BY_FQDN ? this.#keys.byFqdn : this.#keys.byShort).get(name);
    if (list === undefined) return [];
    // A name never matches an instance whose IP disagrees with the host's.
    return list.filter((n) => {
      const ip = this.instances[n]?.privateIp;
      return ip === undefined || k.ips.length === 0 || k.ips.includes(ip);
    });
  }
}

export type InstanceMatch = { readonly instance: Instance; readonly how: number } | { readonly why: string };

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Agents of a group matched to the group's instances, one to one. */
export interface GroupMatching {
  /** Agent id -> its instance. */
  readonly byAgent: ReadonlyMap<string, Instance>;
  /** Instance id -> the agent backed by it. */
  readonly byInstance: ReadonlyMap<string, Agent>;
  /** Agents with no instance, or an ambiguous one, with why (never removed). */
  readonly unmatched: ReadonlyMap<string, string>;
}

/** A matching as positions in the agent and instance lists, in the order its maps are filled. */
interface Positions {
  /** Agent position, instance position: one pair per match. */
  readonly pairs: readonly number[];
  readonly unmatched: readonly (readonly [agent: number, why: string])[];
}

/**
 * Matches every agent to at most one instance and every instance to at most one agent. When
 * two agents claim one instance, neither gets it: removing either could delete the other's VM.
 */
export function matchAgents(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
  return materialize(matchPositions(agents, index), agents, index.instances);
}

function matchPositions(agents: readonly Agent[], index: InstanceIndex): Positions {
  const claims = new Map<number, { agent: number; how: number }[]>();
  const unmatched: [number, string][] = [];
  for (let a = 0; a < agents.length; a++) {
    const agent = agents[a] as Agent;
    const m = index.find({ hostname: agent.hostname, ...(agent.ip !== undefined ? { ip: agent.ip } : {}) });
    if (typeof m === 'string') unmatched.push([a, m]);
    else push(claims, m.at, { agent: a, how: m.how });
  }
  const pairs: number[] = [];
  for (const [at, list] of claims) {
    const instanceId = (index.instances[at] as Instance).id;
    let best = Number.POSITIVE_INFINITY;
    for (const c of list) best = Math.min(best, c.how);
    const top = list.filter((c) => c.how === best);
    const winner = top.length === 1 ? top[0] : undefined;
    if (winner) {
      pairs.push(winner.agent, at);
      for (const c of list) if (c !== winner) unmatched.push([c.agent, `instance ${instanceId} belongs to ${(agents[winner.agent] as Agent).hostname}`]);
    } else {
      const names = list.map((x) => (agents[x.agent] as Agent).hostname).join(', ');
      for (const c of list) unmatched.push([c.agent, `instance ${instanceId} is claimed by ${list.length} agents (${names}): ambiguous`]);
    }
  }
  return { pairs, unmatched };
}

/** The matching's maps over this snapshot's agent and instance objects, filled in the recorded order. */
function materialize(p: Positions, agents: readonly Agent[], instances: readonly Instance[]): GroupMatching {
  const byAgent = new Map<string, Instance>();
  const byInstance = new Map<string, Agent>();
  const unmatched = new Map<string, string>();
  for (const [a, why] of p.unmatched) unmatched.set((agents[a] as Agent).id, why);
  const pairs = p.pairs;
  for (let j = 0; j < pairs.length; j += 2) {
    const agent = agents[pairs[j] as number] as Agent;
    const instance = instances[pairs[j + 1] as number] as Instance;
    byAgent.set(agent.id, instance);
    byInstance.set(instance.id, agent);
  }
  return { byAgent, byInstance, unmatched };
}

/**
 * Matching for one group across snapshots. The controller reads the same agents and instances
 * cycle after cycle: while their identities (agent id, hostname and IP; instance id, hostname
 * and IP; in order) do not change, neither does the matching, so it is not worked out again,
 * only attached to this snapshot's objects.
 */
export class MatchingMemo {
  #index: InstanceIndex | undefined;
  #matched: InstanceIndex | undefined;
  #agents: (string | undefined)[] = [];
  #positions: Positions | undefined;

  /** The instances' index, sharing its keys with the last one when their identities did not change. */
  index(instances: readonly Instance[]): InstanceIndex {
    this.#index = new InstanceIndex(instances, this.#index);
    return this.#index;
  }

  /** `matchAgents(agents, index)`, reused while the identities it depends on are unchanged. */
  match(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
    if (this.#positions === undefined || !index.sameIdentities(this.#matched) || !this.#sameAgents(agents)) {
      this.#positions = matchPositions(agents, index);
      this.#matched = index;
      this.#agents = agents.flatMap((a) => [a.id, a.hostname, a.ip]);
    }
    return materialize(this.#positions, agents, index.instances);
  }

  #sameAgents(agents: readonly Agent[]): boolean {
    const f = this.#agents;
    if (f.length !== agents.length * 3) return false;
    for (let n = 0, j = 0; n < agents.length; n++, j += 3) {
      const a = agents[n] as Agent;
      if (f[j] !== a.id || f[j + 1] !== a.hostname || f[j + 2] !== a.ip) return false;
    }
    return true;
  }
}

/** Human-readable name of a machine for logs and reasons. */
export function formatMachine(m: MachineId): string {
  return m.hostname !== undefined && m.ip !== undefined ? `${m.hostname} (${m.ip})` : (m.hostname ?? m.ip ?? '?');
}
