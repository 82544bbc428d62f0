import { z } from 'zod';
import { err, ok, type Result } from '../../util/result.js';
import { formatRowError, readCsvRows, type RowError } from './csv-rows.js';
import type { ImportResult } from './google2011.js';
import type { NodeShape, TraceTask } from './task.js';

/**
 * Importer for Alibaba cluster-trace-gpu-v2023 pod lists (`openb_pod_list_*.csv`): CSV with the header
 *   name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
 * Times are seconds. Every row becomes one pod (one instance) alive from creation to deletion.
 */
export const ALIBABA2023_COLUMNS = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli', 'gpu_spec', 'qos', 'pod_phase', 'creation_time', 'deletion_time', 'scheduled_time'] as const;

export interface Alibaba2023ImportOptions {
  /**
   * Size of one node: pods that could never fit it (more cpus, memory or GPUs than the node has)
   * are skipped, since they would stay pending for the whole run whatever the policy does.
   */
  readonly nodeShape?: NodeShape;
  /** Multiplies submit times and durations (0.1: the trace runs 10x shorter); default 1. */
  readonly timeScale?: number;
  /** Skip pods that ask for GPUs (for a CPU-only cluster); default false. */
  readonly dropGpuPods?: boolean;
  /** Keep only these pod phases (e.g. ["Running", "Succeeded"]); default: all, Pending and Failed included. */
  readonly phases?: readonly string[];
}

const count = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, { error: `expected ${what}` })
    .transform(Number);
const optionalCount = z.union([z.literal('').transform(() => undefined), count('a whole number of seconds or nothing')]);

const rowSchema = z.object({
  name: z.string().min(1, { error: 'must not be empty' }),
  cpu_milli: count('whole milli-cores >= 0'),
  memory_mib: count('whole MiB >= 0'),
  num_gpu: count('a whole number of GPUs >= 0'),
  gpu_milli: count('whole milli-GPUs >= 0').pipe(z.number().max(1000, { error: 'must be <= 1000 (one GPU)' })),
  gpu_spec: z.string(),
  qos: z.string().min(1, { error: 'must not be empty' }),
  pod_phase: z.string().min(1, { error: 'must not be empty' }),
  creation_time: count('whole seconds >= 0'),
  deletion_time: optionalCount,
  scheduled_time: optionalCount,
});
type Row = z.infer<typeof rowSchema> & { readonly line: number };

/**
 * GPUs a pod holds on a Mesos agent. Mesos has no fractional GPUs, so a GPU-sharing pod
 * (num_gpu 1, gpu_milli < 1000) takes one whole GPU: the GPU demand is rounded up per pod.
 */
export function wholeGpus(numGpu: number, gpuMilli: number): number {
  return Math.max(numGpu, Math.ceil(gpuMilli / 1000));
}

export function importAlibaba2023OpenbPods(text: string, options: Alibaba2023ImportOptions = {}): Result<ImportResult, string[]> {
  const scale = options.timeScale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) return err([`timeScale must be a number > 0, got ${scale}`]);
  const parsed = readCsvRows(text);
  if (!parsed.ok) return err([parsed.error]);
  const [header, ...records] = parsed.value;
  if (!header) return err(['empty file: expected the header ' + ALIBABA2023_COLUMNS.join(',')]);
  if (header.fields.join(',') !== ALIBABA2023_COLUMNS.join(',')) {
    return err([formatRowError({ line: header.line, message: `expected the header ${ALIBABA2023_COLUMNS.join(',')}, got ${header.fields.join(',')}` })]);
  }

  const errors: RowError[] = [];
  const rows: Row[] = [];
  for (const record of records) {
    if (record.fields.length !== ALIBABA2023_COLUMNS.length) {
      errors.push({ line: record.line, message: `expected ${ALIBABA2023_COLUMNS.length} fields, got ${record.fields.length}` });
      continue;
    }
    const input = Object.fromEntries(ALIBABA2023_COLUMNS.map((c, i) => [c, record.fields[i] ?? '']));
    const result = rowSchema.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues) errors.push({ line: record.line, column: String(issue.path[0] ?? ''), message: issue.message });
      continue;
    }
    const row = result.data;
    if (row.deletion_time !== undefined && row.deletion_time < row.creation_time) {
      errors.push({ line: record.line, column: 'deletion_time', message: `${row.deletion_time} is before creation_time ${row.creation_time}` });
      continue;
    }
    rows.push({ ...row, line: record.line });
  }
  if (errors.length > 0) return err(errors.map(formatRowError));

  // Time 0 is the first creation among all well-formed rows, so filtering never shifts the clock.
  let origin = Infinity;
  for (const r of rows) origin = Math.min(origin, r.creation_time);
  const phases = options.phases === undefined ? undefined : new Set(options.phases);
  const node = options.nodeShape;
  const skipped: string[] = [];
  const tasks: TraceTask[] = [];
  for (const r of rows) {
    const cpus = r.cpu_milli / 1000;
    const gpus = wholeGpus(r.num_gpu, r.gpu_milli);
    if (phases !== undefined && !phases.has(r.pod_phase)) {
      skipped.push(`line ${r.line}: ${r.name} phase ${r.pod_phase}`);
      continue;
    }
    if (options.dropGpuPods === true && gpus > 0) {
      skipped.push(`line ${r.line}: ${r.name} asks for ${gpus} GPU(s)`);
      continue;
    }
    if (node !== undefined && (cpus > node.cpus || r.memory_mib > node.mem || gpus > (node.gpus ?? 0))) {
      skipped.push(`line ${r.line}: ${r.name} (${cpus} cpus, ${r.memory_mib} MiB, ${gpus} GPUs) does not fit a node of ${node.cpus} cpus, ${node.mem} MiB, ${node.gpus ?? 0} GPUs`);
      continue;
    }
    tasks.push({
      id: r.name,
      submitAt: (r.creation_time - origin) * 1000 * scale,
      // No deletion time: the pod outlives the trace (a service until the end).
      ...(r.deletion_time === undefined ? {} : { durationMs: (r.deletion_time - r.creation_time) * 1000 * scale }),
      instances: 1,
      cpus,
      mem: r.memory_mib,
      disk: 0,
      gpus,
      constraints: [],
      kind: r.qos === 'LS' ? 'service' : 'batch',
    });
  }
  // Rows are in creation order in Alibaba's files; sort anyway (stable) for hand-made ones.
  tasks.sort((a, b) => a.submitAt - b.submitAt);
  return ok({ tasks, skipped });
}
