import type { Agent } from './agent.js';
import { agrees, belongsTo, BY_FQDN, BY_IP, BY_SHORT, claimedBy, InstanceIndex, keysOf, matchAgents, NO_INSTANCE, unique, type Candidates, type HostKeys } from './machine.js';
import type { Instance } from './node-group.js';
import { PositionalMatching, type GroupMatching, type PositionHint } from './positional-matching.js';
import { alignByIdentity } from '../util/identity-diff.js';

/** An instance as the memo knows it: its identity, keys, current object, and a hint of its position. */
interface InstanceRec {
  readonly id: string;
  readonly hostname: string | undefined;
  readonly ip: string | undefined;
  readonly keys: HostKeys;
  /** Ids of the agents whose `find` names this instance. */
  readonly claims: Set<string>;
  obj: Instance;
  /** Position in the listing when last known: checked against `obj` before use. */
  at: number;
  /** The pass in which its position was reported gone (it may come back as a new object). */
  leaving: number;
}

/** What `find` answers for an agent, by instance; an ambiguity is worked out again when asked (rare). */
type Found = { readonly id: string; readonly how: number; readonly rec: InstanceRec } | 'none' | 'many';

/** An agent as the memo knows it. */
interface AgentRec {
  readonly id: string;
  readonly hostname: string;
  readonly ip: string | undefined;
  readonly keys: HostKeys;
  found: Found | undefined;
  obj: Agent;
  at: number;
  leaving: number;
}

/**
 * Matching for one group across snapshots, kept from what changed. The controller reads nearly
 * the same agents and instances cycle after cycle, and the event-fed model keeps an unchanged
 * agent's object: both lists are followed by object identity (alignByIdentity, pointers only),
 * so an unchanged agent keeps its answer without being read. What can change an answer is
 * tracked: a new object (agent or instance), an agent whose `find` was looked up again because an
 * instance sharing one of its keys (IP, hostname, short name) came or went, and every claimant of
 * an instance whose claims or object changed. Only those are worked out again; positions are
 * hints checked against the object before use. The answers equal `matchAgents` on the same lists
 * (a property test, test/model/incremental-matching.test.ts, replays random changes against it).
 * A list with a repeated id is answered by the plain computation and the memo starts over.
 */
export class MatchingMemo implements Candidates {
  #gen = 0;
  #pass = 0;
  /** Bumped whenever the records may change: a hint says "absent" only while it has not moved. */
  #epoch = 0;
  #instances: readonly Instance[] = [];
  #instanceRecs: InstanceRec[] = [];
  readonly #inst = new Map<string, InstanceRec>();
  readonly #byIp = new Map<string, Set<string>>();
  readonly #byFqdn = new Map<string, Set<string>>();
  readonly #byShort = new Map<string, Set<string>>();
  readonly #agents = new Map<string, AgentRec>();
  /** 'i' + IP, 'f' + FQDN, 's' + short name -> ids of the agents with that key. */
  readonly #agentKeys = new Map<string, Set<string>>();
  /** Agents whose `find` must be worked out again (new, or an instance sharing a key came or went). */
  readonly #stale = new Set<string>();
  /** How many agents found several instances (no need to look for them when none did). */
  #ambiguous = 0;
  /** Instances whose claims or object changed: their claimants' answers and their owner are worked out again. */
  readonly #dirty = new Set<InstanceRec>();
  /** The last agent list and its answers, position for position. */
  #lastAgents: readonly Agent[] = [];
  #lastAgentRecs: AgentRec[] = [];
  #lastMatched: readonly (Instance | undefined)[] = [];
  #lastWhy: readonly (string | undefined)[] = [];
  /** Owners (agent per listing position) of the last matching, and the listing they are aligned with. */
  #lastOwners: readonly (Agent | undefined)[] = [];
  #ownersListing: readonly Instance[] = [];
  /** The last owners carried onto the current listing by `index` (positions of new instances left empty). */
  #carried: (Agent | undefined)[] = [];
  #carriedTaken = false;
  #spareAgentRecs: AgentRec[] = [];
  #spareInstanceRecs: InstanceRec[] = [];

  /** Bumped by every `index`: a live InstanceIndex answers from the memo only while it is current. */
  get generation(): number {
    return this.#gen;
  }

  /** The instances' index: the memo's live index updated by what changed since the last listing. */
  index(instances: readonly Instance[]): InstanceIndex {
    const gen = ++this.#gen;
    this.#epoch++;
    // Last listing's records are read while this one's are written: two arrays, swapped.
    const recs = this.#spareInstanceRecs.length >= instances.length ? this.#spareInstanceRecs : new Array<InstanceRec>(Math.ceil(instances.length * 1.25));
    const fresh: number[] = [];
    const gone: InstanceRec[] = [];
    const lastRecs = this.#instanceRecs;
    alignByIdentity(this.#instances, instances, {
      same: (m, n, count) => {
        for (let k = 0; k < count; k++) recs[n + k] = lastRecs[m + k] as InstanceRec;
      },
      fresh: (n) => fresh.push(n),
      gone: (m) => gone.push(lastRecs[m] as InstanceRec),
    });
    this.#instances = instances;
    for (const rec of gone) rec.leaving = gen;
    for (const n of fresh) {
      const i = instances[n] as Instance;
      let rec = this.#inst.get(i.id);
      if (rec !== undefined && rec.leaving !== gen) {
        // A repeated id (held by a kept position, or by another new object): start over next time.
        this.#clear();
        return new InstanceIndex(instances);
      }
      if (rec !== undefined) {
        rec.leaving = 0;
        if (rec.hostname !== i.hostname || rec.ip !== i.privateIp) {
          this.#dropInstance(rec);
          rec = undefined;
        } else {
          rec.obj = i;
          rec.at = n;
          // A new object, or one moved in the listing: its claimants must hand out this one, and an
          // ambiguity naming it lists the instances in listing order (what each agent finds is the same).
          this.#dirty.add(rec);
          this.#touchAmbiguous(rec.keys);
        }
      }
      if (rec === undefined) {
        rec = { id: i.id, hostname: i.hostname, ip: i.privateIp, keys: keysOf(i.hostname, i.privateIp), claims: new Set(), obj: i, at: n, leaving: 0 };
        this.#addInstance(rec);
      }
      recs[n] = rec;
    }
    for (const rec of gone) if (rec.leaving === gen) this.#dropInstance(rec);
    this.#spareInstanceRecs = this.#instanceRecs;
    this.#instanceRecs = recs;
    // The last owners follow their instances onto this listing.
    const carried = new Array<Agent | undefined>(instances.length);
    const owners = this.#lastOwners;
    alignByIdentity(this.#ownersListing, instances, {
      same: (m, n, count) => {
        for (let k = 0; k < count; k++) carried[n + k] = owners[m + k];
      },
      fresh: () => {},
    });
    this.#carried = carried;
    this.#carriedTaken = false;
    return new InstanceIndex(instances, undefined, { memo: this, gen });
  }

  /** `matchAgents(agents, index)`: only agents whose answer may have changed are worked out. */
  match(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
    if (!index.servedBy(this)) return matchAgents(agents, index);
    const pass = ++this.#pass;
    this.#epoch++;
    const size = agents.length;
    const recs = this.#spareAgentRecs.length >= size ? this.#spareAgentRecs : new Array<AgentRec>(Math.ceil(size * 1.25));
    const matched = new Array<Instance | undefined>(size);
    const why = new Array<string | undefined>(size);
    const fresh: number[] = [];
    const gone: AgentRec[] = [];
    const lastRecs = this.#lastAgentRecs;
    const lastMatched = this.#lastMatched;
    const lastWhy = this.#lastWhy;
    alignByIdentity(this.#lastAgents, agents, {
      same: (m, n, count) => {
        for (let k = 0; k < count; k++) {
          recs[n + k] = lastRecs[m + k] as AgentRec;
          matched[n + k] = lastMatched[m + k];
          why[n + k] = lastWhy[m + k];
        }
      },
      fresh: (n) => fresh.push(n),
      gone: (m) => gone.push(lastRecs[m] as AgentRec),
    });
    for (const rec of gone) rec.leaving = pass;
    const dirtyAgents = new Set<AgentRec>();
    for (const n of fresh) {
      const a = agents[n] as Agent;
      let rec = this.#agents.get(a.id);
      if (rec !== undefined && rec.leaving !== pass) {
        this.#clearAgents();
        return matchAgents(agents, index);
      }
      if (rec !== undefined) {
        rec.leaving = 0;
        if (rec.hostname !== a.hostname || rec.ip !== a.ip) {
          this.#dropAgent(rec);
          rec = undefined;
        } else {
          rec.obj = a;
          rec.at = n;
        }
      }
      if (rec === undefined) {
        rec = { id: a.id, hostname: a.hostname, ip: a.ip, keys: keysOf(a.hostname, a.ip), found: undefined, obj: a, at: n, leaving: 0 };
        this.#addAgent(rec);
      }
      recs[n] = rec;
      dirtyAgents.add(rec);
    }
    for (const rec of gone) if (rec.leaving === pass) this.#dropAgent(rec);
    this.#agentsList = agents;
    for (const id of this.#stale) {
      const rec = this.#agents.get(id);
      if (rec === undefined) continue;
      this.#refind(rec);
      dirtyAgents.add(rec);
    }
    this.#stale.clear();
    // A changed agent changes what its instance hands out (owner, contest): all of that instance's claimants are worked out again.
    for (const rec of dirtyAgents) if (typeof rec.found === 'object') this.#dirty.add(rec.found.rec);
    for (const inst of this.#dirty) {
      for (const id of inst.claims) {
        const rec = this.#agents.get(id);
        if (rec !== undefined) dirtyAgents.add(rec);
      }
    }
    // The carried owners become this matching's (copied if an earlier match of this listing took them).
    const owners = this.#carriedTaken ? this.#carried.slice() : this.#carried;
    this.#carriedTaken = true;
    const contests = new Map<InstanceRec, { readonly winner?: AgentRec; readonly why?: string }>();
    for (const rec of dirtyAgents) {
      const n = this.#agentAt(rec);
      const f = rec.found;
      matched[n] = undefined;
      why[n] = undefined;
      if (f === 'none' || f === undefined) why[n] = NO_INSTANCE;
      else if (f === 'many') why[n] = index.find({ hostname: rec.hostname, ...(rec.ip !== undefined ? { ip: rec.ip } : {}) }) as string;
      else {
        const c = this.#contest(f.rec, contests);
        if (c.winner === rec) matched[n] = f.rec.obj;
        else why[n] = c.why;
      }
    }
    for (const inst of this.#dirty) {
      if (this.#inst.get(inst.id) !== inst) continue;
      owners[this.#instanceAt(inst)] = this.#contest(inst, contests).winner?.obj;
    }
    this.#dirty.clear();
    this.#lastAgents = agents;
    this.#spareAgentRecs = this.#lastAgentRecs;
    this.#lastAgentRecs = recs;
    this.#lastMatched = matched;
    this.#lastWhy = why;
    this.#lastOwners = owners;
    this.#ownersListing = this.#instances;
    return new PositionalMatching(agents, this.#instances, matched, why, owners, this.#hint());
  }

  /** The agent list of the pass under way (positions of agents are looked up in it). */
  #agentsList: readonly Agent[] = [];

  /** Who gets a claimed instance: its one claimant, else the strongest unique claimant; why the others lost. */
  #contest(inst: InstanceRec, memo: Map<InstanceRec, { readonly winner?: AgentRec; readonly why?: string }>): { readonly winner?: AgentRec; readonly why?: string } {
    let r = memo.get(inst);
    if (r !== undefined) return r;
    const claimants = [...inst.claims].map((id) => this.#agents.get(id) as AgentRec);
    if (claimants.length === 0) r = {};
    else if (claimants.length === 1) r = { winner: claimants[0] as AgentRec };
    else {
      // In the agents' order, as the plain computation lists them.
      const list = claimants.map((rec) => ({ rec, n: this.#agentAt(rec) })).sort((x, y) => x.n - y.n).map((x) => x.rec);
      const how = (rec: AgentRec): number => (rec.found as { readonly how: number }).how;
      const best = Math.min(...list.map(how));
      const top = list.filter((rec) => how(rec) === best);
      r = top.length === 1 ? { winner: top[0] as AgentRec, why: belongsTo(inst.id, (top[0] as AgentRec).hostname) } : { why: claimedBy(inst.id, list.map((rec) => rec.hostname)) };
    }
    memo.set(inst, r);
    return r;
  }

  /** Positions as the memo knows them while it is still at this pass and listing; after that, only a guess to check. */
  #hint(): PositionHint {
    const epoch = this.#epoch;
    const agents = this.#agentsList;
    const instances = this.#instances;
    return {
      // After the memo moved on, a record may hold a newer object than these lists: not found is then no answer.
      agentAt: (id) => {
        const rec = this.#agents.get(id);
        const n = rec === undefined ? 'absent' : find(agents, rec.obj, rec.at);
        return n !== 'absent' ? n : this.#epoch === epoch ? 'absent' : 'unknown';
      },
      instanceAt: (id) => {
        const rec = this.#inst.get(id);
        const n = rec === undefined ? 'absent' : find(instances, rec.obj, rec.at);
        return n !== 'absent' ? n : this.#epoch === epoch ? 'absent' : 'unknown';
      },
    };
  }

  #agentAt(rec: AgentRec): number {
    const n = find(this.#agentsList, rec.obj, rec.at);
    if (typeof n === 'number') rec.at = n;
    return n as number;
  }

  #instanceAt(rec: InstanceRec): number {
    const n = find(this.#instances, rec.obj, rec.at);
    if (typeof n === 'number') rec.at = n;
    return n as number;
  }

  /** Candidates as positions in the current listing, in the order the plain index gives them. */
  candidates(level: number, k: HostKeys): readonly number[] {
    const at = (id: string): number => this.#instanceAt(this.#inst.get(id) as InstanceRec);
    if (level === BY_IP) {
      if (k.ips.length === 1) return sorted([...(this.#byIp.get(k.ips[0] as string) ?? [])].map(at));
      return unique(k.ips.flatMap((ip) => sorted([...(this.#byIp.get(ip) ?? [])].map(at))));
    }
    return sorted(this.#nameIds(level, k).map(at));
  }

  #refind(rec: AgentRec): void {
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
      if (typeof found === 'object' && found.rec === old.rec && found.how === old.how) {
        rec.found = found;
        return;
      }
      old.rec.claims.delete(rec.id);
      this.#dirty.add(old.rec);
    }
    if (typeof found === 'object') {
      found.rec.claims.add(rec.id);
      this.#dirty.add(found.rec);
    }
    this.#ambiguous += Number(found === 'many') - Number(old === 'many');
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

  #addInstance(rec: InstanceRec): void {
    this.#inst.set(rec.id, rec);
    for (const ip of rec.keys.ips) addTo(this.#byIp, ip, rec.id);
    if (rec.keys.fqdn !== undefined) addTo(this.#byFqdn, rec.keys.fqdn, rec.id);
    if (rec.keys.short !== undefined) addTo(this.#byShort, rec.keys.short, rec.id);
    this.#touch(rec.keys);
  }

  #dropInstance(rec: InstanceRec): void {
    this.#inst.delete(rec.id);
    for (const ip of rec.keys.ips) removeFrom(this.#byIp, ip, rec.id);
    if (rec.keys.fqdn !== undefined) removeFrom(this.#byFqdn, rec.keys.fqdn, rec.id);
    if (rec.keys.short !== undefined) removeFrom(this.#byShort, rec.keys.short, rec.id);
    this.#touch(rec.keys);
    // Its claimants look again (they share its keys, so they are stale already).
    for (const id of rec.claims) this.#stale.add(id);
    this.#dirty.delete(rec);
  }

  /** Marks for a new look-up every agent that shares a key with an instance that came or went. */
  #touch(k: HostKeys): void {
    for (const key of agentKeysOf(k)) for (const id of this.#agentKeys.get(key) ?? []) this.#stale.add(id);
  }

  /** Marks for a new look-up the agents sharing a key that found several instances (their why lists them in order). */
  #touchAmbiguous(k: HostKeys): void {
    if (this.#ambiguous === 0) return;
    for (const key of agentKeysOf(k)) {
      for (const id of this.#agentKeys.get(key) ?? []) if (this.#agents.get(id)?.found === 'many') this.#stale.add(id);
    }
  }

  #addAgent(rec: AgentRec): void {
    this.#agents.set(rec.id, rec);
    for (const key of agentKeysOf(rec.keys)) addTo(this.#agentKeys, key, rec.id);
    this.#stale.add(rec.id);
  }

  #dropAgent(rec: AgentRec): void {
    this.#agents.delete(rec.id);
    if (rec.found === 'many') this.#ambiguous--;
    for (const key of agentKeysOf(rec.keys)) removeFrom(this.#agentKeys, key, rec.id);
    if (typeof rec.found === 'object') {
      rec.found.rec.claims.delete(rec.id);
      this.#dirty.add(rec.found.rec);
    }
    this.#stale.delete(rec.id);
  }

  #clearAgents(): void {
    this.#agents.clear();
    this.#ambiguous = 0;
    this.#agentKeys.clear();
    this.#stale.clear();
    this.#lastAgents = [];
    this.#lastAgentRecs = [];
    this.#lastMatched = [];
    this.#lastWhy = [];
    this.#lastOwners = [];
    this.#ownersListing = [];
    this.#carried = new Array<Agent | undefined>(this.#instances.length);
    for (const rec of this.#inst.values()) {
      rec.claims.clear();
      // Every instance's owner is worked out again on the next pass.
      this.#dirty.add(rec);
    }
  }

  #clear(): void {
    this.#clearAgents();
    this.#dirty.clear();
    this.#inst.clear();
    this.#byIp.clear();
    this.#byFqdn.clear();
    this.#byShort.clear();
    this.#instances = [];
    this.#instanceRecs = [];
  }
}

/** Where `obj` is in `xs`, starting at its last known position `at`: positions drift by the few entries added or removed before it. */
function find<T>(xs: readonly T[], obj: T, at: number): number | 'absent' {
  if (xs[at] === obj) return at;
  for (let d = 1; d <= 64; d++) {
    if (xs[at - d] === obj) return at - d;
    if (xs[at + d] === obj) return at + d;
  }
  const n = xs.indexOf(obj);
  return n < 0 ? 'absent' : n;
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
