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

/** Indexes of a group's instances, built once per snapshot so matching is linear. */
export class InstanceIndex {
  readonly #byIp = new Map<string, Instance[]>();
  readonly #byFqdn = new Map<string, Instance[]>();
  readonly #byShort = new Map<string, Instance[]>();

  constructor(readonly instances: readonly Instance[]) {
    for (const i of instances) {
      const k = keysOf(i.hostname, i.privateIp);
      for (const ip of k.ips) push(this.#byIp, ip, i);
      if (k.fqdn !== undefined) push(this.#byFqdn, k.fqdn, i);
      if (k.short !== undefined) push(this.#byShort, k.short, i);
    }
  }

  /**
   * The instance behind a host, or why there is none. An IP known on both sides decides: a
   * name never matches an instance whose IP disagrees. Two candidates at the best level are
   * ambiguous and refused.
   */
  lookup(host: MachineId): InstanceMatch {
    const k = keysOf(host.hostname, host.ip);
    const agrees = (i: Instance): boolean => i.privateIp === undefined || k.ips.length === 0 || k.ips.includes(i.privateIp);
    const levels: [number, Instance[]][] = [
      [BY_IP, unique(k.ips.flatMap((ip) => this.#byIp.get(ip) ?? []))],
      [BY_FQDN, k.fqdn === undefined ? [] : (this.#byFqdn.get(k.fqdn) ?? []).filter(agrees)],
      [BY_SHORT, k.short === undefined ? [] : (this.#byShort.get(k.short) ?? []).filter(agrees)],
    ];
    for (const [level, found] of levels) {
      if (found.length === 1 && found[0]) return { instance: found[0], how: level };
      if (found.length > 1) return { why: `${found.length} instances match by ${HOW[level]} (${found.map((i) => i.id).join(', ')}): ambiguous` };
    }
    return { why: 'no cloud instance of the group matches it' };
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

/**
 * Matches every agent to at most one instance and every instance to at most one agent. When
 * two agents claim one instance, neither gets it: removing either could delete the other's VM.
 */
export function matchAgents(agents: readonly Agent[], index: InstanceIndex): GroupMatching {
  const claims = new Map<string, { agent: Agent; instance: Instance; how: number }[]>();
  const unmatched = new Map<string, string>();
  for (const agent of agents) {
    const m = index.lookup({ hostname: agent.hostname, ...(agent.ip !== undefined ? { ip: agent.ip } : {}) });
    if ('why' in m) unmatched.set(agent.id, m.why);
    else push(claims, m.instance.id, { agent, instance: m.instance, how: m.how });
  }
  const byAgent = new Map<string, Instance>();
  const byInstance = new Map<string, Agent>();
  for (const [instanceId, list] of claims) {
    const best = Math.min(...list.map((c) => c.how));
    const top = list.filter((c) => c.how === best);
    if (top.length === 1 && top[0]) {
      byAgent.set(top[0].agent.id, top[0].instance);
      byInstance.set(instanceId, top[0].agent);
      for (const c of list) if (c !== top[0]) unmatched.set(c.agent.id, `instance ${instanceId} belongs to ${top[0].agent.hostname}`);
    } else {
      for (const c of list) unmatched.set(c.agent.id, `instance ${instanceId} is claimed by ${list.length} agents (${list.map((x) => x.agent.hostname).join(', ')}): ambiguous`);
    }
  }
  return { byAgent, byInstance, unmatched };
}

/** Human-readable name of a machine for logs and reasons. */
export function formatMachine(m: MachineId): string {
  return m.hostname !== undefined && m.ip !== undefined ? `${m.hostname} (${m.ip})` : (m.hostname ?? m.ip ?? '?');
}
