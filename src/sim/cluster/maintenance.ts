import { err, ok, type Result } from '../../util/result.js';
import type { MachineId, MachineMode, MaintenanceWindow } from './types.js';

/** Machines are named by hostname and/or IP, as in Mesos `MachineID`. */
export function machineKey(m: MachineId): string {
  return `${m.hostname ?? ''}|${m.ip ?? ''}`;
}

export function machineMatches(m: MachineId, hostname: string, ip: string): boolean {
  if (m.hostname === undefined && m.ip === undefined) return false;
  return (m.hostname === undefined || m.hostname === hostname) && (m.ip === undefined || m.ip === ip);
}

/**
 * The master's maintenance book-keeping: scheduled machines are DRAINING until an
 * operator brings them DOWN (start maintenance) and back UP (stop maintenance), which
 * also takes them out of the schedule. Rules follow docs/maintenance.md.
 */
export class MaintenanceBook {
  #windows: MaintenanceWindow[] = [];
  readonly #modes = new Map<string, { machine: MachineId; mode: MachineMode }>();

  get windows(): readonly MaintenanceWindow[] {
    return this.#windows;
  }

  updateSchedule(windows: readonly MaintenanceWindow[]): Result<void, Error> {
    const scheduled = new Map<string, MachineId>();
    for (const w of windows) {
      for (const m of w.machines) {
        if (m.hostname === undefined && m.ip === undefined) return err(new Error('a machine needs a hostname or an ip'));
        const key = machineKey(m);
        if (scheduled.has(key)) return err(new Error(`machine ${key} appears in more than one window`));
        scheduled.set(key, m);
      }
    }
    for (const [key, entry] of this.#modes) {
      if (entry.mode === 'DOWN' && !scheduled.has(key)) {
        return err(new Error(`machine ${key} is DOWN and cannot be removed from the schedule`));
      }
    }
    this.#windows = windows.map((w) => ({ ...w, machines: [...w.machines] }));
    for (const key of [...this.#modes.keys()]) if (!scheduled.has(key)) this.#modes.delete(key);
    for (const [key, m] of scheduled) if (!this.#modes.has(key)) this.#modes.set(key, { machine: m, mode: 'DRAINING' });
    return ok(undefined);
  }

  /** START_MAINTENANCE / machine/down: scheduled machines go DOWN. */
  down(machines: readonly MachineId[]): Result<void, Error> {
    for (const m of machines) {
      const entry = this.#modes.get(machineKey(m));
      if (!entry) return err(new Error(`machine ${machineKey(m)} is not in the maintenance schedule`));
    }
    for (const m of machines) {
      const entry = this.#modes.get(machineKey(m));
      if (entry) entry.mode = 'DOWN';
    }
    return ok(undefined);
  }

  /** STOP_MAINTENANCE / machine/up: DOWN machines come back and leave the schedule. */
  up(machines: readonly MachineId[]): Result<void, Error> {
    for (const m of machines) {
      const entry = this.#modes.get(machineKey(m));
      if (!entry || entry.mode !== 'DOWN') return err(new Error(`machine ${machineKey(m)} is not DOWN`));
    }
    const keys = new Set(machines.map(machineKey));
    for (const k of keys) this.#modes.delete(k);
    this.#windows = this.#windows
      .map((w) => ({ ...w, machines: w.machines.filter((m) => !keys.has(machineKey(m))) }))
      .filter((w) => w.machines.length > 0);
    return ok(undefined);
  }

  modeOf(hostname: string, ip: string): MachineMode | undefined {
    if (this.#modes.size === 0) return undefined;
    for (const { machine, mode } of this.#modes.values()) if (machineMatches(machine, hostname, ip)) return mode;
    return undefined;
  }

  /** Start of the window holding this machine, when scheduled. */
  windowStart(hostname: string, ip: string): number | undefined {
    for (const w of this.#windows) if (w.machines.some((m) => machineMatches(m, hostname, ip))) return w.start;
    return undefined;
  }

  machines(mode: MachineMode): MachineId[] {
    return [...this.#modes.values()].filter((e) => e.mode === mode).map((e) => e.machine);
  }
}
