import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, type RowError } from './csv-rows.js';
import { asksForNothing, misfit } from './fit.js';
import type { ImportResult } from './google2011.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for the Standard Workload Format (SWF, version 2.2) of the Parallel Workloads Archive,
 * as defined at https://www.cs.huji.ac.il/labs/parallel/workload/swf.html: one job per line,
 * 18 whitespace-separated numeric fields, -1 where a field is unknown, header comments on lines
 * starting with `;`. Fields (1-based, as the page numbers them):
 *    1 job number, 2 submit time (s), 3 wait time, 4 run time (s), 5 allocated processors,
 *    6 average CPU time used, 7 used memory (KB per processor), 8 requested processors,
 *    9 requested time, 10 requested memory (KB per processor), 11 status (1 completed, 0 failed,
 *    5 cancelled, 2-4 partial executions), 12 user, 13 group, 14 executable, 15 queue,
 *    16 partition, 17 preceding job, 18 think time.
 * A job of P processors becomes P instances of 1 cpu each (Mesos has no gang scheduling), running
 * its run time once placed; memory per instance is the requested memory per processor, else the
 * used memory, else 0 (CPU-only).
 */
export const SWF_FIELDS = [
  'job number', 'submit time', 'wait time', 'run time', 'allocated processors', 'average CPU time',
  'used memory', 'requested processors', 'requested time', 'requested memory', 'status', 'user ID',
  'group ID', 'executable number', 'queue number', 'partition number', 'preceding job', 'think time',
] as const;

export interface SwfImportOptions {
  /** Jobs whose processors or memory exceed one node are skipped (listed with why). */
  readonly nodeShape?: NodeShape;
  /** Keep only these status codes (e.g. [1] for completed jobs); default: all. */
  readonly statuses?: readonly number[];
}

const F = { job: 0, submit: 1, run: 3, allocated: 4, usedMem: 6, requested: 7, requestedMem: 9, status: 10, user: 11 } as const;

export function importSwf(text: string, options: SwfImportOptions = {}): Result<ImportResult, string[]> {
  const errors: RowError[] = [];
  const rows: { line: number; f: number[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === '' || s.startsWith(';')) return;
    const parts = s.split(/\s+/);
    if (parts.length !== SWF_FIELDS.length) {
      errors.push({ line: i + 1, message: `expected ${SWF_FIELDS.length} whitespace-separated fields, got ${parts.length}` });
      return;
    }
    const f = parts.map(Number);
    const bad = f.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) {
      errors.push({ line: i + 1, column: SWF_FIELDS[bad], message: `expected a number (-1 if unknown), got "${parts[bad] ?? ''}"` });
      return;
    }
    rows.push({ line: i + 1, f });
  });
  if (errors.length > 0) return err(errors.map(formatRowError));

  const statuses = options.statuses === undefined ? undefined : new Set(options.statuses);
  const skipped: string[] = [];
  const kept: { line: number; task: Omit<TraceTask, 'submitAt'>; submitS: number }[] = [];
  for (const { line, f } of rows) {
    const at = (k: number): number => f[k] ?? -1;
    const job = at(F.job);
    if (statuses !== undefined && !statuses.has(at(F.status))) {
      skipped.push(`line ${line}: job ${job} status ${at(F.status)}`);
      continue;
    }
    const processors = at(F.allocated) > 0 ? at(F.allocated) : at(F.requested);
    if (processors <= 0) {
      skipped.push(`line ${line}: job ${job} has no processor count`);
      continue;
    }
    if (at(F.run) < 0 || at(F.submit) < 0) {
      skipped.push(`line ${line}: job ${job} has no ${at(F.submit) < 0 ? 'submit' : 'run'} time`);
      continue;
    }
    const memKb = at(F.requestedMem) >= 0 ? at(F.requestedMem) : Math.max(0, at(F.usedMem));
    const task = {
      id: `job-${job}`,
      durationMs: at(F.run) * 1000,
      instances: Math.round(processors),
      cpus: 1,
      mem: memKb / 1024,
      disk: 0,
      gpus: 0,
      constraints: [],
      kind: 'batch' as const,
      ...(at(F.user) >= 0 ? { app: `user-${at(F.user)}` } : {}),
    };
    const why = options.nodeShape === undefined ? undefined : misfit(task, options.nodeShape);
    if (why !== undefined || asksForNothing(task)) {
      skipped.push(`line ${line}: job ${job} ${why ?? 'asks for nothing'}`);
      continue;
    }
    kept.push({ line, task, submitS: at(F.submit) });
  }
  // The format puts time 0 at the first submission; a cut-out of a log may not, so shift to it.
  let origin = Infinity;
  for (const k of kept) origin = Math.min(origin, k.submitS);
  const tasks: TraceTask[] = kept.map((k) => ({ ...k.task, submitAt: (k.submitS - origin) * 1000 }));
  tasks.sort((a, b) => a.submitAt - b.submitAt);
  return ok({ tasks, skipped });
}
