import type { AgentSource, Drainer, PendingSource } from '../../model/ports.js';
import type { Agent } from '../../model/agent.js';
import type { Constraint } from '../../model/pending.js';
import { isMarked, markedDurationNs, withOurWindow, withoutOurMachine, type MaintenanceView } from '../../model/drain.js';
import { formatMachine, machineKey, type MachineId } from '../../model/machine.js';
import { ok } from '../../util/result.js';
import type { SimCluster } from '../cluster/cluster.js';
import type { SimAgent, SimApp } from '../cluster/types.js';
import { modelPending } from '../cluster/model-view.js';
import { AgentModeler } from './agent-model.js';

/**
 * The simulator's fast path into the real observer: agents and the launch queue read
 * straight from the cluster's memory, no HTTP, no JSON. An agent's model is rebuilt
 * only when something on it changed (told by `markDirty`), so a quiet agent costs
 * nothing per cycle: the same Agent object, and the same list when no agent changed,
 * which is what lets the planner's per-agent caches (kept by object identity) hit.
 */
export class SimAgentSource implements AgentSource {
  readonly #dirty = new Set<string>();
  /** Maintenance changed since the last read: the draining flag of every agent may have moved. */
  #maintenanceChanged = false;
  readonly #modeler: AgentModeler;
  /** The last list handed out and the agents it was made from, in registration order (`seq` ascending). */
  #list: readonly Agent[] = [];
  #sims: readonly SimAgent[] = [];
  /** The cluster's membership version the list was made at; -1: never made. */
  #version = -1;

  constructor(private readonly cluster: SimCluster) {
    this.#modeler = new AgentModeler(cluster);
  }

  /**
   * Marks agents dirty from the cluster's own events (a task added or changed on them, the agent
   * updated or removed) until the returned function is called: a source nobody tells of changes
   * hands out the models of its first read for ever.
   */
  follow(): () => void {
    return this.cluster.events.on((e) => {
      switch (e.type) {
        case 'task_added':
        case 'task_updated':
          this.markDirty(e.task.agentId);
          break;
        case 'agent_updated':
        case 'agent_removed':
          this.markDirty(e.agent.id);
          break;
        default:
          break;
      }
    });
  }

  /** Something on the agent changed (a task, its state, its drain). */
  markDirty(agentId: string): void {
    this.#dirty.add(agentId);
  }

  /**
   * Maintenance changed: every agent's draining flag may have moved. Nothing else of an agent
   * changes without an event, so the next read rebuilds only agents whose flag did move.
   */
  markAllDirty(): void {
    this.#maintenanceChanged = true;
  }

  read(): readonly Agent[] {
    if (this.#version < 0 || this.#maintenanceChanged) return this.#walk();
    const version = this.cluster.membershipVersion;
    // The same agents in the same order as last time: only the changed ones are made again.
    if (this.#version === version && this.#dirty.size === 0) return this.#list;
    const moved = this.#version === version ? [] : this.cluster.membershipSince(this.#version);
    if (moved.length * 8 > this.#sims.length) return this.#walk();
    // A few joined or left: placed or dropped by their seq (the list is in registration order).
    const out = this.#list.slice();
    const sims = this.#sims.slice();
    for (const a of moved) {
      const k = positionOf(sims, a.seq);
      const listed = sims[k] === a;
      const registered = this.cluster.getAgent(a.id) === a;
      if (listed && !registered) {
        sims.splice(k, 1);
        out.splice(k, 1);
      } else if (!listed && registered) {
        sims.splice(k, 0, a);
        out.splice(k, 0, this.#modeler.model(a));
      }
    }
    this.#remodelDirty(sims, out);
    this.#list = out;
    this.#sims = sims;
    this.#version = version;
    return out;
  }

  /**
   * Every agent in the cluster's order. The last list is in the same order, less the agents that
   * left, so one walk along both pairs them (no lookup per agent); the changed are made again.
   */
  #walk(): readonly Agent[] {
    const lastSims = this.#sims;
    const lastList = this.#list;
    const out: Agent[] = [];
    const sims: SimAgent[] = [];
    let j = 0;
    for (const a of this.cluster.agents()) {
      while (j < lastSims.length && (lastSims[j] as SimAgent).seq < a.seq) j++;
      let m = lastSims[j] === a ? lastList[j] : undefined;
      if (m !== undefined && this.#maintenanceChanged && m.draining !== this.cluster.isDraining(a)) m = undefined;
      out.push(m ?? this.#modeler.model(a));
      sims.push(a);
    }
    this.#remodelDirty(sims, out);
    this.#maintenanceChanged = false;
    this.#list = out;
    this.#sims = sims;
    this.#version = this.cluster.membershipVersion;
    return out;
  }

  /** Makes again, in `out`, the model of every listed agent marked dirty. */
  #remodelDirty(sims: readonly SimAgent[], out: Agent[]): void {
    for (const id of this.#dirty) {
      const a = this.cluster.getAgent(id);
      if (a === undefined) continue;
      const k = positionOf(sims, a.seq);
      if (sims[k] === a) out[k] = this.#modeler.model(a);
    }
    this.#dirty.clear();
  }

  async getAgents(): ReturnType<AgentSource['getAgents']> {
    return ok({ agents: this.read(), from: 'simulator', readAt: this.cluster.clock.now() });
  }
}

/** Where an agent of this `seq` is, or would go, in agents listed by ascending `seq`. */
function positionOf(sims: readonly SimAgent[], seq: number): number {
  let lo = 0;
  let hi = sims.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sims[mid] as SimAgent).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The emulated Marathon launch queue, in process, with every app's placement constraints as the
 * real source reads them from `/v2/apps` (marathon/pending-source.ts): without them scale-down
 * would take a UNIQUE app's running instances for movable and drain nodes they can never leave.
 * The map follows the cluster's app events (a month's replay holds tens of thousands of apps: no
 * walk over them per cycle) and is a new object only when a constrained app comes or goes, as the
 * observer's marks are kept by it.
 */
export function simPendingSource(cluster: SimCluster): PendingSource {
  const constrained = (app: SimApp): readonly Constraint[] | undefined => {
    const c = app.spec.constraints;
    return c !== undefined && c.length > 0 ? c : undefined;
  };
  let byApp = new Map<string, readonly Constraint[]>();
  for (const app of cluster.apps()) {
    const c = constrained(app);
    if (c) byApp.set(app.spec.id, c);
  }
  cluster.events.on((e) => {
    if (e.type !== 'app_changed') return;
    const c = constrained(e.app);
    const id = e.app.spec.id;
    const gone = e.change === 'deleted' || e.change === 'completed';
    if (c === undefined || (gone ? !byApp.has(id) : byApp.get(id) === c)) return;
    const next = new Map(byApp);
    if (gone) next.delete(id);
    else next.set(id, c);
    byApp = next;
  });
  return {
    getQueue: async () => ok({ pending: modelPending(cluster), from: 'simulator', readAt: cluster.clock.now(), appConstraints: byApp }),
  };
}

/**
 * Drains through the cluster's maintenance book, exactly as MesosDrainer does through the
 * master's maintenance endpoints (the same schedule edits from model/drain.ts): a window of ours
 * starting now (DRAINING), machine down, machine up and out of our windows.
 */
export class SimDrainer implements Drainer {
  /** The last view read and the maintenance book's version it was read at: the observer reads every cycle. */
  #view: { version: number; view: MaintenanceView } | undefined;

  constructor(
    private readonly cluster: SimCluster,
    private readonly onChange: () => void = () => undefined,
    private readonly windowMs = 3_600_000,
  ) {}

  async read(): Promise<MaintenanceView> {
    const version = this.cluster.maintenance.version;
    if (this.#view?.version === version) return this.#view.view;
    const view: MaintenanceView = {
      windows: this.cluster.maintenance.windows.map((w) => ({
        machines: w.machines,
        startNs: w.startNs.toString(),
        ...(w.durationNs !== undefined ? { durationNs: w.durationNs.toString() } : {}),
      })),
      down: this.cluster.maintenance.machines('DOWN'),
    };
    this.#view = { version, view };
    return view;
  }

  async start(machine: MachineId, now: number): Promise<void> {
    const view = await this.read();
    const key = machineKey(machine);
    if (view.windows.some((w) => w.machines.some((m) => machineKey(m) === key))) return;
    const startNs = (BigInt(Math.round(now)) * 1_000_000n).toString();
    this.#check(this.cluster.updateMaintenanceSchedule(withOurWindow(view, machine, startNs, this.windowMs)), `schedule maintenance for ${formatMachine(machine)}`);
  }

  async down(machine: MachineId): Promise<void> {
    const view = await this.read();
    if (view.down.some((d) => machineKey(d) === machineKey(machine))) return;
    this.#check(this.cluster.startMaintenance([machine]), `machine down ${formatMachine(machine)}`);
  }

  async finish(machine: MachineId): Promise<void> {
    const key = machineKey(machine);
    let view = await this.read();
    if (view.down.some((d) => machineKey(d) === key)) {
      this.#check(this.cluster.stopMaintenance([machine]), `machine up ${formatMachine(machine)}`);
      view = await this.read();
    }
    if (!view.windows.some((w) => isMarked(w.durationNs) && w.machines.some((m) => machineKey(m) === key))) return;
    this.#check(this.cluster.updateMaintenanceSchedule(withoutOurMachine(view, machine)), `unschedule ${formatMachine(machine)}`);
  }

  async drainAgent(agentId: string, graceMs: number): Promise<void> {
    this.#check(this.cluster.drainAgent(agentId, { maxGracePeriodNs: BigInt(markedDurationNs(graceMs)), markGone: false }), `drain agent ${agentId}`);
  }

  #check(r: { ok: true } | { ok: false; error: Error }, what: string): void {
    this.onChange();
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  }
}
