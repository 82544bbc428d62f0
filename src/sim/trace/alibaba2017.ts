import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import { asksForNothing, misfit } from './fit.js';
import type { ImportResult } from './google2011.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for Alibaba cluster-trace-v2017 `batch_task.csv`, as documented in alibaba/clusterdata
 * `cluster-trace-v2017/trace_201708.md` ("Task table") and `schema.csv`: CSV without header,
 *   0 create_timestamp (s), 1 modify_timestamp (s, latest state change), 2 job_id, 3 task_id,
 *   4 instance_num, 5 status (Ready | Waiting | Running | Terminated | Failed | Cancelled),
 *   6 plan_cpu (cpu per instance, in hundredths of a core), 7 plan_mem (memory per instance,
 *   normalised to the machine).
 * plan_cpu is "NOT normalized" (to the machine), but its unit is 1/100 core as in the 2018 trace:
 * the real file (bench/traces/README.md) holds 50 for 66 % of its tasks, 100 for 22 %, 40..800 for
 * the rest, beside plan_mem of ~0.5..2 % of a 64-cpu machine and up to 15,837 instances a task;
 * read as whole cores, most tasks would ask for 50 of the machine's 64 cpus.
 * Timestamps are relative to the trace start; 0 or negative means "before the trace".
 * A task is present from its creation to its last state change (Terminated, Failed, Cancelled);
 * a Running task runs until the trace ends; Ready and Waiting tasks never started and are skipped
 * before their numbers are read (the real file leaves plan_cpu and plan_mem empty for them).
 */
const COLUMN_NAMES = ['create_timestamp', 'modify_timestamp', 'job_id', 'task_id', 'instance_num', 'status', 'plan_cpu', 'plan_mem'] as const;
const NEVER_STARTED: ReadonlySet<string> = new Set(['Ready', 'Waiting']);

export interface Alibaba2017ImportOptions {
  /** The machine plan_mem is normalised to; tasks that do not fit it are skipped. */
  readonly nodeShape: NodeShape;
  /** plan_cpu units per core: default 100 (see above); 1 reads plan_cpu as whole cores. */
  readonly planCpuPerCore?: number;
  /** Keep only these statuses (e.g. ["Terminated"]); default: all that ran. */
  readonly statuses?: readonly string[];
}

export function importAlibaba2017BatchTask(text: string, options: Alibaba2017ImportOptions): Result<ImportResult, string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const perCore = options.planCpuPerCore ?? 100;
  const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);
  const errors: RowError[] = [];
  const skipped: string[] = [];
  const kept: { task: Omit<TraceTask, 'submitAt'>; create: number }[] = [];
  for (const row of rows.value) {
    const f = row.fields;
    if (f.length !== COLUMN_NAMES.length) {
      errors.push({ line: row.line, message: `expected ${COLUMN_NAMES.length} fields, got ${f.length}` });
      continue;
    }
    const status = f[5] ?? '';
    const where = `line ${row.line}: task ${f[2] ?? ''}/${f[3] ?? ''}`;
    if (statuses !== undefined && !statuses.has(status)) {
      skipped.push(`${where} status ${status}`);
      continue;
    }
    if (NEVER_STARTED.has(status)) {
      skipped.push(`${where} never started (status ${status})`);
      continue;
    }
    const before = errors.length;
    const num = (c: number, min = -Infinity): number => {
      const s = f[c] ?? '';
      const n = Number(s);
      if (s === '' || !Number.isFinite(n) || n < min) errors.push({ line: row.line, column: COLUMN_NAMES[c], message: `expected a number${min > -Infinity ? ` >= ${min}` : ''}, got "${s}"` });
      return n;
    };
    const create = num(0);
    const modify = num(1);
    const instances = num(4, 0);
    const cpu = num(6, 0);
    const mem = num(7, 0);
    if (errors.length > before) continue;
    const running = status === 'Running';
    if (instances < 1 || (!running && modify < create)) {
      skipped.push(`${where} ${instances < 1 ? 'has no instances' : 'ends before it was created'}`);
      continue;
    }
    const task = {
      id: `${f[2] ?? ''}/${f[3] ?? ''}`,
      ...(running ? {} : { durationMs: (modify - Math.max(0, create)) * 1000 }),
      instances: Math.round(instances),
      cpus: cpu / perCore,
      mem: mem * options.nodeShape.mem,
      disk: 0,
      gpus: 0,
      constraints: [],
      kind: 'batch' as const,
      app: `job-${f[2] ?? ''}`,
    };
    const why = misfit(task, options.nodeShape);
    if (why !== undefined || asksForNothing(task)) {
      skipped.push(`${where} ${why ?? 'asks for nothing'}`);
      continue;
    }
    kept.push({ task, create: Math.max(0, create) });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));
  // Tasks created before the trace (time 0 or negative) all start at 0.
  let origin = Infinity;
  for (const k of kept) origin = Math.min(origin, k.create);
  const tasks = kept.map((k) => ({ ...k.task, submitAt: (k.create - origin) * 1000 }));
  tasks.sort((a, b) => a.submitAt - b.submitAt);
  return ok({ tasks, skipped });
}
