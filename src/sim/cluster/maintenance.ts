import { isIPv4 } from 'node:net';
import { machineKey } from '../../model/machine.js';
import { err, ok, type Result } from '../../util/result.js';
import type { MachineId, MachineMode, SimWindow, WindowInput } from './types.js';

/**
 * The master's maintenance book-keeping, rule for rule as apache/mesos keeps it
 * (src/master/http.cpp `_updateMaintenanceSchedule`, `_startMaintenance`, `_stopMaintenance`;
 * src/master/maintenance.cpp `validation::*`; docs/maintenance.md). Machines are keyed with
 * Mesos's MachineID equality (`machineKey`, include/mesos/type_utils.hpp `operator==`): both
 * fields, presence included, hostname case-insensitive. A hostname-only window therefore names
 * a machine no agent runs on.
 */

/** A MachineID as the master quotes it in errors: `stringify(JSON::protobuf(id))`, fields in proto order. */
export function machineJson(m: MachineId): string {
  return JSON.stringify({ ...(m.hostname !== undefined ? { hostname: m.hostname } : {}), ...(m.ip !== undefined ? { ip: m.ip } : {}) });
}

/** maintenance.cpp `validation::machine`: a non-empty field, and an IPv4 literal (`net::IP::parse(ip, AF_INET)`). */
export function validateMachine(m: MachineId): string | undefined {
  if ((m.hostname ?? '') === '' && (m.ip ?? '') === '') return "Both 'hostname' and 'ip' for a machine are empty";
  // stout/ip.hpp `IP::parse` with AF_INET: inet_pton, IPv4 only.
  if ((m.ip ?? '') !== '' && !isIPv4(m.ip ?? '')) return `Failed to parse IPv4: ${m.ip ?? ''}`;
  return undefined;
}

/** maintenance.cpp `validation::machines` (machine/down, machine/up, START/STOP_MAINTENANCE). */
export function validateMachines(ids: readonly MachineId[]): string | undefined {
  if (ids.length === 0) return 'List of machines is empty';
  const seen = new Set<string>();
  for (const id of ids) {
    const bad = validateMachine(id);
    if (bad !== undefined) return bad;
    const key = machineKey(id);
    if (seen.has(key)) return `Machine '${machineJson(id)}' appears more than once in the schedule`;
    seen.add(key);
  }
  return undefined;
}

type Mode = MachineMode | 'UP';

const nanos = (v: bigint | string): bigint => (typeof v === 'bigint' ? v : BigInt(v));

/** Exact nanoseconds of a window, derived from its milliseconds when the caller gave none. */
function exact(w: WindowInput): SimWindow {
  const startNs = w.startNs !== undefined ? nanos(w.startNs) : BigInt(Math.round((w.start ?? 0) * 1e6));
  const durationNs = w.durationNs !== undefined ? nanos(w.durationNs) : w.durationMs !== undefined ? BigInt(Math.round(w.durationMs * 1e6)) : undefined;
  return {
    machines: [...w.machines],
    startNs,
    start: Number(startNs) / 1e6,
    ...(durationNs !== undefined ? { durationNs, durationMs: Number(durationNs) / 1e6 } : {}),
  };
}

interface MachineEntry {
  machine: MachineId;
  mode: Mode;
  window?: SimWindow;
}

export class MaintenanceBook {
  #windows: SimWindow[] = [];
  /** `Master::machines`: every machine an agent registered on or a schedule named, with its mode. */
  readonly #machines = new Map<string, MachineEntry>();
  /** The machines not UP, in `#machines` order (made again whenever modes change, but DRAINING to DOWN). */
  #notUp: MachineEntry[] = [];
  /** How many machines are DRAINING or DOWN: lets `modeOf` answer at once when none is (the scheduler asks per offer). */
  #inMaintenance = 0;
  #version = 0;

  get windows(): readonly SimWindow[] {
    return this.#windows;
  }

  /** Moves whenever the schedule or a machine's mode may have changed (readers that keep per-agent modes look again). */
  get version(): number {
    return this.#version;
  }

  /** master.cpp `Master::addSlave`: the agent's machine becomes known (UP unless scheduled). */
  noteMachine(m: MachineId): void {
    const key = machineKey(m);
    if (!this.#machines.has(key)) this.#machines.set(key, { machine: m, mode: 'UP' });
  }

  /** maintenance.cpp `validation::schedule`, then http.cpp `___updateMaintenanceSchedule`. */
  updateSchedule(input: readonly WindowInput[]): Result<void, Error> {
    const windows = input.map(exact);
    const updated = new Map<string, { machine: MachineId; window: SimWindow }>();
    for (const w of windows) {
      if (w.machines.length === 0) return err(new Error('List of machines in the maintenance window is empty'));
      // maintenance.cpp `validation::unavailability`.
      if (w.durationNs !== undefined && w.durationNs < 0n) return err(new Error("Unavailability 'duration' is negative"));
      for (const m of w.machines) {
        const bad = validateMachine(m);
        if (bad !== undefined) return err(new Error(bad));
        const key = machineKey(m);
        if (updated.has(key)) return err(new Error(`Machine '${machineJson(m)}' appears more than once in the schedule`));
        updated.set(key, { machine: m, window: w });
      }
    }
    for (const [key, e] of this.#machines) {
      if (e.mode === 'DOWN' && !updated.has(key)) {
        return err(new Error(`Machine '${machineJson(e.machine)}' is deactivated and cannot be removed from the schedule`));
      }
    }
    // Machines left out go back UP; machines already DRAINING or DOWN keep their mode; new ones start DRAINING.
    for (const [key, e] of this.#machines) {
      const next = updated.get(key);
      if (next === undefined) {
        e.mode = 'UP';
        delete e.window;
      } else if (e.mode !== 'UP') e.window = next.window;
    }
    for (const [key, { machine, window }] of updated) {
      const e = this.#machines.get(key);
      // The machine's info takes the id as this schedule names it (`info.mutable_id()->CopyFrom(id)`).
      if (e === undefined || e.mode === 'UP') this.#machines.set(key, { machine, mode: 'DRAINING', window });
    }
    this.#windows = windows;
    this.#recount();
    this.#version++;
    return ok(undefined);
  }

  #recount(): void {
    const notUp: MachineEntry[] = [];
    for (const e of this.#machines.values()) if (e.mode !== 'UP') notUp.push(e);
    this.#notUp = notUp;
    this.#inMaintenance = notUp.length;
  }

  /** http.cpp `_startMaintenance`: every machine must be known and DRAINING; they go DOWN. */
  down(ids: readonly MachineId[]): Result<void, Error> {
    const bad = this.#check(ids, 'DRAINING', 'brought down');
    if (bad !== undefined) return err(new Error(bad));
    for (const id of ids) {
      const e = this.#machines.get(machineKey(id));
      if (e) e.mode = 'DOWN';
    }
    this.#version++;
    return ok(undefined);
  }

  /** http.cpp `_stopMaintenance`: every machine must be DOWN; they go UP and leave the schedule. */
  up(ids: readonly MachineId[]): Result<void, Error> {
    const bad = this.#check(ids, 'DOWN', 'brought up');
    if (bad !== undefined) return err(new Error(bad));
    const keys = new Set(ids.map(machineKey));
    for (const k of keys) {
      const e = this.#machines.get(k);
      if (e) {
        e.mode = 'UP';
        delete e.window;
      }
    }
    this.#windows = this.#windows
      .map((w) => ({ ...w, machines: w.machines.filter((m) => !keys.has(machineKey(m))) }))
      .filter((w) => w.machines.length > 0);
    this.#recount();
    this.#version++;
    return ok(undefined);
  }

  #check(ids: readonly MachineId[], mode: MachineMode, verb: string): string | undefined {
    const bad = validateMachines(ids);
    if (bad !== undefined) return bad;
    for (const id of ids) {
      const e = this.#machines.get(machineKey(id));
      if (e === undefined) return `Machine '${machineJson(id)}' is not part of a maintenance schedule`;
      if (e.mode !== mode) return `Machine '${machineJson(id)}' is not in ${mode} mode and cannot be ${verb}`;
    }
    return undefined;
  }

  /** Mode of exactly this machine (Mesos equality), undefined when UP or unknown. */
  modeOf(m: MachineId): MachineMode | undefined {
    return this.#inMaintenance === 0 ? undefined : this.modeOfKey(machineKey(m));
  }

  /** True when some machine is DRAINING or DOWN. */
  get any(): boolean {
    return this.#inMaintenance > 0;
  }

  /** `modeOf` for a machine's `machineKey` (callers asking per offer keep the key). */
  modeOfKey(key: string): MachineMode | undefined {
    if (this.#inMaintenance === 0) return undefined;
    const e = this.#machines.get(key);
    return e === undefined || e.mode === 'UP' ? undefined : e.mode;
  }

  /** The window holding exactly this machine, when scheduled. */
  windowOf(m: MachineId): SimWindow | undefined {
    return this.#inMaintenance === 0 ? undefined : this.windowOfKey(machineKey(m));
  }

  /** `windowOf` for a machine's `machineKey`. */
  windowOfKey(key: string): SimWindow | undefined {
    if (this.#inMaintenance === 0) return undefined;
    return this.#machines.get(key)?.window;
  }

  /** Machines in a mode, as they were first named. */
  machines(mode: MachineMode): MachineId[] {
    // Only machines in maintenance can be in a mode: not every machine ever known (the observer asks every cycle).
    return this.#notUp.filter((e) => e.mode === mode).map((e) => e.machine);
  }
}
