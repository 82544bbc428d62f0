import { machineKey } from '../../model/machine.js';
import { resources, type Resources } from '../../model/resources.js';
import { err, ok, type Result } from '../../util/result.js';
import { ConstraintState, offerRefusal, placementOf } from './constraints.js';
import { fieldsPlacingChanges, SameValue } from './same-value.js';
import { EventBus } from './events.js';
import { FreeBounds } from './free-bounds.js';
import { RotatedOffers, rotated, type PassOffers } from './pass-offers.js';
import { ASK, ASK_CODE, OfferIndex, reasonCode } from './offer-index.js';
import { addFunnel, emptyFunnel, LAST_UNUSED_KEPT, newQueueState, noteUnused, settle } from './funnel.js';
import { agentIdFor, frameworkIdFor, isoTime, seededRandom, taskIdPrefix, uuidLike } from './ids.js';
import { MaintenanceBook } from './maintenance.js';
import { DRAINING_SINCE, versionAtLeast } from './mesos-version.js';
import { allocate, createPools, release } from './pools.js';
import { listPorts } from './ranges.js';
import {
  REJECT_REASONS,
  type AgentSpec,
  type AppSpec,
  type LaunchQueueState,
  type MachineId,
  type MachineMode,
  type OfferFunnel,
  type RejectReason,
  type SimAgent,
  type SimApp,
  type SimFramework,
  type SimTask,
  type TaskState,
  type WindowInput,
} from './types.js';
import { VirtualClock } from './virtual-clock.js';

export interface FrameworkSpec {
  readonly name: string;
  readonly role?: string;
  readonly principal?: string;
}

export interface ClusterOptions {
  readonly clock?: VirtualClock;
  /** Seeds ids; the same seed gives the same cluster id, task ids and so on. */
  readonly seed?: number;
  /** Mesos master id, `<uuid>`; agents are `<id>-S<n>`. Derived from the seed when absent. */
  readonly clusterId?: string;
  /**
   * How many previously failed apps, oldest first, a pass tries on freed capacity. Bounds
   * a pass over a long queue; younger apps wait for a later pass (head-of-line window).
   */
  readonly backfillWindow?: number;
  /** Virtual time between a change and the scheduling pass that reacts to it (Mesos allocation interval). */
  readonly allocationIntervalMs?: number;
  /** TASK_STAGING to TASK_RUNNING, unless the app says otherwise. */
  readonly defaultStartupMs?: number;
  readonly mesosVersion?: string;
  /** Frameworks registered at start; "marathon" is always there. */
  readonly frameworks?: readonly FrameworkSpec[];
  /** Terminal tasks kept for GET_TASKS completed_tasks. */
  readonly completedTaskHistory?: number;
  /**
   * False: every scan asks again about every agent, as Marathon does (a constrained app's every
   * instance, every failed app of a size already asked while nothing changed), instead of keeping
   * the answers that cannot have changed (the same results; the tests' reference). Default true.
   */
  readonly keepScans?: boolean;
  /**
   * The order a pass offers agents in. `rotating` (the default): from a random agent on, each
   * pass anew, as Mesos' allocator shuffles agents before every allocation (pass-offers.ts).
   * `registration`: always from the oldest agent, for tests that follow first fit by hand.
   */
  readonly offerOrder?: 'rotating' | 'registration';
}

export interface DrainOptions {
  /** `max_grace_period` in nanoseconds, kept exactly for `drain_info.config`. */
  readonly maxGracePeriodNs?: bigint;
  readonly markGone?: boolean;
}

/**
 * Kill grace period when DRAIN_AGENT gives no `max_grace_period`: the task's KillPolicy, else the
 * executor's default of 3 seconds (mesos.proto `KillPolicy.grace_period`, docs/app-framework-development-guide.md).
 */
const DEFAULT_KILL_GRACE_MS = 3000;

/** The machine the master files an agent under: its hostname and the IP of its pid (master.cpp `registerSlave`). */
export function agentMachine(agent: Pick<SimAgent, 'hostname' | 'ip'>): MachineId {
  return { hostname: agent.hostname, ip: agent.ip };
}

/**
 * The in-process cluster: agents, frameworks, Marathon-like apps, their tasks, the
 * launch queue and maintenance. Everything runs on the virtual clock; placement is
 * first-fit over agents in the order a pass offers them (from a random agent on; pass-offers.ts), O(agents) per instance.
 */
export class SimCluster {
  readonly clock: VirtualClock;
  readonly events = new EventBus();
  readonly id: string;
  readonly startedAt: number;
  readonly mesosVersion: string;
  readonly maintenance = new MaintenanceBook();

  readonly #rand: () => number;
  /** Where each pass starts offering (a stream of its own: ids stay as the seed made them). */
  readonly #offerRand: (() => number) | undefined;
  readonly #agents = new Map<string, SimAgent>();
  readonly #byHostname = new Map<string, SimAgent>();
  readonly #machineKeys = new WeakMap<SimAgent, string>();
  /** The agents that get offers, kept across passes with their free resources. */
  readonly #offers = new OfferIndex(
    () => this.#agents.values(),
    (a) => this.#offerable(a),
    (a) => this.machineMode(a) !== undefined,
  );
  readonly #apps = new Map<string, SimApp>();
  readonly #tasks = new Map<string, SimTask>();
  readonly #waiting = new Set<SimApp>();
  readonly #frameworks: SimFramework[] = [];
  readonly #completed: SimTask[] = [];
  readonly #completedLimit: number;
  /** Agents shut down by machine/down, by machine key: they register again after machine/up if their VM still exists. */
  readonly #downAgents = new Map<string, AgentSpec[]>();
  readonly #allocationIntervalMs: number;
  readonly #defaultStartupMs: number;
  #agentSeq = 0;
  /** Agents that registered or left, in order: entry i moved `membershipVersion` from i to i + 1. */
  readonly #membershipLog: SimAgent[] = [];
  #passTimer: ReturnType<VirtualClock['setTimer']> | undefined;
  /** Agents whose free capacity grew since the last pass: the only places a previously failed app may now fit. */
  readonly #grown = new Set<SimAgent>();
  /** Apps whose own tasks or placement rules changed: evaluated against every agent at the next pass. */
  readonly #fresh = new Set<SimApp>();
  #passSeq = 0;
  readonly #backfillWindow: number;
  readonly #keepScans: boolean;
  /** Lower bound of the cpus and mem that any failed app needs (lets a pass stop early). */
  #failedMin = { cpus: Number.POSITIVE_INFINITY, mem: Number.POSITIVE_INFINITY };
  /** `#countScans`' buffers: each agent's refusal code, then where each decline sits. */
  #codes = new Uint8Array(0);
  #declinedAt = new Int32Array(0);
  /** `#countScans`' answers for apps that took nothing, by size, valid while the offer index's version and the pass's offers stand. */
  #failedScans: { version: number; offers: PassOffers | undefined; byKey: Map<string, { tally: Int32Array; notes: readonly { k: number; code: number }[] }> } = {
    version: -1,
    offers: undefined,
    byKey: new Map(),
  };
  /** `#placeConstrainedKept`'s refusal code per agent position. */
  #scanCodes = new Uint8Array(0);

  constructor(options: ClusterOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.#rand = seededRandom(options.seed ?? 1);
    this.id = options.clusterId ?? uuidLike(this.#rand);
    this.startedAt = this.clock.now();
    this.mesosVersion = options.mesosVersion ?? '1.9.0';
    this.#allocationIntervalMs = options.allocationIntervalMs ?? 1000;
    this.#defaultStartupMs = options.defaultStartupMs ?? 2000;
    this.#completedLimit = options.completedTaskHistory ?? 200;
    this.#backfillWindow = options.backfillWindow ?? 1000;
    this.#keepScans = options.keepScans ?? true;
    this.#offerRand = (options.offerOrder ?? 'rotating') === 'rotating' ? seededRandom(((options.seed ?? 1) ^ 0x5bd1e995) >>> 0) : undefined;
    const specs = options.frameworks ?? [];
    const names = new Set(specs.map((f) => f.name));
    const all: FrameworkSpec[] = names.has('marathon') ? [...specs] : [{ name: 'marathon', role: '*' }, ...specs];
    for (const f of all) this.registerFramework(f);
  }

  // ---- frameworks -------------------------------------------------------

  registerFramework(spec: FrameworkSpec): SimFramework {
    const fw: SimFramework = {
      id: frameworkIdFor(this.id, this.#frameworks.length),
      name: spec.name,
      role: spec.role ?? '*',
      ...(spec.principal ? { principal: spec.principal } : {}),
      hostname: 'master.sim',
      webuiUrl: `http://master.sim:${spec.name === 'metronome' ? 9000 : 8080}`,
      registeredAt: this.clock.now(),
    };
    this.#frameworks.push(fw);
    return fw;
  }

  frameworks(): readonly SimFramework[] {
    return this.#frameworks;
  }

  framework(name: string): SimFramework | undefined {
    return this.#frameworks.find((f) => f.name === name);
  }

  // ---- agents -----------------------------------------------------------

  /**
   * An agent registers with the master. On a DOWN machine it is refused, as a real master refuses
   * it: the returned agent is then not registered (`active` false, absent from `agents()`).
   */
  addAgent(spec: AgentSpec): SimAgent {
    const seq = this.#agentSeq++;
    const agent: SimAgent = {
      id: agentIdFor(this.id, seq),
      seq,
      spec,
      hostname: spec.hostname,
      ip: spec.ip ?? spec.hostname,
      port: 5051,
      attributes: spec.attributes ?? {},
      pools: createPools(spec),
      volumes: spec.volumes ?? [],
      tasks: new Map(),
      active: true,
      deactivated: false,
      drain: undefined,
      registeredAt: this.clock.now(),
      version: spec.version ?? this.mesosVersion,
      ...(spec.domain ? { domain: spec.domain } : {}),
    };
    const machine = agentMachine(agent);
    if (this.maintenance.modeOf(machine) === 'DOWN') {
      // master.cpp `registerSlave`: "Refusing registration of agent ... because the machine ... is `DOWN`".
      // The agent is told to shut down and registers (under a new id) after machine/up.
      const key = machineKey(machine);
      this.#downAgents.set(key, [...(this.#downAgents.get(key) ?? []), spec]);
      agent.active = false;
      return agent;
    }
    this.#agents.set(agent.id, agent);
    this.#membershipLog.push(agent);
    this.#offers.membershipChanged(agent);
    this.#byHostname.set(agent.hostname, agent);
    this.maintenance.noteMachine(machine);
    this.#grown.add(agent);
    if (this.events.hasListeners) this.events.emit({ type: 'agent_added', agent });
    this.#requestPass();
    return agent;
  }

  /** The agent leaves the master: its tasks are lost and services go back to the queue. */
  removeAgent(id: string, taskState: TaskState = 'TASK_LOST'): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    for (const task of [...agent.tasks.values()]) this.#endTask(task, taskState);
    agent.active = false;
    this.#agents.delete(id);
    this.#membershipLog.push(agent);
    this.#offers.membershipChanged(agent);
    if (this.#byHostname.get(agent.hostname) === agent) this.#byHostname.delete(agent.hostname);
    if (this.events.hasListeners) this.events.emit({ type: 'agent_removed', agent });
    this.#requestPass();
    return true;
  }

  getAgent(id: string): SimAgent | undefined {
    return this.#agents.get(id);
  }

  agentByHostname(hostname: string): SimAgent | undefined {
    return this.#byHostname.get(hostname);
  }

  agents(): IterableIterator<SimAgent> {
    return this.#agents.values();
  }

  /**
   * A number that moves whenever an agent registers or leaves: while it stands, `agents()` lists
   * the same agents in the same order, so a reader may keep what it made of the last listing.
   */
  get membershipVersion(): number {
    return this.#membershipLog.length;
  }

  /** The agents that registered or left since membership version `version`, oldest first. */
  membershipSince(version: number): readonly SimAgent[] {
    return this.#membershipLog.slice(version);
  }

  get agentCount(): number {
    return this.#agents.size;
  }

  /** Maintenance mode of the machine an agent runs on. */
  machineMode(agent: SimAgent): MachineMode | undefined {
    return this.maintenance.any ? this.maintenance.modeOfKey(this.#machineKeyOf(agent)) : undefined;
  }

  /** The agent's `machineKey`, made once (a hostname and IP never change for an agent). */
  #machineKeyOf(agent: SimAgent): string {
    let key = this.#machineKeys.get(agent);
    if (key === undefined) {
      key = machineKey(agentMachine(agent));
      this.#machineKeys.set(agent, key);
    }
    return key;
  }

  /** Agents that count as draining: DRAIN_AGENT or a DRAINING maintenance window. */
  isDraining(agent: SimAgent): boolean {
    return agent.drain !== undefined || agent.deactivated || this.machineMode(agent) !== undefined;
  }

  // ---- apps -------------------------------------------------------------

  createApp(spec: AppSpec): Result<SimApp, Error> {
    const id = normalizeAppId(spec.id);
    if (this.#apps.has(id)) return err(new Error(`An app with id [${id}] already exists.`));
    if (!(spec.instances >= 0) || !(spec.cpus >= 0) || !(spec.mem >= 0)) return err(new Error('instances, cpus and mem must be non-negative'));
    const frameworkName = spec.framework ?? 'marathon';
    const fw = this.framework(frameworkName) ?? this.registerFramework({ name: frameworkName });
    const app: SimApp = {
      spec: { ...spec, id },
      need: resources({ cpus: spec.cpus, mem: spec.mem, disk: spec.disk ?? 0, gpus: spec.gpus ?? 0, ports: Math.max(spec.ports ?? 0, spec.fixedPorts?.length ?? 0) }),
      role: spec.role ?? '*',
      frameworkId: fw.id,
      version: isoTime(this.clock.now()),
      createdAt: this.clock.now(),
      tasks: new Set(),
      completed: 0,
      // Present from the start and never deleted: apps keep one hidden class.
      queue: undefined,
      taskName: id.split('/').filter(Boolean).join('.') || id,
      taskIdPrefix: taskIdPrefix(id),
    };
    this.#apps.set(id, app);
    if (this.events.hasListeners) this.events.emit({ type: 'app_changed', app, change: 'created' });
    this.#refreshQueue(app);
    return ok(app);
  }

  /** Changes the instance count; extra instances are killed youngest first (Marathon's default). */
  scaleApp(appId: string, instances: number): Result<SimApp, Error> {
    const app = this.#apps.get(normalizeAppId(appId));
    if (!app) return err(new Error(`App '${normalizeAppId(appId)}' does not exist`));
    if (!(instances >= 0)) return err(new Error('instances must be non-negative'));
    app.spec = { ...app.spec, instances };
    app.version = isoTime(this.clock.now());
    const excess = app.tasks.size + (app.spec.kind === 'batch' ? app.completed : 0) - instances;
    if (excess > 0) {
      const youngest = [...app.tasks]
        .map((t) => this.#tasks.get(t))
        .filter((t): t is SimTask => t !== undefined)
        .sort((a, b) => b.stagedAt - a.stagedAt || (b.id < a.id ? -1 : 1))
        .slice(0, excess);
      for (const t of youngest) this.#endTask(t, 'TASK_KILLED');
    }
    if (this.events.hasListeners) this.events.emit({ type: 'app_changed', app, change: 'scaled' });
    this.#refreshQueue(app);
    return ok(app);
  }

  deleteApp(appId: string): Result<void, Error> {
    const id = normalizeAppId(appId);
    const app = this.#apps.get(id);
    if (!app) return err(new Error(`App '${id}' does not exist`));
    app.spec = { ...app.spec, instances: 0 };
    for (const t of [...app.tasks]) {
      const task = this.#tasks.get(t);
      if (task) this.#endTask(task, 'TASK_KILLED');
    }
    this.#apps.delete(id);
    this.#dropQueue(app);
    if (this.events.hasListeners) this.events.emit({ type: 'app_changed', app, change: 'deleted' });
    return ok(undefined);
  }

  getApp(appId: string): SimApp | undefined {
    return this.#apps.get(normalizeAppId(appId));
  }

  apps(): IterableIterator<SimApp> {
    return this.#apps.values();
  }

  /** Instances of the app not yet placed. */
  waitingCount(app: SimApp): number {
    const done = app.spec.kind === 'batch' ? app.completed : 0;
    return Math.max(0, app.spec.instances - app.tasks.size - done);
  }

  /** Apps with instances waiting, in the order they started waiting. */
  queue(): SimApp[] {
    return [...this.#waiting];
  }

  /** `queue()` without the copy, for a reader that only walks it. */
  waitingApps(): IterableIterator<SimApp> {
    return this.#waiting.values();
  }

  /** Offers processed for the app since it started waiting (Marathon's rejectSummaryLaunchAttempt). */
  attemptFunnel(app: SimApp): OfferFunnel | undefined {
    if (!app.queue) return undefined;
    settle(app.queue, this.#passSeq);
    return app.queue.attempt;
  }

  /** Resources one instance of the app needs. */
  appResources(app: SimApp): Resources {
    return app.need;
  }

  // ---- tasks ------------------------------------------------------------

  getTask(id: string): SimTask | undefined {
    return this.#tasks.get(id);
  }

  tasks(): IterableIterator<SimTask> {
    return this.#tasks.values();
  }

  get taskCount(): number {
    return this.#tasks.size;
  }

  /** Recent terminal tasks, oldest first. */
  completedTasks(): readonly SimTask[] {
    return this.#completed;
  }

  /** Kills one task; a service instance is relaunched by the scheduler like Marathon does. */
  killTask(taskId: string, state: TaskState = 'TASK_KILLED'): boolean {
    const task = this.#tasks.get(taskId);
    if (!task) return false;
    this.#endTask(task, state);
    return true;
  }

  // ---- drain and maintenance -------------------------------------------

  /**
   * DRAIN_AGENT as src/master/http.cpp `drainAgent`/`_drainAgent` carries it out: refused for an
   * agent under a maintenance schedule or without the AGENT_DRAINING capability (before 1.9) and
   * for an unknown agent; otherwise the agent is deactivated, `drain_info` is
   * `{state: DRAINING, config: {max_grace_period, mark_gone}}`, its tasks are killed after the
   * grace period (TASK_GONE_BY_OPERATOR when marking gone, master.proto `DrainAgent.mark_gone`)
   * and it is DRAINED once none is left (master.cpp `checkAndTransitionDrainingAgent`).
   */
  drainAgent(agentId: string, options: DrainOptions = {}): Result<void, Error> {
    const agent = this.#agents.get(agentId);
    if (agent) {
      const machine = agentMachine(agent);
      if (this.maintenance.windowOf(machine) !== undefined) {
        // stringify(MachineID) is src/common/type_utils.cpp `operator<<`: "hostname (ip)".
        return err(new Error(`Agent ${agentId} is part of a maintenance schedule under Machine ${agent.hostname} (${agent.ip})`));
      }
      if (!versionAtLeast(agent.version, DRAINING_SINCE)) return err(new Error(`Agent ${agentId} is not capable of draining`));
    }
    if (!agent) return err(new Error('Unknown agent'));
    agent.deactivated = true;
    this.#offers.membershipChanged(agent);
    agent.drain = {
      state: 'DRAINING',
      markGone: options.markGone ?? false,
      startedAt: this.clock.now(),
      ...(options.maxGracePeriodNs !== undefined ? { maxGracePeriodNs: options.maxGracePeriodNs } : {}),
    };
    const graceMs = options.maxGracePeriodNs !== undefined ? Math.max(0, Number(options.maxGracePeriodNs) / 1e6) : DEFAULT_KILL_GRACE_MS;
    const ended: TaskState = agent.drain.markGone ? 'TASK_GONE_BY_OPERATOR' : 'TASK_KILLED';
    for (const task of agent.tasks.values()) {
      if (task.state !== 'TASK_KILLING') this.#setState(task, 'TASK_KILLING');
      this.clock.clearTimer(task.timer);
      task.timer = this.clock.setTimer(graceMs, () => this.#endTask(task, ended));
    }
    if (this.events.hasListeners) this.events.emit({ type: 'agent_updated', agent });
    this.#checkDrained(agent);
    return ok(undefined);
  }

  /**
   * REACTIVATE_AGENT as src/master/http.cpp `_reactivateAgent` checks it: only a deactivated agent
   * ("Agent is not deactivated", also for an unknown id) that is not still DRAINING.
   */
  reactivateAgent(agentId: string): Result<void, Error> {
    const agent = this.#agents.get(agentId);
    if (!agent || !agent.deactivated) return err(new Error('Agent is not deactivated'));
    if (agent.drain?.state === 'DRAINING') return err(new Error('Agent is still in the DRAINING state'));
    agent.deactivated = false;
    agent.drain = undefined;
    this.#offers.membershipChanged(agent);
    this.#grown.add(agent);
    if (this.events.hasListeners) this.events.emit({ type: 'agent_updated', agent });
    this.#requestPass();
    return ok(undefined);
  }

  /** UPDATE_MAINTENANCE_SCHEDULE / POST /master/maintenance/schedule (rules in maintenance.ts). */
  updateMaintenanceSchedule(windows: readonly WindowInput[]): Result<void, Error> {
    const r = this.maintenance.updateSchedule(windows);
    if (r.ok) this.#maintenanceChanged();
    return r;
  }

  /**
   * machine/down (START_MAINTENANCE), as src/master/http.cpp `_startMaintenance`: the machines go
   * DOWN and exactly the agents registered on them (same MachineID) are shut down and removed,
   * their tasks TASK_LOST (master.cpp `__removeSlave`, REASON_SLAVE_REMOVED).
   */
  startMaintenance(machines: readonly MachineId[]): Result<void, Error> {
    const r = this.maintenance.down(machines);
    if (!r.ok) return r;
    const keys = new Set(machines.map(machineKey));
    for (const agent of [...this.#agents.values()]) {
      const key = machineKey(agentMachine(agent));
      if (!keys.has(key)) continue;
      this.#downAgents.set(key, [...(this.#downAgents.get(key) ?? []), agent.spec]);
      this.removeAgent(agent.id, 'TASK_LOST');
    }
    this.#maintenanceChanged();
    return ok(undefined);
  }

  /**
   * machine/up (STOP_MAINTENANCE): the machines leave the schedule (http.cpp `_stopMaintenance`).
   * An agent shut down by machine/down registers again under a new id (its process restarts;
   * master.cpp `registerSlave` refuses it only while the machine is DOWN), unless its VM was
   * deleted meanwhile (`forgetDownMachine`).
   */
  stopMaintenance(machines: readonly MachineId[]): Result<void, Error> {
    const r = this.maintenance.up(machines);
    if (!r.ok) return r;
    for (const key of new Set(machines.map(machineKey))) {
      const specs = this.#downAgents.get(key) ?? [];
      this.#downAgents.delete(key);
      for (const spec of specs) this.addAgent(spec);
    }
    this.#maintenanceChanged();
    return ok(undefined);
  }

  /** Drops a machine's remembered agents for good (its instance was deleted while down). */
  forgetDownMachine(hostname: string): void {
    for (const [key, specs] of [...this.#downAgents]) {
      const left = specs.filter((spec) => spec.hostname !== hostname);
      if (left.length === 0) this.#downAgents.delete(key);
      else this.#downAgents.set(key, left);
    }
  }

  #maintenanceChanged(): void {
    this.#offers.maintenanceChanged();
    for (const a of this.#agents.values()) this.#grown.add(a);
    this.#requestPass();
  }

  // ---- scheduling -------------------------------------------------------

  /** Runs a scheduling pass now (normally one runs an allocation interval after each change). */
  schedule(): void {
    this.clock.clearTimer(this.#passTimer);
    this.#passTimer = undefined;
    this.#pass();
  }

  #requestPass(): void {
    if (this.#passTimer || this.#waiting.size === 0) return;
    this.#passTimer = this.clock.setTimer(this.#allocationIntervalMs, () => {
      this.#passTimer = undefined;
      this.#pass();
    });
  }

  #pass(): void {
    const grown = [...this.#grown];
    const fresh = [...this.#fresh];
    this.#grown.clear();
    this.#fresh.clear();
    if (this.#waiting.size === 0) return;
    const pass = ++this.#passSeq;
    const now = this.clock.now();
    const offerAgents = this.#offers.agents();
    const offers = new RotatedOffers(this.#offers, offerAgents, this.#startOf(offerAgents.length));
    const grownSorted = grown.filter((a) => this.#offerable(a)).sort((a, b) => a.seq - b.seq);
    const grownOffer = rotated(grownSorted, this.#startOf(grownSorted.length));
    const grownBounds = new FreeBounds(grownOffer);
    const freshSet = new Set(fresh);

    // Apps that failed before can only fit where capacity grew. Oldest first, and stop once the
    // grown capacity cannot hold even the smallest failed app.
    if (grownOffer.length > 0) {
      let room = maxFree(grownOffer);
      let scannedAll = true;
      let minCpus = Number.POSITIVE_INFINITY;
      let minMem = Number.POSITIVE_INFINITY;
      let budget = this.#backfillWindow;
      // Iterates the live set: placing may only remove the current app from it.
      for (const app of this.#waiting) {
        const q = app.queue;
        if (!q || !q.failed || freshSet.has(app)) continue;
        if (room.cpus + EPS < this.#failedMin.cpus || room.mem + EPS < this.#failedMin.mem || budget-- <= 0) {
          scannedAll = false;
          break;
        }
        const need = app.need;
        if (need.cpus <= room.cpus + EPS && need.mem <= room.mem + EPS && need.disk <= room.disk + EPS && need.gpus <= room.gpus + EPS) {
          const before = app.tasks.size;
          this.#placeApp(app, grownBounds, now, false, pass);
          if (app.tasks.size !== before) room = maxFree(grownOffer);
        }
        if (app.queue?.failed) {
          minCpus = Math.min(minCpus, need.cpus);
          minMem = Math.min(minMem, need.mem);
        }
      }
      if (scannedAll) this.#failedMin = { cpus: minCpus, mem: minMem };
    }

    for (const app of fresh) {
      if (app.queue && this.#waiting.has(app)) this.#placeApp(app, offers, now, true, pass);
    }
  }

  /** The position a pass of n agents starts offering from. */
  #startOf(n: number): number {
    return this.#offerRand === undefined || n <= 1 ? 0 : Math.floor(this.#offerRand() * n);
  }

  /**
   * Places waiting instances first-fit over `agents`. A partial evaluation (only agents that
   * grew) counts its launches but keeps the previous declines as the pass's funnel.
   */
  #placeApp(app: SimApp, offers: PassOffers, now: number, full: boolean, pass: number): void {
    const q = app.queue;
    if (!q) return;
    settle(q, pass - 1);
    const need = this.appResources(app);
    const constraints = app.spec.constraints ?? [];
    const cs =
      constraints.length > 0
        ? new ConstraintState(
            constraints,
            [...app.tasks].map((t) => this.#tasks.get(t)).filter((t): t is SimTask => t !== undefined),
            (t) => this.#agents.get(t.agentId),
          )
        : undefined;
    const funnel = full ? emptyFunnel() : { ...q.lastPass, declined: { ...q.lastPass.declined } };
    const waiting = this.waitingCount(app);
    const failed = cs ? this.#placeConstrained(app, q, offers.all(), cs, funnel, waiting, now, full) : this.#placeFree(app, q, offers, funnel, waiting, now, full);
    addFunnel(q.attempt, funnel);
    q.lastPass = funnel;
    q.settledAt = pass;
    q.failed = failed;
    if (failed) {
      this.#failedMin = { cpus: Math.min(this.#failedMin.cpus, need.cpus), mem: Math.min(this.#failedMin.mem, need.mem) };
    }
    this.#refreshQueue(app);
  }

  /**
   * First fit of an app with placement constraints: every instance scans the agents from the
   * first, since each placement changes what the constraints accept everywhere.
   */
  #placeConstrained(app: SimApp, q: LaunchQueueState, agents: readonly SimAgent[], cs: ConstraintState, funnel: OfferFunnel, waiting: number, now: number, full: boolean): boolean {
    const fields = full && !cs.spreads && this.#keepScans ? fieldsPlacingChanges(cs.constraints) : undefined;
    if (fields !== undefined) return this.#placeConstrainedKept(app, q, agents, cs, funnel, waiting, now, fields);
    const need = app.need;
    for (; waiting > 0; waiting--) {
      let chosen: SimAgent | undefined;
      for (let k = 0; k < agents.length; k++) {
        const agent = agents[k] as SimAgent;
        if (full) funnel.processed++;
        const reason = this.#reject(app, agent, cs, now);
        if (reason === undefined) {
          chosen = cs.spreads ? (cs.leastUsed(agents, k, (a) => this.#reject(app, a, cs, now) === undefined) ?? agent) : agent;
          break;
        }
        if (full) {
          funnel.declined[reason]++;
          noteUnused(q, { agentId: agent.id, hostname: agent.hostname, reason, at: now });
        }
      }
      if (!chosen) return true;
      if (!full) funnel.processed++;
      funnel.used++;
      q.lastUsedOfferAt = now;
      this.#launch(app, chosen, need);
      cs.record(chosen);
    }
    return false;
  }

  /**
   * `#placeConstrained` over all agents for an app whose constraints change verdicts only where
   * an instance goes (UNIQUE, MAX_PER on `fields`; LIKE, UNLIKE, IS never). Every agent before
   * the one an instance took declined it, and still declines the next instance for the same
   * reason unless it shares a constrained value with that agent: so the next scan keeps their
   * reasons (and their tally), asks again only those and the agent taken, and goes on from there.
   * The funnel and the unused offers come out as scanning every agent from the first would
   * give them (a UNIQUE service of hundreds of instances used to ask the placement module about
   * every agent for each instance).
   */
  #placeConstrainedKept(app: SimApp, q: LaunchQueueState, agents: readonly SimAgent[], cs: ConstraintState, funnel: OfferFunnel, waiting: number, now: number, fields: readonly string[]): boolean {
    const n = agents.length;
    if (this.#scanCodes.length < n) this.#scanCodes = new Uint8Array(n * 2);
    const codes = this.#scanCodes;
    const tally = new Int32Array(REJECT_REASONS.length + 1);
    const code = (k: number): number => reasonCode(this.#reject(app, agents[k] as SimAgent, cs, now));
    // The newest declines noted (position, reason code), as noteUnused would keep them.
    const notes: number[] = [];
    const note = (p: number): void => {
      notes.push(p, codes[p] as number);
      if (notes.length > 2 * LAST_UNUSED_KEPT) notes.splice(0, 2);
    };
    const flush = (): void => {
      for (let i = 0; i < notes.length; i += 2) {
        const agent = agents[notes[i] as number] as SimAgent;
        noteUnused(q, { agentId: agent.id, hostname: agent.hostname, reason: REJECT_REASONS[(notes[i + 1] as number) - 1] as RejectReason, at: now });
      }
    };
    let same: SameValue | undefined;
    // Agents [0, valid) decline the next instance, for the reasons in codes (counted in tally).
    let valid = 0;
    for (; waiting > 0; waiting--) {
      let chosen = -1;
      for (let k = valid; k < n; k++) {
        const c = code(k);
        if (c === 0) {
          chosen = k;
          break;
        }
        codes[k] = c;
        tally[c]!++;
      }
      const declines = chosen < 0 ? n : chosen;
      funnel.processed += chosen < 0 ? n : chosen + 1;
      for (let r = 0; r < REJECT_REASONS.length; r++) funnel.declined[REJECT_REASONS[r] as RejectReason] += tally[r + 1] as number;
      for (let p = Math.max(0, declines - LAST_UNUSED_KEPT); p < declines; p++) note(p);
      if (chosen < 0) {
        flush();
        return true;
      }
      funnel.used++;
      q.lastUsedOfferAt = now;
      const taken = agents[chosen] as SimAgent;
      this.#launch(app, taken, app.need);
      cs.record(taken);
      valid = chosen;
      if (waiting === 1 || fields.length === 0) continue;
      // Agents sharing a constrained value with the one taken may now answer otherwise.
      same ??= new SameValue(agents);
      const again = new Set<number>();
      for (const f of fields) for (const p of same.positions(taken, f)) if (p < valid) again.add(p);
      for (const p of [...again].sort((a, b) => a - b)) {
        const c = code(p);
        if (c === 0) {
          // Cannot happen with these operators (placing only takes room), but then the scan starts there.
          for (let k = p; k < valid; k++) tally[codes[k] as number]!--;
          valid = p;
          break;
        }
        tally[codes[p] as number]!--;
        tally[c]!++;
        codes[p] = c;
      }
    }
    flush();
    return false;
  }

  /**
   * First fit of an app without constraints. An agent's answer depends only on its own state,
   * which a launch elsewhere does not change, so each instance resumes the scan at the agent
   * the previous one took; agents whose free cpus or mem cannot hold an instance are skipped
   * without asking the placement module (`bounds`).
   *
   * The funnel is counted as Marathon sees it, every instance scanning from the first agent,
   * but only when the app keeps waiting: an app placed in full leaves the queue at once with
   * its funnel unread. An agent passed over is never launched on later in the pass, so its
   * reason at the end of the pass is the one it gave when it was passed over.
   */
  #placeFree(app: SimApp, q: LaunchQueueState, offers: PassOffers, funnel: OfferFunnel, waiting: number, now: number, full: boolean): boolean {
    const need = app.need;
    const taken: number[] = [];
    let failed = false;
    for (let from = 0; waiting > 0; waiting--) {
      let k = offers.next(from, need.cpus, need.mem);
      while (k < offers.length && this.#rejectAt(app, offers, k, now) !== undefined) k = offers.next(k + 1, need.cpus, need.mem);
      if (k >= offers.length) {
        failed = true;
        break;
      }
      from = k;
      taken.push(k);
      this.#launch(app, offers.at(k), need);
    }
    if (taken.length > 0) q.lastUsedOfferAt = now;
    funnel.used += taken.length;
    if (!full) funnel.processed += taken.length;
    else if (failed) this.#countScans(app, q, offers, taken, funnel, now);
    return failed;
  }

  /**
   * The funnel of first-fit scans from the pass's first agent: one that took agent `taken[j]` for each
   * placed instance, then one over every agent that found none. Agents' reasons are read at the
   * end of the pass (see `#placeFree`), as codes into buffers kept across passes: a failed app
   * at 5,000 agents used to cost an object per agent and a string-keyed count per decline.
   */
  #countScans(app: SimApp, q: LaunchQueueState, offers: PassOffers, taken: readonly number[], funnel: OfferFunnel, now: number): void {
    const n = offers.length;
    if (this.#codes.length < n) {
      this.#codes = new Uint8Array(n * 2);
      this.#declinedAt = new Int32Array(n * 2);
    }
    const codes = this.#codes;
    const at = this.#declinedAt;
    const placement = placementOf(app);
    // An app that took nothing, asked over the whole index: another of the same size asked while
    // nothing changed gets the same answers (a full queue fails app after app of a few sizes).
    const memoKey = this.#keepScans && taken.length === 0 && offers instanceof RotatedOffers ? `${placement.need.join(',')}|${placement.gpuScheduling}|${placement.fixedPorts.join(',')}|${placement.acceptedRoles.join(',')}` : undefined;
    if (memoKey !== undefined) {
      if (this.#failedScans.version !== this.#offers.version || this.#failedScans.offers !== offers) this.#failedScans = { version: this.#offers.version, offers, byKey: new Map() };
      const memo = this.#failedScans.byKey.get(memoKey);
      if (memo !== undefined) {
        funnel.processed += n;
        for (let r = 0; r < REJECT_REASONS.length; r++) funnel.declined[REJECT_REASONS[r] as RejectReason] += memo.tally[r + 1] as number;
        for (const d of memo.notes) {
          const agent = offers.at(d.k);
          noteUnused(q, { agentId: agent.id, hostname: agent.hostname, reason: REJECT_REASONS[d.code - 1] as RejectReason, at: now });
        }
        return;
      }
    }
    offers.refusalCodes(placement, codes);
    // The declines in agent order: codes[0, m) and where each agent sits.
    let m = 0;
    let asked = false;
    for (let k = 0; k < n; k++) {
      let code = codes[k] as number;
      if (code === ASK_CODE) {
        // The module's answer may depend on more than the index knows (the time, a maintenance window).
        asked = true;
        code = reasonCode(this.#reject(app, offers.at(k), undefined, now));
      }
      if (code === 0) continue;
      codes[m] = code;
      at[m] = k;
      m++;
    }
    // A scan that took agent k counts the first k declines (every agent before it declined).
    const tally = new Int32Array(REJECT_REASONS.length + 1);
    let counted = 0;
    const scan = (declines: number, processed: number): void => {
      for (; counted < declines; counted++) tally[codes[counted] as number]!++;
      funnel.processed += processed;
      for (let r = 0; r < REJECT_REASONS.length; r++) funnel.declined[REJECT_REASONS[r] as RejectReason] += tally[r + 1] as number;
    };
    for (const k of taken) scan(k, k + 1);
    scan(m, n);
    // Each scan notes its last few declines (noteUnused keeps the newest few): only the last
    // LAST_UNUSED_KEPT of all the scans' notes stay, so only they are made.
    const ends = [...taken, m];
    const notes: number[] = [];
    for (let j = ends.length - 1; j >= 0 && notes.length < LAST_UNUSED_KEPT; j--) {
      const d = ends[j] as number;
      for (let i = d - 1; i >= Math.max(0, d - LAST_UNUSED_KEPT) && notes.length < LAST_UNUSED_KEPT; i--) notes.push(i);
    }
    const kept: { k: number; code: number }[] = [];
    for (let i = notes.length - 1; i >= 0; i--) {
      const d = notes[i] as number;
      const agent = offers.at(at[d] as number);
      noteUnused(q, { agentId: agent.id, hostname: agent.hostname, reason: REJECT_REASONS[(codes[d] as number) - 1] as RejectReason, at: now });
      kept.push({ k: at[d] as number, code: codes[d] as number });
    }
    if (memoKey !== undefined && !asked) this.#failedScans.byKey.set(memoKey, { tally, notes: kept });
  }

  /** `#reject` for the agent at pass position `k` and an app without constraints, from the offers' numbers when they tell. */
  #rejectAt(app: SimApp, offers: PassOffers, k: number, now: number): RejectReason | undefined {
    const plain = offers.plainRefusal(k, placementOf(app));
    return plain === ASK ? this.#reject(app, offers.at(k), undefined, now) : plain;
  }

  #offerable(a: SimAgent): boolean {
    return a.active && !a.deactivated && !a.drain && this.#agents.get(a.id) === a;
  }

  #reject(app: SimApp, agent: SimAgent, cs: ConstraintState | undefined, now: number): RejectReason | undefined {
    // The placement module's answer (planner/placement.ts), with maintenance in its funnel place.
    const shortfall = offerRefusal(app, agent, cs);
    if (shortfall === 'UnfulfilledRole' || shortfall === 'UnfulfilledConstraint') return shortfall;
    if (this.machineMode(agent) !== undefined) {
      const start = this.maintenance.windowOfKey(this.#machineKeyOf(agent))?.start;
      if (start === undefined || start <= now) return 'AgentMaintenance';
    }
    return shortfall;
  }

  #launch(app: SimApp, agent: SimAgent, need: Resources): void {
    const now = this.clock.now();
    const allocations = allocate(agent, app.role, need, app.spec.acceptedRoles, app.spec.fixedPorts);
    this.#offers.resourcesChanged(agent);
    const task: SimTask = {
      id: app.taskIdPrefix + uuidLike(this.#rand),
      name: app.taskName,
      appId: app.spec.id,
      frameworkId: app.frameworkId,
      agentId: agent.id,
      state: 'TASK_STAGING',
      resources: need,
      role: app.role,
      allocations,
      ports: allocations.some((a) => a.ports.length > 0) ? allocations.flatMap((a) => listPorts(a.ports)) : NO_PORTS,
      stagedAt: now,
      labels: app.spec.labels ?? {},
      statuses: [{ state: 'TASK_STAGING', timestamp: now }],
      version: app.version,
      // Every field from the start, none deleted later: tasks keep one hidden class (fast reads).
      startedAt: undefined,
      endedAt: undefined,
      timer: undefined,
      model: undefined,
    };
    agent.tasks.set(task.id, task);
    app.tasks.add(task.id);
    this.#tasks.set(task.id, task);
    if (this.events.hasListeners) this.events.emit({ type: 'task_added', task });
    const startup = app.spec.startupMs ?? this.#defaultStartupMs;
    task.timer = this.clock.setTimer(startup, () => this.#started(app, task));
  }

  #started(app: SimApp, task: SimTask): void {
    if (task.state !== 'TASK_STAGING') return;
    task.startedAt = this.clock.now();
    this.#setState(task, 'TASK_RUNNING');
    if (app.spec.kind === 'batch' && app.spec.durationMs !== undefined) {
      task.timer = this.clock.setTimer(app.spec.durationMs, () => this.#endTask(task, 'TASK_FINISHED'));
    } else {
      task.timer = undefined;
    }
  }

  #setState(task: SimTask, state: TaskState): void {
    task.state = state;
    task.statuses.push({ state, timestamp: this.clock.now() });
    if (this.events.hasListeners) this.events.emit({ type: 'task_updated', task });
  }

  /** A task leaves its agent: resources go back, the app's count drops, the queue notices. */
  #endTask(task: SimTask, state: TaskState): void {
    if (!this.#tasks.has(task.id)) return;
    this.clock.clearTimer(task.timer);
    task.timer = undefined;
    task.endedAt = this.clock.now();
    const agent = this.#agents.get(task.agentId);
    if (agent) {
      release(agent, task.allocations);
      this.#offers.resourcesChanged(agent);
      agent.tasks.delete(task.id);
    }
    this.#tasks.delete(task.id);
    if (agent) this.#grown.add(agent);
    this.#setState(task, state);
    this.#completed.push(task);
    if (this.#completed.length > this.#completedLimit) this.#completed.shift();
    const app = this.#apps.get(task.appId);
    if (app) {
      app.tasks.delete(task.id);
      // Its constraints (UNIQUE, GROUP_BY, CLUSTER) may now accept agents whose capacity did not change.
      if ((app.spec.constraints ?? []).length > 0) this.#fresh.add(app);
      if (state === 'TASK_FINISHED' && app.spec.kind === 'batch') app.completed++;
      if (app.spec.kind === 'batch' && app.completed >= app.spec.instances && app.tasks.size === 0) {
        // A finished job run leaves Marathon's view, as Metronome runs do.
        this.#apps.delete(app.spec.id);
        this.#dropQueue(app);
        if (this.events.hasListeners) this.events.emit({ type: 'app_changed', app, change: 'completed' });
      } else {
        this.#refreshQueue(app);
      }
    }
    if (agent) this.#checkDrained(agent);
    this.#requestPass();
  }

  #checkDrained(agent: SimAgent): void {
    if (!agent.drain || agent.drain.state === 'DRAINED' || agent.tasks.size > 0) return;
    agent.drain.state = 'DRAINED';
    if (agent.drain.markGone) this.removeAgent(agent.id, 'TASK_GONE_BY_OPERATOR');
    else if (this.events.hasListeners) this.events.emit({ type: 'agent_updated', agent });
  }

  #refreshQueue(app: SimApp): void {
    const waiting = this.#apps.has(app.spec.id) ? this.waitingCount(app) : 0;
    if (waiting > 0) {
      if (!app.queue) {
        app.queue = newQueueState(this.clock.now(), this.#passSeq);
        this.#waiting.add(app);
        this.#fresh.add(app);
      }
      if (this.events.hasListeners) this.events.emit({ type: 'queue_changed', appId: app.spec.id });
      this.#requestPass();
    } else if (app.queue) {
      this.#dropQueue(app);
      if (this.events.hasListeners && this.#apps.has(app.spec.id)) {
        this.events.emit({ type: 'deployment_success', appId: app.spec.id, deploymentId: uuidLike(this.#rand) });
      }
    }
  }

  #dropQueue(app: SimApp): void {
    if (!app.queue) return;
    app.queue = undefined;
    this.#waiting.delete(app);
    this.#fresh.delete(app);
    if (this.#waiting.size === 0) this.#failedMin = { cpus: Number.POSITIVE_INFINITY, mem: Number.POSITIVE_INFINITY };
    if (this.events.hasListeners) this.events.emit({ type: 'queue_changed', appId: app.spec.id });
  }
}

const EPS = 1e-9;

/** The ports of a task that binds none: one shared empty list (most tasks), never written. */
const NO_PORTS: readonly number[] = Object.freeze([]);

/** Per-dimension maximum of the free resources (all pools) of the agents. */
function maxFree(agents: readonly SimAgent[]): Resources {
  let cpus = 0;
  let mem = 0;
  let disk = 0;
  let gpus = 0;
  let ports = 0;
  for (const a of agents) {
    let c = 0;
    let m = 0;
    let d = 0;
    let g = 0;
    let p = 0;
    for (const pool of a.pools.values()) {
      c += pool.total.cpus - pool.used.cpus;
      m += pool.total.mem - pool.used.mem;
      d += pool.total.disk - pool.used.disk - pool.volumeDisk;
      g += pool.total.gpus - pool.used.gpus;
      p += pool.total.ports - pool.used.ports;
    }
    cpus = Math.max(cpus, c);
    mem = Math.max(mem, m);
    disk = Math.max(disk, d);
    gpus = Math.max(gpus, g);
    ports = Math.max(ports, p);
  }
  return { cpus, mem, disk, gpus, ports };
}

/** Marathon ids are absolute paths. */
export function normalizeAppId(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
