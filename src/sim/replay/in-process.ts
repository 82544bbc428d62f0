import type { AgentSource, DrainRecord, Drainer, PendingSource } from '../../controller/ports.js';
import type { Agent, AgentId } from '../../model/agent.js';
import { ok } from '../../util/result.js';
import type { SimCluster } from '../cluster/cluster.js';
import { modelPending } from '../cluster/model-view.js';
import { AgentModeler } from './agent-model.js';
import type { MachineId } from '../cluster/types.js';

/**
 * The simulator's fast path into the real observer: agents and the launch queue read
 * straight from the cluster's memory, no HTTP, no JSON. An agent's model is rebuilt
 * only when something on it changed (told by `markDirty`), so a quiet agent costs
 * nothing per cycle.
 */
export class SimAgentSource implements AgentSource {
  readonly #cache = new Map<string, Agent>();
  readonly #dirty = new Set<string>();
  #allDirty = true;
  readonly #modeler: AgentModeler;

  constructor(private readonly cluster: SimCluster) {
    this.#modeler = new AgentModeler(cluster);
  }

  /** Something on the agent changed (a task, its state, its drain). */
  markDirty(agentId: string): void {
    this.#dirty.add(agentId);
  }

  /** Maintenance changed: every agent's draining flag may have moved. */
  markAllDirty(): void {
    this.#allDirty = true;
  }

  read(): Agent[] {
    const out: Agent[] = [];
    for (const a of this.cluster.agents()) {
      let m = this.#allDirty || this.#dirty.has(a.id) ? undefined : this.#cache.get(a.id);
      if (!m) {
        m = this.#modeler.model(a);
        this.#cache.set(a.id, m);
      }
      out.push(m);
    }
    if (this.#cache.size !== out.length) {
      const live = new Set(out.map((a) => a.id as string));
      for (const id of this.#cache.keys()) if (!live.has(id)) this.#cache.delete(id);
    }
    this.#dirty.clear();
    this.#allDirty = false;
    return out;
  }

  async getAgents(): ReturnType<AgentSource['getAgents']> {
    return ok({ agents: this.read(), from: 'simulator', readAt: this.cluster.clock.now() });
  }
}

/** The emulated Marathon launch queue, in process. */
export function simPendingSource(cluster: SimCluster): PendingSource {
  return {
    getQueue: async () => ok({ pending: modelPending(cluster), from: 'simulator', readAt: cluster.clock.now() }),
  };
}

const machineOf = (x: { hostname: string; ip?: string | undefined }): MachineId => ({ hostname: x.hostname, ...(x.ip ? { ip: x.ip } : {}) });
const same = (a: MachineId, b: MachineId): boolean => a.hostname === b.hostname && (a.ip === undefined || b.ip === undefined || a.ip === b.ip);

/**
 * Drains through the cluster's maintenance book, exactly as MesosDrainer does through
 * the master's maintenance endpoints: a window starting now (DRAINING), machine down,
 * machine up and out of the schedule.
 */
export class SimDrainer implements Drainer {
  constructor(
    private readonly cluster: SimCluster,
    private readonly onChange: () => void = () => undefined,
    private readonly windowMs = 3_600_000,
  ) {}

  async startDrain(agent: { id: AgentId; hostname: string; ip?: string }, now: number): Promise<void> {
    const machine = machineOf(agent);
    const windows = this.cluster.maintenance.windows;
    if (windows.some((w) => w.machines.some((m) => same(m, machine)))) return;
    this.#check(this.cluster.updateMaintenanceSchedule([...windows, { machines: [machine], start: now, durationMs: this.windowMs }]), `schedule maintenance for ${agent.hostname}`);
  }

  async draining(): Promise<readonly DrainRecord[]> {
    const down = this.cluster.maintenance.machines('DOWN');
    return this.cluster.maintenance.windows.flatMap((w) =>
      w.machines
        .filter((m): m is MachineId & { hostname: string } => m.hostname !== undefined)
        .map((m) => ({ hostname: m.hostname, ...(m.ip ? { ip: m.ip } : {}), since: w.start, mode: down.some((d) => same(d, m)) ? ('DOWN' as const) : ('DRAINING' as const) })),
    );
  }

  async down(record: DrainRecord): Promise<void> {
    const machine = this.#scheduled(record);
    if (this.cluster.maintenance.machines('DOWN').some((d) => same(d, machine))) return;
    this.#check(this.cluster.startMaintenance([machine]), `machine down ${record.hostname}`);
  }

  async finish(record: DrainRecord): Promise<void> {
    const machine = this.#scheduled(record);
    const down = this.cluster.maintenance.machines('DOWN').find((d) => same(d, machine));
    if (down) this.#check(this.cluster.stopMaintenance([down]), `machine up ${record.hostname}`);
    const windows = this.cluster.maintenance.windows;
    if (!windows.some((w) => w.machines.some((m) => same(m, machine)))) return;
    const next = windows.map((w) => ({ ...w, machines: w.machines.filter((m) => !same(m, machine)) })).filter((w) => w.machines.length > 0);
    this.#check(this.cluster.updateMaintenanceSchedule(next), `unschedule ${record.hostname}`);
  }

  /** The machine id exactly as scheduled (the book matches both fields). */
  #scheduled(record: DrainRecord): MachineId {
    const machine = machineOf(record);
    for (const w of this.cluster.maintenance.windows) for (const m of w.machines) if (same(m, machine)) return m;
    return machine;
  }

  #check(r: { ok: true } | { ok: false; error: Error }, what: string): void {
    this.onChange();
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  }
}
