import { ACTIVE_TASK_STATES, type Agent, type FaultDomain } from '../model/agent.js';
import { CAPACITY, DRAINING, GroupColumns, HAS_DOMAIN, MARKED, MEMBER, RESERVED, WIDTH } from './group-columns.js';
import { ShapeCounter } from './template.js';
import { indexMaintenance } from '../model/drain.js';
import { machineKey, type GroupMatching, type InstanceIndex, type MachineId } from '../model/machine.js';
import { MatchingMemo } from '../model/matching-memo.js';
import type { Instance, NodeGroupState } from '../model/node-group.js';
import { ZERO, type TrackedResource, type Resources } from '../model/resources.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { GroupConfig } from '../config/schema.js';
import { selectorMatcher } from './selector.js';

/** A node group as the planner sees it: its agents, capacity and utilization. */
export interface GroupView {
  readonly config: GroupConfig;
  /** Every agent matching the selector, whatever its state. */
  readonly agents: readonly Agent[];
  /** Agents counted as capacity (active, not draining). */
  readonly capacity: readonly Agent[];
  readonly total: Resources;
  readonly used: Resources;
  /** used / total per tracked resource, 0..1; undefined when the group has none of it. */
  readonly utilization: Readonly<Partial<Record<TrackedResource, number>>>;
  /** Agents of the group being drained for removal. */
  readonly draining: readonly Agent[];
  readonly provider?: NodeGroupState;
  /** The group's instances, indexed for the one identity rule (model/machine.ts). */
  readonly index: InstanceIndex;
  readonly matching: GroupMatching;
  /** Real capacity: active agents, not draining, each backed by an instance of the group. Min and max count these. */
  readonly registered: readonly Agent[];
  /** Instances with no agent of the group, not being deleted, not in maintenance: booting, or ghosts. */
  readonly unregistered: readonly Instance[];
  /** Desired size the cloud lists no instance for yet (instances still being created). */
  readonly pendingSlots: number;
  /** Machines of the group in a maintenance window of ours (our drains), and in an operator's. */
  readonly ourDrains: readonly MachineId[];
  readonly operatorMaintenance: readonly MachineId[];
  /**
   * Size the group is heading for: registered agents plus instances on their way in; the
   * capacity agents when the cloud is unknown. Drained and deleting instances are not counted.
   */
  readonly current: number;
  /** Resources in use on every agent of the group, draining ones included. */
  readonly work: Resources;
  /** The first agent of the group's most common shape (a learned template's model). */
  readonly commonShape: Agent | undefined;
  /** The fault domain of the first agent of the group that has one. */
  readonly domain: FaultDomain | undefined;
  /** A bound on the free room of the capacity agents, per run of ROOM_BLOCK of them (packing skips runs that cannot hold a need). */
  readonly room: CapacityRoom;
}

/** Capacity agents per block of `room`. */
export const ROOM_BLOCK = 256;

/** The most free cpus and mem of any capacity agent of each block, in capacity order; unbounded for agents with reservations. */
export interface CapacityRoom {
  readonly cpus: Float64Array;
  readonly mem: Float64Array;
  /** Per capacity agent, in capacity order: free cpus at 2k, free mem at 2k+1 (the same bound, agent by agent). */
  readonly each: Float64Array;
}

/** Views are pure functions of (snapshot, group): built once per snapshot however often asked for. */
const views = new WeakMap<ClusterSnapshot, WeakMap<GroupConfig, GroupView>>();

export function viewGroup(snapshot: ClusterSnapshot, config: GroupConfig): GroupView {
  let bySnapshot = views.get(snapshot);
  if (!bySnapshot) {
    bySnapshot = new WeakMap();
    views.set(snapshot, bySnapshot);
  }
  let view = bySnapshot.get(config);
  if (!view) {
    view = buildView(snapshot, config);
    bySnapshot.set(config, view);
  }
  return view;
}

/**
 * Identity matching per group, carried from one snapshot to the next: unchanged agents and
 * instances (the usual cycle) reuse the last matching instead of matching again.
 */
const memos = new WeakMap<GroupConfig, MatchingMemo>();

function memoOf(config: GroupConfig): MatchingMemo {
  let memo = memos.get(config);
  if (!memo) {
    memo = new MatchingMemo();
    memos.set(config, memo);
  }
  return memo;
}

/** Per-agent columns per group, carried from one snapshot's agent list to the next (group-columns.ts). */
const columns = new WeakMap<GroupConfig, GroupColumns>();

function columnsOf(config: GroupConfig): GroupColumns {
  let c = columns.get(config);
  if (!c) {
    c = new GroupColumns(selectorMatcher(config.selector));
    columns.set(config, c);
  }
  return c;
}

function buildView(snapshot: ClusterSnapshot, config: GroupConfig): GroupView {
  const all = snapshot.agents;
  const cols = columnsOf(config).of(all);
  const { flags, total: T, used: U } = cols;
  // The lists are made at their size (a list grown by push to 50,000 leaves its smaller copies as garbage).
  let members = 0;
  let capable = 0;
  let drained = 0;
  for (let p = 0; p < cols.size; p++) {
    const f = flags[p] as number;
    if ((f & MEMBER) === 0) continue;
    members++;
    if ((f & CAPACITY) !== 0) capable++;
    if ((f & DRAINING) !== 0) drained++;
  }
  // One pass over the group's columns (thousands of agents, every cycle), each list in the snapshot's order.
  // A list equal to one already made is that list (lists are read-only): the usual single group of
  // active agents makes one list, not three of 50,000 per cycle for the collector.
  const everyAgent = members === cols.size;
  const agents = everyAgent ? all : new Array<Agent>(members);
  const everyMember = capable === members;
  const capacity = everyMember ? agents : new Array<Agent>(capable);
  const draining = new Array<Agent>(drained);
  // Capacity sums added in the same order as `sum` (model/resources.ts) would, without an object per agent.
  let tc = 0, tm = 0, td = 0, tg = 0, tp = 0;
  let uc = 0, um = 0, ud = 0, ug = 0, up = 0;
  // Work in use on every agent of the group, draining ones included (planner/headroom.ts).
  let wc = 0, wm = 0, wd = 0, wg = 0, wp = 0;
  const shapes = new ShapeCounter();
  const blocks = Math.ceil(capable / ROOM_BLOCK);
  const roomCpus = new Float64Array(blocks);
  const roomMem = new Float64Array(blocks);
  const roomEach = new Float64Array(capable * 2);
  let domainAt = -1;
  // Flags of the group's agents in their order (for the passes below, which then read no agent object).
  const memberFlags = new Uint8Array(members);
  let na = 0;
  let nc = 0;
  let nd = 0;
  for (let p = 0; p < cols.size; p++) {
    const f = flags[p] as number;
    if ((f & MEMBER) === 0) continue;
    const a = all[p] as Agent;
    memberFlags[na] = f;
    if (!everyAgent) (agents as Agent[])[na] = a;
    na++;
    const at = p * WIDTH;
    shapes.add(T, at, a);
    if (domainAt < 0 && (f & HAS_DOMAIN) !== 0) domainAt = p;
    wc += U[at] as number; wm += U[at + 1] as number; wd += U[at + 2] as number; wg += U[at + 3] as number; wp += U[at + 4] as number;
    if ((f & CAPACITY) !== 0) {
      const block = Math.floor(nc / ROOM_BLOCK);
      const reserved = (f & RESERVED) !== 0;
      const freeCpus = reserved ? Infinity : Math.max((T[at] as number) - (U[at] as number), 0);
      const freeMem = reserved ? Infinity : Math.max((T[at + 1] as number) - (U[at + 1] as number), 0);
      roomEach[2 * nc] = freeCpus;
      roomEach[2 * nc + 1] = freeMem;
      roomCpus[block] = Math.max(roomCpus[block] as number, freeCpus);
      roomMem[block] = Math.max(roomMem[block] as number, freeMem);
      if (!everyMember) (capacity as Agent[])[nc] = a;
      nc++;
      tc += T[at] as number; tm += T[at + 1] as number; td += T[at + 2] as number; tg += T[at + 3] as number; tp += T[at + 4] as number;
      uc += U[at] as number; um += U[at + 1] as number; ud += U[at + 2] as number; ug += U[at + 3] as number; up += U[at + 4] as number;
    }
    if ((f & DRAINING) !== 0) draining[nd++] = a;
  }
  const total: Resources = capacity.length === 0 ? ZERO : { cpus: tc, mem: tm, disk: td, gpus: tg, ports: tp };
  const used: Resources = capacity.length === 0 ? ZERO : { cpus: uc, mem: um, disk: ud, gpus: ug, ports: up };
  const utilization: Partial<Record<TrackedResource, number>> = {};
  for (const r of config.resources) {
    if (total[r] > 0) utilization[r] = used[r] / total[r];
  }
  const provider = snapshot.groups[config.name];
  const memo = memoOf(config);
  const index = memo.index(provider?.instances ?? []);
  const matching = memo.match(agents, index);
  let backed = 0;
  for (let n = 0; n < members; n++) if (((memberFlags[n] as number) & CAPACITY) !== 0 && matching.instanceAt(n) !== undefined) backed++;
  const registered = backed === capable ? capacity : new Array<Agent>(backed);
  if (registered !== capacity) {
    for (let n = 0, k = 0; n < members; n++) {
      if (((memberFlags[n] as number) & CAPACITY) !== 0 && matching.instanceAt(n) !== undefined) (registered as Agent[])[k++] = agents[n] as Agent;
    }
  }
  // Machines in maintenance, found by their instance (a DOWN agent has left the agent list).
  const ourDrains: MachineId[] = [];
  const operatorMaintenance: MachineId[] = [];
  const inMaintenance = new Set<string>();
  if (snapshot.maintenance) {
    const m = indexMaintenance(snapshot.maintenance);
    // The group's machines, made only when a machine in maintenance has no instance to be found by.
    let groupMachines: Set<string> | undefined;
    const ofGroup = (key: string): boolean => {
      groupMachines ??= new Set(agents.flatMap((a) => (a.ip === undefined ? [] : [machineKey({ hostname: a.hostname, ip: a.ip })])));
      return groupMachines.has(key);
    };
    for (const [list, into] of [[m.ours, ourDrains], [m.operators, operatorMaintenance]] as const) {
      for (const [key, machine] of list) {
        const found = index.lookup(machine);
        if ('instance' in found) inMaintenance.add(found.instance.id);
        if ('instance' in found || ofGroup(key)) into.push(machine);
      }
    }
  }
  // Drains of ours through DRAIN_AGENT: the mark is in the agent's drain_info.
  let drainKeys: Set<string> | undefined;
  for (let n = 0; n < agents.length; n++) {
    const a = agents[n] as Agent;
    if (((memberFlags[n] as number) & MARKED) === 0 || a.ip === undefined) continue;
    const machine = { hostname: a.hostname, ip: a.ip };
    drainKeys ??= new Set(ourDrains.map(machineKey));
    const key = machineKey(machine);
    if (drainKeys.has(key)) continue;
    drainKeys.add(key);
    ourDrains.push(machine);
  }
  // One pass over the listing for both figures.
  const unregistered: Instance[] = [];
  let listed = 0;
  const listing = index.instances;
  for (let k = 0; k < listing.length; k++) {
    const i = listing[k] as Instance;
    if (i.state === 'deleting') continue;
    listed++;
    if (matching.agentOfInstanceAt(k) === undefined && !inMaintenance.has(i.id)) unregistered.push(i);
  }
  const pendingSlots = provider ? Math.max(0, provider.desired - listed) : 0;
  const current = provider ? registered.length + unregistered.length + pendingSlots : capacity.length;
  return {
    config, agents, capacity, draining, total, used, utilization, provider, index, matching, registered, unregistered, pendingSlots, ourDrains, operatorMaintenance, current,
    work: agents.length === 0 ? ZERO : { cpus: wc, mem: wm, disk: wd, gpus: wg, ports: wp },
    commonShape: shapes.commonest(),
    domain: domainAt < 0 ? undefined : (all[domainAt] as Agent).domain,
    room: { cpus: roomCpus, mem: roomMem, each: roomEach },
  };
}

/** Tasks that still hold resources on the agent. */
export function runningTasks(agent: Agent): Agent['tasks'] {
  return agent.tasks.filter((t) => ACTIVE_TASK_STATES.has(t.state));
}

/** Highest utilization of the agent over the given resources, 0..1. */
export function agentLoad(agent: Agent, resources: readonly TrackedResource[]): number {
  let load = 0;
  for (const r of resources) {
    if (agent.total[r] > 0) load = Math.max(load, agent.used[r] / agent.total[r]);
  }
  return load;
}
