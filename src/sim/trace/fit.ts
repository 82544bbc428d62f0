import type { NodeShape, TraceTask } from './task.js';

/**
 * Why an instance of `task` could never run on one node of `node`, or undefined when it fits.
 * Importers skip such tasks (and say so): they would stay pending for the whole run whatever
 * the policy does, which measures the node shape, not the autoscaler.
 */
export function misfit(task: Pick<TraceTask, 'cpus' | 'mem' | 'gpus'> & { readonly disk?: number }, node: NodeShape): string | undefined {
  const over: string[] = [];
  if (task.cpus > node.cpus) over.push(`${task.cpus} cpus > ${node.cpus}`);
  if (task.mem > node.mem) over.push(`${task.mem} MB > ${node.mem}`);
  // A node shape without disk says nothing about disk (importers of CPU/memory-only traces).
  if (node.disk !== undefined && (task.disk ?? 0) > node.disk) over.push(`${task.disk ?? 0} MB disk > ${node.disk}`);
  if (task.gpus > (node.gpus ?? 0)) over.push(`${task.gpus} GPUs > ${node.gpus ?? 0}`);
  return over.length === 0 ? undefined : `does not fit a node (${over.join(', ')})`;
}

/** True when the task asks for nothing at all: it cannot move an autoscaler and is not replayed. */
export function asksForNothing(task: Pick<TraceTask, 'cpus' | 'mem' | 'disk' | 'gpus'>): boolean {
  return task.cpus <= 0 && task.mem <= 0 && task.disk <= 0 && task.gpus <= 0;
}
