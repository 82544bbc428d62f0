import type { Drainer } from '../model/ports.js';
import { isMarked, markedDurationNs, withOurWindow, withoutOurMachine, type MaintenanceView } from '../model/drain.js';
import { formatMachine, machineKey, type MachineId } from '../model/machine.js';
import type { Result } from '../util/result.js';
import type { MesosClient } from './client.js';
import type { MesosError } from './errors.js';

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

/** The maintenance calls of MesosClient the drainer uses. */
export type MaintenanceApi = Pick<MesosClient, 'getMaintenance' | 'updateMaintenanceSchedule' | 'machineDown' | 'machineUp' | 'drainAgent'>;

/**
 * Drains with Mesos maintenance primitives: a window of ours (marked, see model/drain.ts) puts the
 * machine in DRAINING (frameworks get inverse offers), machine/down takes it DOWN (the master shuts
 * its agent down), machine/up plus removal from the schedule clears it. Every write re-reads the
 * schedule first, because Mesos replaces the whole schedule: an operator's windows go back
 * exactly as read.
 */
export class MesosDrainer implements Drainer {
  readonly #client: MaintenanceApi;
  readonly #windowMs: number;

  /** `windowMs`: announced length of the unavailability (a hint to frameworks). */
  constructor(client: MaintenanceApi, opts: { windowMs?: number } = {}) {
    this.#client = client;
    this.#windowMs = opts.windowMs ?? 60 * 60 * 1000;
  }

  async read(): Promise<MaintenanceView> {
    return unwrap('read maintenance', await this.#client.getMaintenance());
  }

  async start(machine: MachineId, now: number): Promise<void> {
    const view = await this.read();
    const key = machineKey(machine);
    if (view.windows.some((w) => w.machines.some((m) => machineKey(m) === key))) return; // already scheduled
    const startNs = (BigInt(Math.round(now)) * 1_000_000n).toString();
    unwrap(`schedule maintenance for ${formatMachine(machine)}`, await this.#client.updateMaintenanceSchedule(withOurWindow(view, machine, startNs, this.#windowMs)));
  }

  async down(machine: MachineId): Promise<void> {
    const view = await this.read();
    if (view.down.some((d) => machineKey(d) === machineKey(machine))) return;
    unwrap(`machine down ${formatMachine(machine)}`, await this.#client.machineDown([machine]));
  }

  /** The master kills the agent's tasks after the grace period and reports DRAINED once none is left. */
  async drainAgent(agentId: string, graceMs: number): Promise<void> {
    unwrap(`drain agent ${agentId}`, await this.#client.drainAgent(agentId, { maxGracePeriodNs: markedDurationNs(graceMs), markGone: false }));
  }

  async finish(machine: MachineId): Promise<void> {
    let view = await this.read();
    const key = machineKey(machine);
    // machine/up only takes DOWN machines; a DRAINING one just leaves the schedule.
    if (view.down.some((d) => machineKey(d) === key)) {
      unwrap(`machine up ${formatMachine(machine)}`, await this.#client.machineUp([machine]));
      view = await this.read();
    }
    const ours = view.windows.some((w) => isMarked(w.durationNs) && w.machines.some((m) => machineKey(m) === key));
    if (!ours) return; // not in a window of ours: nothing to clear, and an operator's window is never touched
    const next = withoutOurMachine(view, machine);
    unwrap(`unschedule ${formatMachine(machine)}`, await this.#client.updateMaintenanceSchedule(next));
  }
}
