import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import { asksForNothing, misfit } from './fit.js';
import type { ImportResult } from './google2011.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for the Azure Public Dataset V1 (2017) `vmtable.csv`: CSV without header, the columns
 * the dataset's own analysis notebook reads (Azure/AzurePublicDataset,
 * `analysis/Azure Public Dataset - Trace Analysis.ipynb`; schema in `AzurePublicDatasetV1.md`):
 *   0 vmid, 1 subscriptionid, 2 deploymentid, 3 vmcreated (s), 4 vmdeleted (s), 5 maxcpu, 6 avgcpu,
 *   7 p95maxcpu, 8 vmcategory (Delay-insensitive | Interactive | Unknown), 9 vmcorecount,
 *   10 vmmemory (GB).
 * Core and memory counts are size buckets: V1 writes the bucket's number (1, 2, 4, 8, 24 cores;
 * 0.75 .. 70 GB), V2 also writes an open top bucket as `>24` / `>64`, read here as its lower bound
 * (an under-estimate; docs/traces.md says so).
 * Each VM is one instance alive from creation to deletion, at least 300 s (the notebook's
 * `np.maximum(vmdeleted - vmcreated, 300)`: timestamps are 5-minute readings). Interactive VMs are
 * services, the others batch; VMs alive at the trace's end simply run until then.
 */
const COLUMN_NAMES = ['vmid', 'subscriptionid', 'deploymentid', 'vmcreated', 'vmdeleted', 'maxcpu', 'avgcpu', 'p95maxcpu', 'vmcategory', 'vmcorecount', 'vmmemory'] as const;
const MIN_LIFETIME_S = 300;
const MB_PER_GB = 1024;

export interface Azure2017ImportOptions {
  /** VMs bigger than one node are skipped (listed with why). */
  readonly nodeShape?: NodeShape;
}

/** A bucket value: a number, or `>N` read as N. */
function bucket(s: string): number {
  const t = s.trim();
  return Number(t.startsWith('>') ? t.slice(1) : t);
}

export function importAzure2017VmTable(text: string, options: Azure2017ImportOptions = {}): Result<ImportResult, string[]> {
  const rows = readCsvRows(text);
  if (!rows.ok) return err([rows.error]);
  const errors: RowError[] = [];
  const skipped: string[] = [];
  const kept: { task: Omit<TraceTask, 'submitAt'>; created: number }[] = [];
  for (const row of rows.value) {
    const f = row.fields;
    if (f.length !== COLUMN_NAMES.length) {
      errors.push({ line: row.line, message: `expected ${COLUMN_NAMES.length} fields, got ${f.length}` });
      continue;
    }
    const before = errors.length;
    const check = (c: number, n: number, what: string): number => {
      if ((f[c] ?? '').trim() === '' || !Number.isFinite(n) || n < 0) errors.push({ line: row.line, column: COLUMN_NAMES[c], message: `expected ${what}, got "${f[c] ?? ''}"` });
      return n;
    };
    const created = check(3, Number(f[3]), 'seconds >= 0');
    const deleted = check(4, Number(f[4]), 'seconds >= 0');
    const cores = check(9, bucket(f[9] ?? ''), 'a core count or bucket (e.g. 2, >24)');
    const memGb = check(10, bucket(f[10] ?? ''), 'GB or a GB bucket (e.g. 3.5, >64)');
    if (errors.length > before) continue;
    if (deleted < created) {
      errors.push({ line: row.line, column: 'vmdeleted', message: `${deleted} is before vmcreated ${created}` });
      continue;
    }
    const task = {
      id: f[0] ?? `vm-${row.line}`,
      durationMs: Math.max(deleted - created, MIN_LIFETIME_S) * 1000,
      instances: 1,
      cpus: cores,
      mem: memGb * MB_PER_GB,
      disk: 0,
      gpus: 0,
      constraints: [],
      kind: f[8] === 'Interactive' ? ('service' as const) : ('batch' as const),
      app: f[2] ?? '',
    };
    const why = options.nodeShape === undefined ? undefined : misfit(task, options.nodeShape);
    if (why !== undefined || asksForNothing(task)) {
      skipped.push(`line ${row.line}: VM ${task.id} ${why ?? 'asks for nothing'}`);
      continue;
    }
    kept.push({ task, created });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));
  let origin = Infinity;
  for (const k of kept) origin = Math.min(origin, k.created);
  const tasks = kept.map((k) => ({ ...k.task, submitAt: (k.created - origin) * 1000 }));
  tasks.sort((a, b) => a.submitAt - b.submitAt);
  return ok({ tasks, skipped });
}
