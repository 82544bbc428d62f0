import { resources, type Resources } from '../../model/resources.js';
import { err, ok, type Result } from '../../util/result.js';
import { ConstraintState } from './constraints.js';
import { EventBus } from './events.js';
import { addFunnel, emptyFunnel, newQueueState, noteUnused } from './funnel.js';
import { agentIdFor, frameworkIdFor, isoTime, seededRandom, taskIdFor, uuidLike } from './ids.js';
import { MaintenanceBook } from './maintenance.js';
import { allocate, createPools, release, resourceShortfall, usablePools } from './pools.js';
import { listPorts } from './ranges.js';
import type {
  AgentSpec,
  AppSpec,
  MachineId,
  MachineMode,
  MaintenanceWindow,
  RejectReason,
  SimAgent,
  SimApp,
  SimFramework,
  SimTask,
  TaskState,
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
  /** Virtual time between a change and the scheduling pass that reacts to it (Mesos allocation interval). */
  readonly allocationIntervalMs?: number;
  /** TASK_STAGING to TASK_RUNNING, unless the app says otherwise. */
  readonly defaultStartupMs?: number;
  readonly mesosVersion?: string;
  /** Frameworks registered at start; "marathon" is always there. */
  readonly frameworks?: readonly FrameworkSpec[];
  /** Terminal tasks kept for GET_TASKS completed_tasks. */
  readonly completedTaskHistory?: number;
}

export interface DrainOptions {
  readonly maxGracePeriodMs?: number;
  readonly markGone?: boolean;
}

/**
 * The in-process cluster: agents, frameworks, Marathon-like apps, their tasks, the
 * launch queue and maintenance. Everything runs on the virtual clock; placement is
 * first-fit over agents in registration order, O(agents) per instance.
 */
export class SimCluster {
  readonly clock: VirtualClock;
  readonly events = new EventBus();
  readonly id: string;
  readonly startedAt: number;
  readonly mesosVersion: string;
  readonly maintenance = new MaintenanceBook();

  readonly #rand: () => number;
  readonly #agents = new Map<string, SimAgent>();
  readonly #byHostname = new Map<string, SimAgent>();
  readonly #apps = new Map<string, SimApp>();
  readonly #tasks = new Map<string, SimTask>();
  readonly #waiting = new Set<SimApp>();
  readonly #frameworks: SimFramework[] = [];
  readonly #completed: SimTask[] = [];
  readonly #completedLimit: number;
  /** Agents removed by machine/down, re-registered by machine/up. */
  readonly #downAgents = new Map<string, AgentSpec>();
  readonly #allocationIntervalMs: number;
  readonly #defaultStartupMs: number;
  #agentSeq = 0;
  #passTimer: ReturnType<VirtualClock['setTimer']> | undefined;
  /** Grows whenever capacity may have grown; an app that failed at this version need not be retried. */
  #capacityVersion = 0;

  constructor(options: ClusterOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.#rand = seededRandom(options.seed ?? 1);
    this.id = options.clusterId ?? uuidLike(this.#rand);
    this.startedAt = this.clock.now();
    this.mesosVersion = options.mesosVersion ?? '1.9.0';
    this.#allocationIntervalMs = options.allocationIntervalMs ?? 1000;
    this.#defaultStartupMs = options.defaultStartupMs ?? 2000;
    this.#completedLimit = options.completedTaskHistory ?? 200;
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
      registeredAt: this.clock.now(),
      version: spec.version ?? this.mesosVersion,
      ...(spec.domain ? { domain: spec.domain } : {}),
    };
    this.#agents.set(agent.id, agent);
    this.#byHostname.set(agent.hostname, agent);
    this.#capacityVersion++;
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

  get agentCount(): number {
    return this.#agents.size;
  }

  /** Maintenance mode of the machine an agent runs on. */
  machineMode(agent: SimAgent): MachineMode | undefined {
    return this.maintenance.modeOf(agent.hostname, agent.ip);
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
      role: spec.role ?? '*',
      frameworkId: fw.id,
      version: isoTime(this.clock.now()),
      createdAt: this.clock.now(),
      tasks: new Set(),
      completed: 0,
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

  /** Resources one instance of the app needs. */
  appResources(app: SimApp): Resources {
    const s = app.spec;
    return resources({ cpus: s.cpus, mem: s.mem, disk: s.disk ?? 0, gpus: s.gpus ?? 0, ports: s.ports ?? 0 });
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

  /** DRAIN_AGENT: deactivate, kill every task after the grace period, DRAINED when empty. */
  drainAgent(agentId: string, options: DrainOptions = {}): Result<void, Error> {
    const agent = this.#agents.get(agentId);
    if (!agent) return err(new Error(`Unknown agent ${agentId}`));
    agent.deactivated = true;
    agent.drain = {
      state: 'DRAINING',
      markGone: options.markGone ?? false,
      ...(options.maxGracePeriodMs !== undefined ? { maxGracePeriodMs: options.maxGracePeriodMs } : {}),
    };
    for (const task of agent.tasks.values()) {
      if (task.state === 'TASK_KILLING') continue;
      this.#setState(task, 'TASK_KILLING');
      this.clock.clearTimer(task.timer);
      task.timer = this.clock.setTimer(options.maxGracePeriodMs ?? 0, () => this.#endTask(task, 'TASK_KILLED'));
    }
    if (this.events.hasListeners) this.events.emit({ type: 'agent_updated', agent });
    this.#checkDrained(agent);
    return ok(undefined);
  }

  /** REACTIVATE_AGENT: back to offering resources. */
  reactivateAgent(agentId: string): Result<void, Error> {
    const agent = this.#agents.get(agentId);
    if (!agent) return err(new Error(`Unknown agent ${agentId}`));
    if (!agent.deactivated && !agent.drain) return err(new Error(`Agent ${agentId} is not deactivated`));
    agent.deactivated = false;
    delete agent.drain;
    this.#capacityVersion++;
    if (this.events.hasListeners) this.events.emit({ type: 'agent_updated', agent });
    this.#requestPass();
    return ok(undefined);
  }

  updateMaintenanceSchedule(windows: readonly MaintenanceWindow[]): Result<void, Error> {
    const r = this.maintenance.updateSchedule(windows);
    if (r.ok) this.#maintenanceChanged();
    return r;
  }

  /** machine/down: agents on those machines are shut down, their tasks gone. */
  startMaintenance(machines: readonly MachineId[]): Result<void, Error> {
    const r = this.maintenance.down(machines);
    if (!r.ok) return r;
    for (const agent of [...this.#agents.values()]) {
      if (this.machineMode(agent) === 'DOWN') {
        this.#downAgents.set(agent.hostname, agent.spec);
        this.removeAgent(agent.id, 'TASK_GONE_BY_OPERATOR');
      }
    }
    this.#maintenanceChanged();
    return ok(undefined);
  }

  /** machine/up: machines leave the schedule; their agents register again under new ids. */
  stopMaintenance(machines: readonly MachineId[]): Result<void, Error> {
    const r = this.maintenance.up(machines);
    if (!r.ok) return r;
    for (const [hostname, spec] of [...this.#downAgents]) {
      if (this.maintenance.modeOf(spec.hostname, spec.ip ?? spec.hostname) === 'DOWN') continue;
      this.#downAgents.delete(hostname);
      this.addAgent(spec);
    }
    this.#maintenanceChanged();
    return ok(undefined);
  }

  /** Drops a machine's remembered agent for good (its instance was deleted while down). */
  forgetDownMachine(hostname: string): void {
    this.#downAgents.delete(hostname);
  }

  #maintenanceChanged(): void {
    this.#capacityVersion++;
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
    if (this.#waiting.size === 0) return;
    const now = this.clock.now();
    const offerAgents: SimAgent[] = [];
    for (const a of this.#agents.values()) if (a.active && !a.deactivated && !a.drain) offerAgents.push(a);
    for (const app of [...this.#waiting]) {
      const q = app.queue;
      if (!q) continue;
      if (q.failedAtVersion === this.#capacityVersion) {
        // Nothing that could make it fit has changed: the same offers would be declined again.
        addFunnel(q.attempt, q.lastPass);
        continue;
      }
      this.#placeApp(app, offerAgents, now);
    }
  }

  #placeApp(app: SimApp, offerAgents: readonly SimAgent[], now: number): void {
    const q = app.queue;
    if (!q) return;
    const need = this.appResources(app);
    const constraints = app.spec.constraints ?? [];
    const cs =
      constraints.length > 0
        ? new ConstraintState(
            constraints,
            [...app.tasks].map((t) => this.#tasks.get(t)).filter((t): t is SimTask => t !== undefined),
            (t) => this.#agents.get(t.agentId),
            offerAgents,
          )
        : undefined;
    const funnel = emptyFunnel();
    let waiting = this.waitingCount(app);
    let failed = false;
    while (waiting > 0) {
      let chosen: SimAgent | undefined;
      for (const agent of offerAgents) {
        funnel.processed++;
        const reason = this.#reject(app, agent, need, cs, now);
        if (reason === undefined) {
          chosen = agent;
          break;
        }
        funnel.declined[reason]++;
        noteUnused(q, { agentId: agent.id, hostname: agent.hostname, reason, at: now });
      }
      if (!chosen) {
        failed = true;
        break;
      }
      funnel.used++;
      q.lastUsedOfferAt = now;
      this.#launch(app, chosen, need);
      cs?.record(chosen);
      waiting--;
    }
    addFunnel(q.attempt, funnel);
    q.lastPass = funnel;
    if (failed) q.failedAtVersion = this.#capacityVersion;
    this.#refreshQueue(app);
  }

  #reject(app: SimApp, agent: SimAgent, need: Resources, cs: ConstraintState | undefined, now: number): RejectReason | undefined {
    const pools = usablePools(agent, app.role);
    const shortfall = resourceShortfall(pools, need);
    if (shortfall === 'UnfulfilledRole') return shortfall;
    if (cs && !cs.accepts(agent)) return 'UnfulfilledConstraint';
    if (this.machineMode(agent) !== undefined) {
      const start = this.maintenance.windowStart(agent.hostname, agent.ip);
      if (start === undefined || start <= now) return 'AgentMaintenance';
    }
    return shortfall;
  }

  #launch(app: SimApp, agent: SimAgent, need: Resources): void {
    const now = this.clock.now();
    const allocations = allocate(agent, app.role, need);
    const task: SimTask = {
      id: taskIdFor(app.spec.id, uuidLike(this.#rand)),
      name: app.spec.id.split('/').filter(Boolean).join('.') || app.spec.id,
      appId: app.spec.id,
      frameworkId: app.frameworkId,
      agentId: agent.id,
      state: 'TASK_STAGING',
      resources: need,
      role: app.role,
      allocations,
      ports: allocations.flatMap((a) => listPorts(a.ports)),
      stagedAt: now,
      labels: app.spec.labels ?? {},
      statuses: [{ state: 'TASK_STAGING', timestamp: now }],
      version: app.version,
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
      delete task.timer;
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
    delete task.timer;
    task.endedAt = this.clock.now();
    const agent = this.#agents.get(task.agentId);
    if (agent) {
      release(agent, task.allocations);
      agent.tasks.delete(task.id);
    }
    this.#tasks.delete(task.id);
    this.#capacityVersion++;
    this.#setState(task, state);
    this.#completed.push(task);
    if (this.#completed.length > this.#completedLimit) this.#completed.shift();
    const app = this.#apps.get(task.appId);
    if (app) {
      app.tasks.delete(task.id);
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
        app.queue = newQueueState(this.clock.now());
        this.#waiting.add(app);
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
    delete app.queue;
    this.#waiting.delete(app);
    if (this.events.hasListeners) this.events.emit({ type: 'queue_changed', appId: app.spec.id });
  }
}

/** Marathon ids are absolute paths. */
export function normalizeAppId(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
