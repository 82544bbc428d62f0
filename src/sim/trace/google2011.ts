import type { Constraint } from '../../model/pending.js';
import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for Google cluster-data 2011 (clusterdata-2011-2) `task_events` files:
 * CSV without header, columns in this order (schema v2.1):
 *   0 time (µs), 1 missing info, 2 job ID, 3 task index, 4 machine ID, 5 event type,
 *   6 user, 7 scheduling class, 8 priority, 9 CPU request, 10 memory request,
 *   11 disk space request, 12 different-machines restriction.
 * Requests are normalised to the largest machine (0..1) and are scaled here to `nodeShape`.
 */
export const GOOGLE_EVENT = {
  SUBMIT: 0,
  SCHEDULE: 1,
  EVICT: 2,
  FAIL: 3,
  FINISH: 4,
  KILL: 5,
  LOST: 6,
  UPDATE_PENDING: 7,
  UPDATE_RUNNING: 8,
} as const;

const TERMINAL: ReadonlySet<number> = new Set([GOOGLE_EVENT.EVICT, GOOGLE_EVENT.FAIL, GOOGLE_EVENT.FINISH, GOOGLE_EVENT.KILL, GOOGLE_EVENT.LOST]);
const COLUMN_NAMES = ['time', 'missing info', 'job ID', 'task index', 'machine ID', 'event type', 'user', 'scheduling class', 'priority', 'CPU request', 'memory request', 'disk space request', 'different-machines restriction'] as const;

export interface GoogleImportOptions {
  /** Machine size the normalised requests are scaled to. */
  readonly nodeShape: NodeShape;
  /** Trace time (µs) taken as time 0; default: the earliest time in the file. */
  readonly originUs?: number;
  /** Duration measured from SUBMIT (default) or from the first SCHEDULE of the episode. */
  readonly durationFrom?: 'submit' | 'schedule';
  /** Priority at or above which a task is a service (Google's production band is 9..11); default 9. */
  readonly servicePriority?: number;
}

export interface ImportResult {
  readonly tasks: TraceTask[];
  /** Rows or tasks left out, with why (not errors: the trace is usable without them). */
  readonly skipped: string[];
}

interface Episode {
  readonly key: string;
  readonly seq: number;
  readonly submitUs: number;
  scheduleUs?: number;
  endUs?: number;
  cpu?: number;
  mem?: number;
  disk?: number;
  unique: boolean;
  priority: number;
}

/** Parses an optional float column; undefined when empty. */
function optionalNumber(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function importGoogle2011TaskEvents(text: string, options: GoogleImportOptions): Result<ImportResult, string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const errors: RowError[] = [];
  const skipped: string[] = [];
  const open = new Map<string, Episode>();
  const episodes: Episode[] = [];
  const seqByKey = new Map<string, number>();

  // Rows are processed in time order; the files are sorted, but a stable sort makes hand-made files safe.
  const parsed: { line: number; time: number; job: string; index: string; type: number; fields: readonly string[] }[] = [];
  for (const row of rows.value) {
    const f = row.fields;
    if (f.length < 6) {
      errors.push({ line: row.line, message: `expected 13 fields, got ${f.length}` });
      continue;
    }
    const time = Number(f[0]);
    const type = Number(f[5]);
    if (f[0] === '' || !Number.isInteger(time)) {
      errors.push({ line: row.line, column: COLUMN_NAMES[0], message: `expected an integer (µs), got "${f[0]}"` });
      continue;
    }
    if (f[5] === '' || !Number.isInteger(type) || type < 0 || type > 8) {
      errors.push({ line: row.line, column: COLUMN_NAMES[5], message: `expected an event type 0..8, got "${f[5]}"` });
      continue;
    }
    for (const c of [9, 10, 11]) {
      const v = optionalNumber(f[c]);
      if (v !== undefined && (Number.isNaN(v) || v < 0)) {
        errors.push({ line: row.line, column: COLUMN_NAMES[c], message: `expected a normalised request >= 0, got "${f[c]}"` });
      }
    }
    parsed.push({ line: row.line, time, job: f[2] ?? '', index: f[3] ?? '', type, fields: f });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));
  parsed.sort((a, b) => a.time - b.time);

  const servicePriority = options.servicePriority ?? 9;
  for (const ev of parsed) {
    const key = `${ev.job}/${ev.index}`;
    const f = ev.fields;
    let episode = open.get(key);
    if (ev.type === GOOGLE_EVENT.SUBMIT) {
      if (episode !== undefined) continue; // resubmission while pending: same episode
      const seq = (seqByKey.get(key) ?? 0) + 1;
      seqByKey.set(key, seq);
      episode = { key, seq, submitUs: ev.time, unique: false, priority: Number(f[8] ?? 0) || 0 };
      open.set(key, episode);
      episodes.push(episode);
    } else if (episode === undefined) {
      skipped.push(`line ${ev.line}: event ${ev.type} for task ${key} without an open SUBMIT`);
      continue;
    }
    const cpu = optionalNumber(f[9]);
    const mem = optionalNumber(f[10]);
    const disk = optionalNumber(f[11]);
    if (cpu !== undefined) episode.cpu = cpu;
    if (mem !== undefined) episode.mem = mem;
    if (disk !== undefined) episode.disk = disk;
    if ((f[12] ?? '').trim() === '1') episode.unique = true;
    if ((f[8] ?? '').trim() !== '') episode.priority = Number(f[8]);
    if (ev.type === GOOGLE_EVENT.SCHEDULE && episode.scheduleUs === undefined) episode.scheduleUs = ev.time;
    if (TERMINAL.has(ev.type)) {
      episode.endUs = ev.time;
      open.delete(key);
    }
  }

  // parsed is sorted by time, so its first row is the earliest.
  const origin = options.originUs ?? parsed[0]?.time ?? 0;
  const shape = options.nodeShape;
  const tasks: TraceTask[] = [];
  for (const e of episodes) {
    if (e.cpu === undefined && e.mem === undefined) {
      skipped.push(`task ${e.key}: no resource request`);
      continue;
    }
    const startUs = options.durationFrom === 'schedule' ? (e.scheduleUs ?? e.submitUs) : e.submitUs;
    const constraints: Constraint[] = e.unique ? [{ field: 'hostname', operator: 'UNIQUE' }] : [];
    const [job] = e.key.split('/');
    tasks.push({
      id: e.seq === 1 ? e.key : `${e.key}#${e.seq}`,
      submitAt: (e.submitUs - origin) / 1000,
      durationMs: e.endUs === undefined ? undefined : (e.endUs - startUs) / 1000,
      instances: 1,
      cpus: (e.cpu ?? 0) * shape.cpus,
      mem: (e.mem ?? 0) * shape.mem,
      disk: (e.disk ?? 0) * (shape.disk ?? 0),
      gpus: 0,
      constraints,
      kind: e.priority >= servicePriority ? 'service' : 'batch',
      app: `job-${job ?? ''}`,
    });
  }
  return ok({ tasks, skipped });
}
