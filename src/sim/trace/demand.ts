import { isLongRunning, type TraceTask } from './task.js';

/**
 * Requested cpus over time if every instance were placed the moment it is submitted:
 * a quick look at a trace's shape (peaks, troughs), sampled every `stepMs` over [0, endMs).
 */
export function offeredCpus(tasks: readonly TraceTask[], stepMs: number, endMs: number): Float64Array {
  const n = Math.max(1, Math.ceil(endMs / stepMs));
  const delta = new Float64Array(n + 1);
  for (const t of tasks) {
    const load = t.cpus * t.instances;
    const from = Math.max(0, Math.ceil(t.submitAt / stepMs));
    const until = isLongRunning(t) || t.durationMs === undefined ? n : Math.min(n, Math.ceil((t.submitAt + t.durationMs) / stepMs));
    if (until <= from) continue;
    delta[from] = (delta[from] ?? 0) + load;
    delta[until] = (delta[until] ?? 0) - load;
  }
  const out = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += delta[i] ?? 0;
    out[i] = acc;
  }
  return out;
}
