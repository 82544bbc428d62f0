import type { Agent } from './agent.js';
import type { Instance } from './node-group.js';
import { PositionalMatching, type GroupMatching, type PositionHint } from './positional-matching.js';

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

/** Where `find` takes its candidates from: positions in the listing at one level, in listing order. */
interface Candidates {
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
function agrees(instanceIp: string | undefined, k: HostKeys): boolean {
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

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

export type { GroupMatching } from './positional-matching.js';

const NO_INSTANCE = 'no cloud instance of the group matches it';
const belongsTo = (instanceId: string, hostname: string): string => `instance ${instanceId} belongs to ${hostname}`;
const claimedBy = (instanceId: string, names: readonly string[]): string => `instance ${instanceId} is claimed by ${names.length} agents (${names.join(', ')}): ambiguous`;

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

/** `seen` of a record no longer in the memo (its id came back with another identity, or left). */
const DROPPED = -1;

/** An instance as the memo knows it: its identity, keys, and where it is in the current listing. */
interface InstanceRec {
  readonly hostname: string | undefined;
  readonly ip: string | undefined;
  readonly keys: HostKeys;
  /** Ids of the agents whose `find` names this instance. */
  readonly claims: Set<string>;
  seen: number;
  at: number;
}

/** What `find` answers for an agent, by instance; an ambiguity is worked out again when asked (rare). */
type Found = { readonly id: string; readonly how: number; readonly rec: InstanceRec } | 'none' | 'many';

/** An agent as the memo knows it: its identity, keys, what it finds, and where it is in the current list. */
interface AgentRec {
  readonly hostname: string;
  readonly ip: string | undefined;
  readonly keys: HostKeys;
  seen: number;
  /** Position in the last list matched (to follow the next list by object identity). */
  at: number;
  found: Found | undefined;
}

/**
 * Matching for one group across snapshots, kept incrementally. The controller reads nearly the
 * same agents and instances cycle after cycle: an instance listed or gone, or an agent joining or
 * leaving, only changes what the agents sharing one of its keys (IP, hostname, short name) find,
 * so only those are looked up again; the rest keep their answer. The maps handed out are made on
 * this snapshot's objects, in the agents' order, and equal `matchAgents` on the same lists (a
 * property test, test/model/incremental-matching.test.ts, replays random changes against it).
 * A listing with a repeated instance id, or a list with a repeated agent id, is answered by the
 * plain computation and the memo starts over.
 */
export class MatchingMemo implements Candidates {
  #gen = 0;
  #agentPass = 0;
  /** Bumped whenever the records may change (a listing, an agent list): a hint says "absent" only while it has not moved. */
  #epoch = 0;
  #instances: readonly Instance[] = [];
  readonly #inst = new Map<string, InstanceRec>();
  readonly #byIp = new Map<string, Set<string>>();
  readonly #byFqdn = new Map<string, Set<string>>();
  readonly #byShort = new Map<string, Set<string>>();
  readonly #agents = new Map<string, AgentRec>();
  /** 'i' + IP, 'f' + FQDN, 's' + short name -> ids of the agents with that key. */
  readonly #agentKeys = new Map<string, Set<string>>();
  /** The last listing and agent list with their records, position for position: unchanged objects are followed without a lookup. */
  #lastInstances: readonly Instance[] = [];
  #lastInstanceRecs: readonly InstanceRec[] = [];
  #lastAgents: readonly Agent[] = [];
  #lastAgentRecs: readonly AgentRec[] = [];
  /** Agents whose `find` must be worked out again (new, or an instance sharing a key came or went). */
  readonly #stale = new Set<string>();

  /** Bumped by every `index`: a live InstanceIndex answers from the memo only while it is current. */
  get generation(): number {
    return this.#gen;
  }

  /** The instances' index: the memo's live index updated by what changed since the last listing. */
  index(instances: readonly Instance[]): InstanceIndex {
    const gen = ++this.#gen;
    this.#epoch++;
    this.#instances = instances;
    const last = this.#lastInstances;
    const lastRecs = this.#lastInstanceRecs;
    const recs: InstanceRec[] = new Array<InstanceRec>(instances.length);
    for (let n = 0, m = 0; n < instances.length; n++) {
      const i = instances[n] as Instance;
      // The same object as in the last listing (identities never change on one object): no lookup.
      let rec: InstanceRec | undefined;
      if (last[m] === i && (lastRecs[m] as InstanceRec).seen !== DROPPED) rec = lastRecs[m++];
      else {
        rec = this.#inst.get(i.id);
        if (rec !== undefined && rec.seen !== gen && last[rec.at] === i) m = rec.at + 1;
      }
      if (rec !== undefined && rec.seen === gen) {
        // A repeated id: positions cannot be told apart by id. Start over next time.
        this.#clear();
        return new InstanceIndex(instances);
      }
      if (rec !== undefined && (rec.hostname !== i.hostname || rec.ip !== i.privateIp)) {
        this.#dropInstance(i.id, rec);
        rec = undefined;
      }
      if (rec === undefined) {
        rec = { hostname: i.hostname, ip: i.privateIp, keys: keysOf(i.hostname, i.privateIp), claims: new Set(), seen: gen, at: n };
        this.#addInstance(i.id, rec);
      }
      rec.seen = gen;
      rec.at = n;
      recs[n] = rec;
    }
    if (this.#inst.size !== instances.length) {
      for (const [id, rec] of this.#inst) if (rec.seen !== gen) this.#dropInstance(id, rec);
    }
    this.#lastInstances = instances;
    this.#lastInstanceRecs = recs;
    return new InstanceIndex(instances, undefined, { memo: this, gen });
  }

  /** `matchAgents(agents, index)`: only agents whose answer may have changed are looked up. */
  match(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
    if (!index.servedBy(this)) return matchAgents(agents, index);
    const pass = ++this.#agentPass;
    this.#epoch++;
    const last = this.#lastAgents;
    const lastRecs = this.#lastAgentRecs;
    const recs: AgentRec[] = new Array<AgentRec>(agents.length);
    for (let n = 0, m = 0; n < agents.length; n++) {
      const a = agents[n] as Agent;
      // The same object as in the last list (the model keeps unchanged agents' objects): no lookup.
      let rec: AgentRec | undefined;
      if (last[m] === a && (lastRecs[m] as AgentRec).seen !== DROPPED) rec = lastRecs[m++];
      else {
        rec = this.#agents.get(a.id);
        if (rec !== undefined && rec.seen !== pass && last[rec.at] === a) m = rec.at + 1;
      }
      if (rec !== undefined && rec.seen === pass) {
        this.#clearAgents();
        return matchAgents(agents, index);
      }
      if (rec !== undefined && (rec.hostname !== a.hostname || rec.ip !== a.ip)) {
        this.#dropAgent(a.id, rec);
        rec = undefined;
      }
      if (rec === undefined) {
        rec = { hostname: a.hostname, ip: a.ip, keys: keysOf(a.hostname, a.ip), seen: pass, at: n, found: undefined };
        this.#addAgent(a.id, rec);
      }
      rec.seen = pass;
      rec.at = n;
      recs[n] = rec;
    }
    if (this.#agents.size !== agents.length) {
      for (const [id, rec] of this.#agents) if (rec.seen !== pass) this.#dropAgent(id, rec);
    }
    for (const id of this.#stale) {
      const rec = this.#agents.get(id);
      if (rec !== undefined) this.#refind(id, rec);
    }
    this.#stale.clear();
    this.#lastAgents = agents;
    this.#lastAgentRecs = recs;
    return this.#materialize(agents, recs, index);
  }

  /** Candidates as positions in the current listing, in the order the plain index gives them. */
  candidates(level: number, k: HostKeys): readonly number[] {
    const at = (id: string): number => (this.#inst.get(id) as InstanceRec).at;
    if (level === BY_IP) {
      if (k.ips.length === 1) return sorted([...(this.#byIp.get(k.ips[0] as string) ?? [])].map(at));
      return unique(k.ips.flatMap((ip) => sorted([...(this.#byIp.get(ip) ?? [])].map(at))));
    }
    return sorted(this.#nameIds(level, k).map(at));
  }

  #materialize(agents: readonly Agent[], recs: readonly AgentRec[], index: InstanceIndex): GroupMatching {
    const matched = new Array<Instance | undefined>(agents.length);
    const why = new Array<string | undefined>(agents.length);
    const owners = new Array<Agent | undefined>(this.#instances.length);
    // Contested instances, resolved once each: the winner's id, or why every claimant lost.
    let contested: Map<string, { readonly winner?: string; readonly why?: string }> | undefined;
    let positions: Map<string, number> | undefined;
    for (let n = 0; n < agents.length; n++) {
      const agent = agents[n] as Agent;
      const f = (recs[n] as AgentRec).found;
      if (f === 'none' || f === undefined) {
        why[n] = NO_INSTANCE;
        continue;
      }
      if (f === 'many') {
        why[n] = index.find({ hostname: agent.hostname, ...(agent.ip !== undefined ? { ip: agent.ip } : {}) }) as string;
        continue;
      }
      const at = f.rec.at;
      const instance = this.#instances[at] as Instance;
      const claimants = f.rec.claims;
      if (claimants.size === 1) {
        matched[n] = instance;
        owners[at] = agent;
        continue;
      }
      contested ??= new Map();
      let r = contested.get(f.id);
      if (r === undefined) {
        if (positions === undefined) {
          positions = new Map();
          for (let j = 0; j < agents.length; j++) positions.set((agents[j] as Agent).id, j);
        }
        const pos = positions;
        const list = [...claimants].sort((x, y) => (pos.get(x) as number) - (pos.get(y) as number));
        const how = (id: string): number => ((this.#agents.get(id) as AgentRec).found as { readonly how: number }).how;
        const best = Math.min(...list.map(how));
        const top = list.filter((id) => how(id) === best);
        r =
          top.length === 1
            ? { winner: top[0] as string, why: belongsTo(f.id, (this.#agents.get(top[0] as string) as AgentRec).hostname) }
            : { why: claimedBy(f.id, list.map((id) => (this.#agents.get(id) as AgentRec).hostname)) };
        contested.set(f.id, r);
      }
      if (r.winner === agent.id) {
        matched[n] = instance;
        owners[at] = agent;
      } else why[n] = r.why as string;
    }
    return new PositionalMatching(agents, this.#instances, matched, why, owners, this.#hint());
  }

  /** Positions as the memo knows them while it is still at this pass and listing; after that, only a guess to check. */
  #hint(): PositionHint {
    const epoch = this.#epoch;
    return {
      agentAt: (id) => this.#agents.get(id)?.at ?? (this.#epoch === epoch ? 'absent' : 'unknown'),
      instanceAt: (id) => this.#inst.get(id)?.at ?? (this.#epoch === epoch ? 'absent' : 'unknown'),
    };
  }

  #refind(id: string, rec: AgentRec): void {
    const old = rec.found;
    let found: Found = 'none';
    for (let level = BY_IP; level <= BY_SHORT; level++) {
      const n = this.#count(level, rec.keys);
      if (n === 1) {
        const only = this.#only(level, rec.keys);
        found = { id: only, how: level, rec: this.#inst.get(only) as InstanceRec };
        break;
      }
      if (n > 1) {
        found = 'many';
        break;
      }
    }
    if (typeof old === 'object') {
      if (typeof found === 'object' && found.rec === old.rec) {
        rec.found = found;
        return;
      }
      old.rec.claims.delete(id);
    }
    if (typeof found === 'object') found.rec.claims.add(id);
    rec.found = found;
  }

  /** How many instances an agent with these keys finds at a level. */
  #count(level: number, k: HostKeys): number {
    if (level !== BY_IP) return this.#nameIds(level, k).length;
    if (k.ips.length === 1) return this.#byIp.get(k.ips[0] as string)?.size ?? 0;
    return new Set(k.ips.flatMap((ip) => [...(this.#byIp.get(ip) ?? [])])).size;
  }

  /** The one instance found at a level (after `#count` said one). */
  #only(level: number, k: HostKeys): string {
    if (level !== BY_IP) return this.#nameIds(level, k)[0] as string;
    for (const ip of k.ips) for (const id of this.#byIp.get(ip) ?? []) return id;
    throw new Error('no instance at the level counted');
  }

  #nameIds(level: number, k: HostKeys): string[] {
    const name = level === BY_FQDN ? k.fqdn : k.short;
    if (name === undefined) return [];
    const set = (level === BY_FQDN ? this.#byFqdn : this.#byShort).get(name);
    if (set === undefined) return [];
    const out: string[] = [];
    for (const id of set) if (agrees(this.#inst.get(id)?.ip, k)) out.push(id);
    return out;
  }

  #addInstance(id: string, rec: InstanceRec): void {
    this.#inst.set(id, rec);
    for (const ip of rec.keys.ips) addTo(this.#byIp, ip, id);
    if (rec.keys.fqdn !== undefined) addTo(this.#byFqdn, rec.keys.fqdn, id);
    if (rec.keys.short !== undefined) addTo(this.#byShort, rec.keys.short, id);
    this.#touch(rec.keys);
  }

  #dropInstance(id: string, rec: InstanceRec): void {
    rec.seen = DROPPED;
    this.#inst.delete(id);
    for (const ip of rec.keys.ips) removeFrom(this.#byIp, ip, id);
    if (rec.keys.fqdn !== undefined) removeFrom(this.#byFqdn, rec.keys.fqdn, id);
    if (rec.keys.short !== undefined) removeFrom(this.#byShort, rec.keys.short, id);
    this.#touch(rec.keys);
  }

  /** Marks for a new look-up every agent that shares a key with an instance that came or went. */
  #touch(k: HostKeys): void {
    for (const key of agentKeysOf(k)) for (const id of this.#agentKeys.get(key) ?? []) this.#stale.add(id);
  }

  #addAgent(id: string, rec: AgentRec): void {
    this.#agents.set(id, rec);
    for (const key of agentKeysOf(rec.keys)) addTo(this.#agentKeys, key, id);
    this.#stale.add(id);
  }

  #dropAgent(id: string, rec: AgentRec): void {
    rec.seen = DROPPED;
    this.#agents.delete(id);
    for (const key of agentKeysOf(rec.keys)) removeFrom(this.#agentKeys, key, id);
    if (typeof rec.found === 'object') rec.found.rec.claims.delete(id);
    this.#stale.delete(id);
  }

  #clearAgents(): void {
    this.#agents.clear();
    this.#agentKeys.clear();
    this.#stale.clear();
    this.#lastAgents = [];
    this.#lastAgentRecs = [];
    for (const rec of this.#inst.values()) rec.claims.clear();
  }

  #clear(): void {
    this.#clearAgents();
    this.#inst.clear();
    this.#byIp.clear();
    this.#byFqdn.clear();
    this.#byShort.clear();
    this.#lastInstances = [];
    this.#lastInstanceRecs = [];
  }
}

function agentKeysOf(k: HostKeys): string[] {
  const out = k.ips.map((ip) => `i${ip}`);
  if (k.fqdn !== undefined) out.push(`f${k.fqdn}`);
  if (k.short !== undefined) out.push(`s${k.short}`);
  return out;
}

function sorted(xs: number[]): number[] {
  return xs.length > 1 ? xs.sort((a, b) => a - b) : xs;
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  const set = m.get(k);
  if (set) set.add(v);
  else m.set(k, new Set([v]));
}

function removeFrom(m: Map<string, Set<string>>, k: string, v: string): void {
  const set = m.get(k);
  if (!set) return;
  set.delete(v);
  if (set.size === 0) m.delete(k);
}

/** Human-readable name of a machine for logs and reasons. */
export function formatMachine(m: MachineId): string {
  return m.hostname !== undefined && m.ip !== undefined ? `${m.hostname} (${m.ip})` : (m.hostname ?? m.ip ?? '?');
}
