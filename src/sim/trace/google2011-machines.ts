import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import type { NodeShape } from './task.js';

/**
 * Importer for Google cluster-data 2011 (clusterdata-2011-2) `machine_events`, for node shapes.
 * Per the trace's v2.1 format + schema document (linked from google/cluster-data
 * `ClusterData2011_2.md`): CSV without header,
 *   0 timestamp (µs), 1 machine ID, 2 event type (0 ADD, 1 REMOVE, 2 UPDATE), 3 platform ID,
 *   4 CPU capacity, 5 memory capacity,
 * capacities normalised so the largest machine is 1 (each dimension on its own); either may be
 * empty. Each machine's last known capacity is counted once; the most common one is the shape.
 */
export const GOOGLE_MACHINE_EVENT = { ADD: 0, REMOVE: 1, UPDATE: 2 } as const;
const COLUMN_NAMES = ['timestamp', 'machine ID', 'event type', 'platform ID', 'CPU capacity', 'memory capacity'] as const;

/** A normalised machine capacity and how many machines have it. */
export interface MachineShapeCount {
  readonly cpu: number;
  readonly mem: number;
  readonly machines: number;
}

export interface MachineShapes {
  /** Distinct capacities, most machines first (ties: the bigger machine first). */
  readonly shapes: readonly MachineShapeCount[];
  /** Machines with a known capacity. */
  readonly machines: number;
}

export function importGoogle2011MachineEvents(text: string): Result<MachineShapes, string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const errors: RowError[] = [];
  const last = new Map<string, { cpu: number; mem: number }>();
  const parsed: { line: number; time: number; id: string; cpu?: number; mem?: number }[] = [];
  for (const row of rows.value) {
    const f = row.fields;
    if (f.length < 3 || f.length > COLUMN_NAMES.length) {
      errors.push({ line: row.line, message: `expected ${COLUMN_NAMES.length} fields, got ${f.length}` });
      continue;
    }
    const time = Number(f[0]);
    const type = Number(f[2]);
    if (f[0] === '' || !Number.isInteger(time)) {
      errors.push({ line: row.line, column: COLUMN_NAMES[0], message: `expected an integer (µs), got "${f[0] ?? ''}"` });
      continue;
    }
    if ((f[1] ?? '') === '') {
      errors.push({ line: row.line, column: COLUMN_NAMES[1], message: 'is empty' });
      continue;
    }
    if (f[2] === '' || !(type === 0 || type === 1 || type === 2)) {
      errors.push({ line: row.line, column: COLUMN_NAMES[2], message: `expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "${f[2] ?? ''}"` });
      continue;
    }
    const cap = (c: 4 | 5): number | undefined => {
      const s = (f[c] ?? '').trim();
      if (s === '') return undefined;
      const n = Number(s);
      if (!Number.isFinite(n) || n < 0 || n > 1) errors.push({ line: row.line, column: COLUMN_NAMES[c], message: `expected a normalised capacity 0..1, got "${s}"` });
      return n;
    };
    const cpu = cap(4);
    const mem = cap(5);
    if (type === GOOGLE_MACHINE_EVENT.REMOVE) continue;
    parsed.push({ line: row.line, time, id: f[1] ?? '', ...(cpu === undefined ? {} : { cpu }), ...(mem === undefined ? {} : { mem }) });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));
  parsed.sort((a, b) => a.time - b.time);
  for (const e of parsed) {
    if (e.cpu === undefined || e.mem === undefined) continue;
    last.set(e.id, { cpu: e.cpu, mem: e.mem });
  }
  const counts = new Map<string, MachineShapeCount>();
  for (const c of last.values()) {
    const key = `${c.cpu}|${c.mem}`;
    const prev = counts.get(key);
    counts.set(key, { cpu: c.cpu, mem: c.mem, machines: (prev?.machines ?? 0) + 1 });
  }
  const shapes = [...counts.values()].sort((a, b) => b.machines - a.machines || b.cpu - a.cpu || b.mem - a.mem);
  if (shapes.length === 0) return err(['no machine with both a CPU and a memory capacity (columns 5 and 6)']);
  return ok({ shapes, machines: last.size });
}

/**
 * The node template of the most common machine, in real units: the trace's capacities are
 * fractions of its largest machine, whose size `largest` gives (e.g. --node-cpus/--node-mem).
 */
export function commonNodeShape(shapes: MachineShapes, largest: NodeShape): NodeShape {
  const top = shapes.shapes[0];
  if (top === undefined) return largest;
  return { ...largest, cpus: top.cpu * largest.cpus, mem: Math.round(top.mem * largest.mem) };
}
