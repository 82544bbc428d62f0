import type { Agent } from './agent.js';
import type { Instance } from './node-group.js';
import type { MatchingMemo } from './matching-memo.js';
import { PositionalMatching, type GroupMatching } from './positional-matching.js';

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
export interface HostKeys {
  readonly ips: readonly string[];
  readonly fqdn?: string;
  readonly short?: string;
}

export function keysOf(hostname: string | undefined, ip: string | undefined): HostKeys {
  const ips = [ip, hostname !== undefined && isIpLiteral(hostname) ? hostname : undefined].filter((x): x is string => x !== undefined);
  if (hostname === undefined || isIpLiteral(hostname)) return { ips: [...new Set(ips)] };
  const fqdn = hostname.toLowerCase();
  return { ips: [...new Set(ips)], fqdn, short: fqdn.split('.')[0] };
}

/** How strongly a host was matched to an instance; a lower number is stronger. */
export const BY_IP = 0;
export const BY_FQDN = 1;
export const BY_SHORT = 2;
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

/** Where `find` takes its candidates from: positions in the listing at one level, in listing order. */
export interface Candidates {
  candidates(level: number, k: HostKeys, instances: readonly Instance[]): readonly number[];
}

/** Candidates from a plain index of one listing. */
function plainCandidates(keys: InstanceKeys): Candidates {
  return {
    candidates(level, k, instances) {
      if (level === BY_IP) {
        // An instance is listed once per IP, so one IP needs no de-duplication.
        if (k.ips.length === 1) return keys.byIp.get(k.ips[0] as string) ?? [];
        return unique(k.ips.flatMap((ip) => keys.byIp.get(ip) ?? []));
      }
      const name = level === BY_FQDN ? k.fqdn : k.short;
      if (name === undefined) return [];
      const list = (level === BY_FQDN ? keys.byFqdn : keys.byShort).get(name);
      if (list === undefined) return [];
      // A name never matches an instance whose IP disagrees with the host's.
      return list.filter((n) => agrees(instances[n]?.privateIp, k));
    },
  };
}

/** A name-level candidate is refused when both sides know an IP and they differ. */
export function agrees(instanceIp: string | undefined, k: HostKeys): boolean {
  return instanceIp === undefined || k.ips.length === 0 || k.ips.includes(instanceIp);
}

/**
 * Indexes of a group's instances, so matching is linear. The plain index is built on the first
 * lookup that needs it: a listing indexed by a `MatchingMemo` answers from the memo's live index
 * while the memo is still at this listing.
 */
export class InstanceIndex {
  #keys: InstanceKeys | undefined;
  readonly #live: { readonly memo: MatchingMemo; readonly gen: number } | undefined;

  /** `previous`: an index of an earlier listing of the group, whose keys are reused if they still describe `instances`. */
  constructor(
    readonly instances: readonly Instance[],
    previous?: InstanceIndex,
    live?: { readonly memo: MatchingMemo; readonly gen: number },
  ) {
    const reusable = previous === undefined ? undefined : previous.#keys;
    if (reusable?.indexes(instances)) this.#keys = reusable;
    this.#live = live;
  }

  /** True while `memo` is still at the listing this index was made for (its live index answers for it). */
  servedBy(memo: MatchingMemo): boolean {
    return this.#live !== undefined && this.#live.memo === memo && memo.generation === this.#live.gen;
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
    const source = this.#live !== undefined && this.servedBy(this.#live.memo) ? this.#live.memo : plainCandidates((this.#keys ??= new InstanceKeys(this.instances)));
    // Levels are tried in order; the first that finds any candidate decides.
    for (let level = BY_IP; level <= BY_SHORT; level++) {
      const found = source.candidates(level, k, this.instances);
      if (found.length === 1) return { at: found[0] as number, how: level };
      if (found.length > 1) return `${found.length} instances match by ${HOW[level]} (${found.map((n) => this.instances[n]?.id).join(', ')}): ambiguous`;
    }
    return 'no cloud instance of the group matches it';
  }
}

export type InstanceMatch = { readonly instance: Instance; readonly how: number } | { readonly why: string };

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

export type { GroupMatching } from './positional-matching.js';

export const NO_INSTANCE = 'no cloud instance of the group matches it';
export const belongsTo = (instanceId: string, hostname: string): string => `instance ${instanceId} belongs to ${hostname}`;
export const claimedBy = (instanceId: string, names: readonly string[]): string => `instance ${instanceId} is claimed by ${names.length} agents (${names.join(', ')}): ambiguous`;

/**
 * Matches every agent to at most one instance and every instance to at most one agent. When
 * two agents claim one instance, the one matched at the strongest level (IP over name) gets it;
 * when several tie there, none does: removing either could delete the other's VM.
 */
export function matchAgents(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
  // Per agent: the position of the instance it found, or why none.
  const found: ({ readonly at: number; readonly how: number } | string)[] = [];
  const claims = new Map<number, number[]>();
  for (let a = 0; a < agents.length; a++) {
    const agent = agents[a] as Agent;
    const m = index.find({ hostname: agent.hostname, ...(agent.ip !== undefined ? { ip: agent.ip } : {}) });
    found.push(m);
    if (typeof m !== 'string') push(claims, m.at, a);
  }
  const matched = new Array<Instance | undefined>(agents.length);
  const why = new Array<string | undefined>(agents.length);
  const owners = new Array<Agent | undefined>(index.instances.length);
  for (let a = 0; a < agents.length; a++) {
    const agent = agents[a] as Agent;
    const m = found[a] as (typeof found)[number];
    if (typeof m === 'string') {
      why[a] = m;
      continue;
    }
    const instance = index.instances[m.at] as Instance;
    const list = claims.get(m.at) as number[];
    if (list.length === 1) {
      matched[a] = instance;
      owners[m.at] = agent;
      continue;
    }
    const how = (c: number): number => (found[c] as { readonly how: number }).how;
    const best = Math.min(...list.map(how));
    const top = list.filter((c) => how(c) === best);
    if (top.length === 1 && top[0] === a) {
      matched[a] = instance;
      owners[m.at] = agent;
    } else if (top.length === 1) why[a] = belongsTo(instance.id, (agents[top[0] as number] as Agent).hostname);
    else why[a] = claimedBy(instance.id, list.map((c) => (agents[c] as Agent).hostname));
  }
  return new PositionalMatching(agents, index.instances, matched, why, owners);
}

/** Human-readable name of a machine for logs and reasons. */
export function formatMachine(m: MachineId): string {
  return m.hostname !== undefined && m.ip !== undefined ? `${m.hostname} (${m.ip})` : (m.hostname ?? m.ip ?? '?');
}
