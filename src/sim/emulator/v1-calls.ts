import type { MachineId, MaintenanceWindow } from '../cluster/types.js';
import { isRecord } from './http-util.js';

/** Reads `{nanoseconds}` (a `TimeInfo` / `DurationInfo`) into milliseconds. */
export function nanosToMs(v: unknown): number | undefined {
  if (!isRecord(v)) return undefined;
  const n = v['nanoseconds'];
  return typeof n === 'number' ? n / 1e6 : undefined;
}

export function parseMachineIds(v: unknown): MachineId[] | string {
  if (!Array.isArray(v)) return 'machines must be a list of {hostname, ip}';
  const out: MachineId[] = [];
  for (const m of v) {
    if (!isRecord(m)) return 'machine must be an object';
    const hostname = m['hostname'];
    const ip = m['ip'];
    if (hostname !== undefined && typeof hostname !== 'string') return 'hostname must be a string';
    if (ip !== undefined && typeof ip !== 'string') return 'ip must be a string';
    if (hostname === undefined && ip === undefined) return 'a machine needs a hostname or an ip';
    out.push({ ...(hostname !== undefined ? { hostname } : {}), ...(ip !== undefined ? { ip } : {}) });
  }
  return out;
}

/** `maintenance.Schedule` JSON into windows; a string says what is wrong. */
export function parseSchedule(v: unknown): MaintenanceWindow[] | string {
  if (!isRecord(v)) return 'schedule must be an object';
  const windows = v['windows'] ?? [];
  if (!Array.isArray(windows)) return 'windows must be a list';
  const out: MaintenanceWindow[] = [];
  for (const w of windows) {
    if (!isRecord(w)) return 'window must be an object';
    const machines = parseMachineIds(w['machine_ids']);
    if (typeof machines === 'string') return machines;
    const un = w['unavailability'];
    if (!isRecord(un)) return 'window needs an unavailability';
    const start = nanosToMs(un['start']);
    if (start === undefined) return 'unavailability needs a start';
    const duration = nanosToMs(un['duration']);
    out.push({ machines, start, ...(duration !== undefined ? { durationMs: duration } : {}) });
  }
  return out;
}
