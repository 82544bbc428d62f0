import type { Drainer, DrainRecord } from '../controller/ports.js';
import type { AgentId } from '../model/agent.js';
import type { Result } from '../util/result.js';
import type { MesosClient } from './client.js';
import type { MesosError } from './errors.js';
import { findWindow, sameMachine, withoutMachine, type MachineId } from './maintenance.js';

/** Thrown by MesosDrainer: the Drainer port returns Promise<void>, so failures surface as rejections. */
export class DrainError extends Error {
  override readonly name = 'DrainError';
  constructor(
    readonly operation: string,
    readonly error: MesosError,
  ) {
    super(`${operation}: ${error.message}`);
  }
}

function unwrap<T>(operation: string, r: Result<T, MesosError>): T {
  if (!r.ok) throw new DrainError(operation, r.error);
  return r.value;
}

const machineOf = (x: { hostname: string; ip?: string }): MachineId => ({ hostname: x.hostname, ...(x.ip ? { ip: x.ip } : {}) });

/** The maintenance calls of MesosClient the drainer uses. */
export type MaintenanceApi = Pick<
  MesosClient,
  'getMaintenanceSchedule' | 'updateMaintenanceSchedule' | 'getMaintenanceStatus' | 'machineDown' | 'machineUp'
>;

/**
 * Drains agents with Mesos maintenance primitives: a window starting now puts the machine in
 * DRAINING (frameworks get inverse offers), machine/down takes it DOWN, machine/up plus removal
 * from the schedule clears it. State lives in Mesos, so a restarted autoscaler finds it again.
 */
export class MesosDrainer implements Drainer {
  readonly #client: MaintenanceApi;
  readonly #windowMs: number;

  /** `windowMs`: announced length of the unavailability (a hint to frameworks). */
  constructor(client: MaintenanceApi, opts: { windowMs?: number } = {}) {
    this.#client = client;
    this.#windowMs = opts.windowMs ?? 60 * 60 * 1000;
  }

  async startDrain(agent: { id: AgentId; hostname: string; ip?: string }, now: number): Promise<void> {
    const machine = machineOf(agent);
    const schedule = unwrap('read maintenance schedule', await this.#client.getMaintenanceSchedule());
    if (findWindow(schedule, machine)) return; // already scheduled: idempotent
    // Mesos replaces the whole schedule: keep every other window as it is.
    const next = { windows: [...schedule.windows, { machines: [machine], start: now, durationMs: this.#windowMs }] };
    unwrap(`schedule maintenance for ${agent.hostname}`, await this.#client.updateMaintenanceSchedule(next));
  }

  async draining(): Promise<readonly DrainRecord[]> {
    const [schedule, status] = await Promise.all([this.#client.getMaintenanceSchedule(), this.#client.getMaintenanceStatus()]);
    const s = unwrap('read maintenance schedule', schedule);
    const st = unwrap('read maintenance status', status);
    return s.windows.flatMap((w) =>
      w.machines
        .filter((m): m is MachineId & { hostname: string } => Boolean(m.hostname))
        .map((m) => ({
          hostname: m.hostname,
          ...(m.ip ? { ip: m.ip } : {}),
          since: w.start,
          mode: st.down.some((d) => sameMachine(d, m)) ? ('DOWN' as const) : ('DRAINING' as const),
        })),
    );
  }

  async down(record: DrainRecord): Promise<void> {
    const machine = machineOf(record);
    const status = unwrap('read maintenance status', await this.#client.getMaintenanceStatus());
    if (status.down.some((d) => sameMachine(d, machine))) return;
    unwrap(`machine down ${record.hostname}`, await this.#client.machineDown([this.#asScheduled(machine, status.draining)]));
  }

  async finish(record: DrainRecord): Promise<void> {
    const machine = machineOf(record);
    const status = unwrap('read maintenance status', await this.#client.getMaintenanceStatus());
    const down = status.down.find((d) => sameMachine(d, machine));
    // machine/up only accepts DOWN machines; a DRAINING one just leaves the schedule.
    if (down) unwrap(`machine up ${record.hostname}`, await this.#client.machineUp([down]));
    const schedule = unwrap('read maintenance schedule', await this.#client.getMaintenanceSchedule());
    if (!findWindow(schedule, machine)) return;
    unwrap(`unschedule ${record.hostname}`, await this.#client.updateMaintenanceSchedule(withoutMachine(schedule, machine)));
  }

  /** Mesos wants the machine id exactly as scheduled (both fields must match). */
  #asScheduled(machine: MachineId, known: readonly MachineId[]): MachineId {
    return known.find((k) => sameMachine(k, machine)) ?? machine;
  }
}
