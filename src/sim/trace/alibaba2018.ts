import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import type { ImportResult } from './google2011.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for Alibaba cluster-trace-v2018 `batch_task.csv`: CSV without header, columns
 *   0 task_name, 1 instance_num, 2 job_name, 3 task_type, 4 status, 5 start_time (s),
 *   6 end_time (s), 7 plan_cpu (100 = 1 core), 8 plan_mem (normalised, 0..100 % of a machine).
 * Every row becomes one batch task of `instance_num` instances running start_time..end_time.
 */
const COLUMN_NAMES = ['task_name', 'instance_num', 'job_name', 'task_type', 'status', 'start_time', 'end_time', 'plan_cpu', 'plan_mem'] as const;

export interface AlibabaImportOptions {
  /** Machine size plan_mem is a percentage of (only mem is used). */
  readonly nodeShape: NodeShape;
  /** Trace time (s) taken as time 0; default: the earliest start_time in the file. */
  readonly originS?: number;
  /** Keep only rows with one of these statuses (e.g. ["Terminated"]); default: all. */
  readonly statuses?: readonly string[];
}

interface Row {
  readonly line: number;
  readonly f: readonly string[];
  readonly instances: number;
  readonly start: number;
  readonly end: number;
  readonly cpu: number;
  readonly mem: number;
}

export function importAlibaba2018BatchTask(text: string, options: AlibabaImportOptions): Result<ImportResult, string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const errors: RowError[] = [];
  const skipped: string[] = [];
  const good: Row[] = [];
  const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);

  for (const row of rows.value) {
    const f = row.fields;
    if (f.length !== COLUMN_NAMES.length) {
      errors.push({ line: row.line, message: `expected ${COLUMN_NAMES.length} fields, got ${f.length}` });
      continue;
    }
    const num = (c: number): number | undefined => {
      const s = f[c] ?? '';
      if (s === '') return undefined;
      const n = Number(s);
      if (!Number.isFinite(n) || n < 0) {
        errors.push({ line: row.line, column: COLUMN_NAMES[c], message: `expected a number >= 0, got "${s}"` });
        return undefined;
      }
      return n;
    };
    const before = errors.length;
    const instances = num(1);
    const start = num(5);
    const end = num(6);
    const cpu = num(7);
    const mem = num(8);
    if (errors.length > before) continue;
    if (statuses !== undefined && !statuses.has(f[4] ?? '')) {
      skipped.push(`line ${row.line}: status ${f[4] ?? ''}`);
      continue;
    }
    if (instances === undefined || instances < 1 || start === undefined || end === undefined || end < start) {
      skipped.push(`line ${row.line}: missing instance count or start/end time`);
      continue;
    }
    if (cpu === undefined && mem === undefined) {
      skipped.push(`line ${row.line}: no plan_cpu or plan_mem`);
      continue;
    }
    good.push({ line: row.line, f, instances: Math.round(instances), start, end, cpu: cpu ?? 0, mem: mem ?? 0 });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));

  // A loop, not Math.min(...xs): real files have millions of rows.
  let origin = options.originS ?? Infinity;
  if (options.originS === undefined) for (const r of good) origin = Math.min(origin, r.start);
  if (!Number.isFinite(origin)) origin = 0;
  const tasks: TraceTask[] = good
    .map((r) => ({
      id: `${r.f[2] ?? ''}/${r.f[0] ?? ''}`,
      submitAt: (r.start - origin) * 1000,
      durationMs: (r.end - r.start) * 1000,
      instances: r.instances,
      cpus: r.cpu / 100,
      mem: (r.mem / 100) * options.nodeShape.mem,
      disk: 0,
      gpus: 0,
      constraints: [],
      kind: 'batch' as const,
      app: r.f[2] ?? '',
    }))
    .sort((a, b) => a.submitAt - b.submitAt);
  return ok({ tasks, skipped });
}
