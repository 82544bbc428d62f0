import type { Instance, InstanceState, NodeGroupState } from '../../model/node-group.js';
import type { Resources } from '../../model/resources.js';
import type { SimCluster } from '../../sim/cluster/cluster.js';
import { seededRandom } from '../../sim/cluster/ids.js';
import type { Range } from '../../sim/cluster/ranges.js';
import type { AgentSpec, FaultDomainSpec, PersistentVolumeSpec } from '../../sim/cluster/types.js';
import type { TimerHandle } from '../../sim/cluster/virtual-clock.js';
import { ProviderError, type NodeGroupProvider, type NodeGroupRef } from '../provider.js';
import { FaultInjector, type ProviderFaults } from './faults.js';

/** What every instance of a group looks like to Mesos once it registers. */
export interface InstanceTemplate {
  readonly resources: Partial<Resources>;
  readonly ports?: readonly Range[];
  readonly attributes?: Readonly<Record<string, string | number>>;
  readonly reservations?: AgentSpec['reservations'];
  readonly volumes?: readonly PersistentVolumeSpec[];
  readonly domain?: FaultDomainSpec;
}

export interface SimNodeGroupSpec {
  readonly name: string;
  readonly template: InstanceTemplate;
  /** Limits the cloud itself enforces (an ASG's min/max). */
  readonly min?: number;
  readonly max?: number;
  /** Instances present (and registered) at start. */
  readonly initial?: number;
  /** Virtual time from creation until the agent registers with the master. */
  readonly provisioningDelayMs?: number;
  /** Virtual time a deleted instance stays listed as "deleting". */
  readonly deletionDelayMs?: number;
  readonly hostnamePrefix?: string;
  /** Price per instance hour, for cost reports. */
  readonly hourlyCost?: number;
}

export interface SimulatedProviderOptions {
  readonly cluster: SimCluster;
  readonly groups: readonly SimNodeGroupSpec[];
  readonly seed?: number;
  readonly faults?: ProviderFaults;
}

export interface SimInstance {
  readonly id: string;
  readonly group: string;
  readonly seq: number;
  readonly hostname: string;
  readonly privateIp: string;
  readonly createdAt: number;
  state: InstanceState;
  /** Set once the agent has registered. */
  agentId?: string;
  readonly neverJoins: boolean;
  timer?: TimerHandle;
}

interface GroupRuntime {
  readonly spec: SimNodeGroupSpec;
  readonly index: number;
  desired: number;
  nextSeq: number;
  readonly instances: Map<string, SimInstance>;
  /** Instances not being deleted. */
  live: number;
  /** Of those, instances that have no agent yet (booting, or never to join). */
  booting: number;
  /** `describe`'s list, kept until an instance is created, changes state or goes. */
  listed: readonly Instance[] | undefined;
  /** The last list made and the instances it was made from (same order), to keep unchanged objects. */
  lastListed: readonly Instance[];
  lastSims: readonly SimInstance[];
}

/**
 * A cloud made of timers: node groups whose instances register as agents of the
 * simulated master after a provisioning delay. Scale-in picks the newest instances,
 * as clouds do by default; `deleteInstances` removes exactly the ones named.
 */
export class SimulatedProvider implements NodeGroupProvider {
  readonly kind = 'simulated';
  readonly faults: FaultInjector;
  readonly #cluster: SimCluster;
  readonly #groups = new Map<string, GroupRuntime>();
  #calls = 0;

  constructor(options: SimulatedProviderOptions) {
    this.#cluster = options.cluster;
    this.faults = new FaultInjector(options.faults ?? {}, seededRandom(options.seed ?? 7));
    for (const g of options.groups) this.addGroup(g);
  }

  /** Adds a group; its `initial` instances register at once. */
  addGroup(spec: SimNodeGroupSpec): void {
    if (this.#groups.has(spec.name)) throw new Error(`node group ${spec.name} already exists`);
    const rt: GroupRuntime = { spec, index: this.#groups.size, desired: 0, nextSeq: 0, instances: new Map(), live: 0, booting: 0, listed: undefined, lastListed: [], lastSims: [] };
    this.#groups.set(spec.name, rt);
    const initial = spec.initial ?? 0;
    for (let i = 0; i < initial; i++) this.#createInstance(rt, 0, false);
    rt.desired = initial;
  }

  /** Number of API calls made (for tests and the simulator's report). */
  get calls(): number {
    return this.#calls;
  }

  groupSpecs(): SimNodeGroupSpec[] {
    return [...this.#groups.values()].map((g) => g.spec);
  }

  /** Instances of a group without going through the API (no faults, no call counted). */
  instances(groupName: string): SimInstance[] {
    return [...(this.#groups.get(groupName)?.instances.values() ?? [])];
  }

  /** Instances of a group not being deleted (the nodes being paid for), without listing them. */
  liveCount(groupName: string): number {
    return this.#groups.get(groupName)?.live ?? 0;
  }

  /** Instances of a group paid for whose agent has not registered (booting, or never to join). */
  bootingCount(groupName: string): number {
    return this.#groups.get(groupName)?.booting ?? 0;
  }

  /** Group and instance that run an agent, by agent hostname. */
  instanceByHostname(hostname: string): SimInstance | undefined {
    for (const g of this.#groups.values()) for (const i of g.instances.values()) if (i.hostname === hostname) return i;
    return undefined;
  }

  async describe(group: NodeGroupRef): Promise<NodeGroupState> {
    const rt = this.#enter(group);
    return {
      ...(rt.spec.min !== undefined ? { min: rt.spec.min } : {}),
      ...(rt.spec.max !== undefined ? { max: rt.spec.max } : {}),
      desired: rt.desired,
      instances: this.#listed(rt),
    };
  }

  async setDesiredSize(group: NodeGroupRef, size: number): Promise<void> {
    const rt = this.#enter(group);
    if (!Number.isInteger(size) || size < 0) throw new ProviderError(`invalid size ${size}`, 'invalid', false);
    if (rt.spec.max !== undefined && size > rt.spec.max) {
      throw new ProviderError(`size ${size} is above the group's maximum ${rt.spec.max}`, 'invalid', false);
    }
    if (rt.spec.min !== undefined && size < rt.spec.min) {
      throw new ProviderError(`size ${size} is below the group's minimum ${rt.spec.min}`, 'invalid', false);
    }
    rt.desired = size;
    const live = [...rt.instances.values()].filter((i) => i.state !== 'deleting');
    if (size > live.length) {
      const delay = rt.spec.provisioningDelayMs ?? 0;
      for (let i = live.length; i < size; i++) this.#createInstance(rt, delay, this.faults.neverJoins());
    } else if (size < live.length) {
      const newestFirst = live.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
      for (const inst of newestFirst.slice(0, live.length - size)) this.#deleteInstance(rt, inst);
    }
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[]): Promise<void> {
    const rt = this.#enter(group);
    const targets: SimInstance[] = [];
    for (const id of ids) {
      const inst = rt.instances.get(id);
      if (!inst) throw new ProviderError(`instance ${id} is not in node group ${rt.spec.name}`, 'not-found', false);
      targets.push(inst);
    }
    for (const inst of targets) {
      if (inst.state === 'deleting') continue;
      this.#deleteInstance(rt, inst);
      rt.desired = Math.max(0, rt.desired - 1);
    }
  }

  #listed(rt: GroupRuntime): readonly Instance[] {
    if (rt.listed !== undefined) return rt.listed;
    // Instances list in creation order (seq ascending), as the last listing did less those gone:
    // one walk along both keeps the object of every instance whose state held.
    const last = rt.lastListed;
    const lastSims = rt.lastSims;
    const out: Instance[] = [];
    const sims: SimInstance[] = [];
    let j = 0;
    for (const inst of rt.instances.values()) {
      while (j < lastSims.length && (lastSims[j] as SimInstance).seq < inst.seq) j++;
      const kept = lastSims[j] === inst ? last[j] : undefined;
      out.push(kept !== undefined && kept.state === inst.state ? kept : toInstance(inst));
      sims.push(inst);
    }
    rt.listed = out;
    rt.lastListed = out;
    rt.lastSims = sims;
    return out;
  }

  #enter(group: NodeGroupRef): GroupRuntime {
    this.#calls++;
    const fault = this.faults.onCall(this.#cluster.clock.now());
    if (fault) throw fault;
    const name = group.target['group'] ?? group.name;
    const rt = this.#groups.get(name);
    if (!rt) throw new ProviderError(`node group ${name} does not exist`, 'not-found', false);
    return rt;
  }

  #createInstance(rt: GroupRuntime, delayMs: number, neverJoins: boolean): SimInstance {
    const seq = rt.nextSeq++;
    const prefix = rt.spec.hostnamePrefix ?? rt.spec.name;
    // Addresses are labels only: nothing ever connects to them.
    const ip = `10.${(rt.index + 1) % 256}.${(seq >> 8) & 255}.${(seq & 255) + 0}`;
    const inst: SimInstance = {
      id: `${rt.spec.name}-${String(seq).padStart(6, '0')}`,
      group: rt.spec.name,
      seq,
      hostname: `${prefix}-${String(seq).padStart(6, '0')}`,
      privateIp: ip,
      createdAt: this.#cluster.clock.now(),
      state: 'creating',
      neverJoins,
    };
    rt.instances.set(inst.id, inst);
    rt.live++;
    rt.booting++;
    rt.listed = undefined;
    const join = () => {
      delete inst.timer;
      if (inst.state !== 'creating') return;
      inst.state = 'running';
      rt.listed = undefined;
      if (inst.neverJoins) return;
      rt.booting--;
      inst.agentId = this.#cluster.addAgent(this.#agentSpec(rt, inst)).id;
    };
    if (delayMs <= 0) join();
    else inst.timer = this.#cluster.clock.setTimer(delayMs, join);
    return inst;
  }

  #agentSpec(rt: GroupRuntime, inst: SimInstance): AgentSpec {
    const t = rt.spec.template;
    return {
      hostname: inst.hostname,
      ip: inst.privateIp,
      resources: t.resources,
      group: rt.spec.name,
      instanceId: inst.id,
      ...(t.ports ? { ports: t.ports } : {}),
      ...(t.attributes ? { attributes: t.attributes } : {}),
      ...(t.reservations ? { reservations: t.reservations } : {}),
      ...(t.volumes ? { volumes: t.volumes } : {}),
      ...(t.domain ? { domain: t.domain } : {}),
    };
  }

  #deleteInstance(rt: GroupRuntime, inst: SimInstance): void {
    this.#cluster.clock.clearTimer(inst.timer);
    if (inst.state !== 'deleting') {
      rt.live--;
      if (inst.agentId === undefined) rt.booting--;
    }
    inst.state = 'deleting';
    rt.listed = undefined;
    if (inst.agentId) this.#cluster.removeAgent(inst.agentId, 'TASK_LOST');
    this.#cluster.forgetDownMachine(inst.hostname);
    const gone = (): void => {
      rt.instances.delete(inst.id);
      rt.listed = undefined;
    };
    const delay = rt.spec.deletionDelayMs ?? 0;
    if (delay <= 0) gone();
    else inst.timer = this.#cluster.clock.setTimer(delay, gone);
  }
}

function toInstance(i: SimInstance): Instance {
  return { id: i.id, hostname: i.hostname, privateIp: i.privateIp, state: i.state, createdAt: i.createdAt };
}
