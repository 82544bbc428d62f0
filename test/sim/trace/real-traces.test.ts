import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/sim/trace/formats.js';
import type { TraceTask } from '../../../src/sim/trace/task.js';

/**
 * The real public trace excerpts kept in bench/traces/ (sources and terms in its README.md), read
 * by their importers. The counts were taken by hand from the files (awk over the raw columns), not
 * from the importers, so these show the importers read the published formats as they are.
 */
const bench = (name: string): string => readFileSync(new URL(`../../../bench/traces/${name}`, import.meta.url), 'utf8');

function imported(format: Parameters<typeof importTrace>[0], file: string, node: { cpus: number; mem: number }) {
  const r = importTrace(format, bench(file), { nodeShape: node });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

const lastSubmitS = (tasks: readonly TraceTask[]): number => Math.max(...tasks.map((t) => t.submitAt)) / 1000;
const instances = (tasks: readonly TraceTask[]): number => tasks.reduce((n, t) => n + t.instances, 0);

describe('Parallel Workloads Archive HPC2N-2002 (SWF 2.2), first 17 days', () => {
  // Seth: 120 dual-processor nodes, 1 GB each (Alea's hpc2n.swf.machines: "seth 120 2 1 1048576").
  const r = imported('swf', 'pwa-hpc2n-2002-first-17-days.swf', { cpus: 2, mem: 1024 });

  it('keeps every job with a run time: 340 jobs, 6 without one (status -1, run -1; line numbers by grep -n)', () => {
    expect(r.tasks).toHaveLength(334);
    expect(r.skipped).toEqual([
      'line 34: job 16 has no run time',
      'line 36: job 18 has no run time',
      'line 37: job 19 has no run time',
      'line 39: job 21 has no run time',
      'line 46: job 58 has no run time',
      'line 51: job 63 has no run time',
    ]);
  });

  it('makes one 1-cpu instance per processor over the log\'s own time span', () => {
    expect(instances(r.tasks)).toBe(6379);
    expect(lastSubmitS(r.tasks)).toBe(1_487_300);
    const procSeconds = r.tasks.reduce((s, t) => s + t.instances * (t.durationMs ?? 0) / 1000, 0);
    expect(procSeconds / 3600).toBeCloseTo(20_529.2, 1);
    // Job 184 is the only one stating memory: 819200 KB per processor.
    expect(r.tasks.find((t) => t.id === 'job-184')).toMatchObject({ instances: 16, mem: 800, durationMs: 61_000 });
    expect(r.tasks.filter((t) => t.mem > 0)).toHaveLength(1);
  });
});

describe('Alibaba cluster-trace-v2017 batch_task, first 316 rows', () => {
  // 64-cpu machines (trace_201708.md); memory is normalised, so any size gives the same packing.
  const r = imported('alibaba2017', 'alibaba-2017-batch-task-first-316-rows.csv', { cpus: 64, mem: 131_072 });

  it('keeps the 314 tasks that started and skips the 2 Waiting ones with empty requests', () => {
    expect(r.tasks).toHaveLength(314);
    expect(r.skipped).toEqual(['line 3: task 4/7 never started (status Waiting)', 'line 4: task 4/6 never started (status Waiting)']);
    expect(r.tasks.filter((t) => t.durationMs === undefined)).toHaveLength(28);
  });

  it('reads plan_cpu 50 as half a core, over the excerpt\'s 14.7 hours of creations', () => {
    expect(instances(r.tasks)).toBe(137_310);
    const cores = r.tasks.reduce((s, t) => s + t.instances * t.cpus, 0);
    expect(cores).toBeCloseTo(79_978.9, 1);
    // Created at 6457 s..59429 s of the trace; the importer starts the first at 0.
    expect(lastSubmitS(r.tasks)).toBe(59_429 - 6457);
    expect(r.tasks.find((t) => t.id === '3/4')).toMatchObject({ submitAt: 2000, durationMs: 65_000, instances: 15_740, cpus: 0.5 });
  });
});
