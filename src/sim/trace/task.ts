import type { Constraint } from '../../model/pending.js';

export const TASK_KINDS = ['service', 'batch'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * One line of a workload trace: `instances` identical instances submitted together.
 * Sizes are per instance, in Mesos units (cpus in cores, mem and disk in MB, gpus).
 */
export interface TraceTask {
  readonly id: string;
  /** Milliseconds from the start of the trace. */
  readonly submitAt: number;
  /** How long each instance runs once placed; Infinity or undefined: a service that runs until the trace ends. */
  readonly durationMs?: number;
  readonly instances: number;
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly gpus: number;
  readonly constraints: readonly Constraint[];
  readonly kind: TaskKind;
  /** Application (Marathon app id or job name) the task belongs to, when known. */
  readonly app?: string;
}

/** True when the task runs until the trace ends. */
export function isLongRunning(task: TraceTask): boolean {
  return task.durationMs === undefined || !Number.isFinite(task.durationMs);
}

/** Trace tasks ordered by submit time, ties kept in input order. */
export function sortBySubmit(tasks: readonly TraceTask[]): TraceTask[] {
  return tasks
    .map((task, index) => ({ task, index }))
    .sort((a, b) => a.task.submitAt - b.task.submitAt || a.index - b.index)
    .map((x) => x.task);
}

/** Size of one node of the template a trace is scaled to (Mesos units). */
export interface NodeShape {
  readonly cpus: number;
  readonly mem: number;
  readonly disk?: number;
  readonly gpus?: number;
}
