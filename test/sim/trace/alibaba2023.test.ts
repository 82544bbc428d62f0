import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importAlibaba2023OpenbPods, wholeGpus } from '../../../src/sim/trace/alibaba2023.js';
import type { TraceTask } from '../../../src/sim/trace/task.js';

const sample = readFileSync(new URL('../../fixtures/traces/alibaba-2023-openb-sample.csv', import.meta.url), 'utf8');
const HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

function tasksOf(text: string, options?: Parameters<typeof importAlibaba2023OpenbPods>[1]): { tasks: TraceTask[]; skipped: string[] } {
  const result = importAlibaba2023OpenbPods(text, options);
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value;
}

describe('Alibaba cluster-trace-gpu-v2023 pod list importer', () => {
  const all = tasksOf(sample);
  const byId = new Map(all.tasks.map((t) => [t.id, t]));

  it('keeps every pod, Pending and Failed ones included, in creation order', () => {
    expect(all.tasks.map((t) => t.id)).toEqual(['0000', '0005', '0017', '0022', '0033', '0048', '0061', '0129', '0422', '1523', '1639'].map((n) => `openb-pod-${n}`));
    expect(all.skipped).toEqual([]);
  });

  it('maps an LS pod to a service with cores, MiB and whole GPUs', () => {
    // openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0 — origin is its creation (0 s).
    expect(byId.get('openb-pod-0000')).toEqual({ id: 'openb-pod-0000', submitAt: 0, durationMs: 12_537_496_000, instances: 1, cpus: 12, mem: 16384, disk: 0, gpus: 1, constraints: [], kind: 'service' });
    // openb-pod-0005: 20 cores, no GPU, created 2759674 s, deleted 12902960 s -> 10143286 s.
    expect(byId.get('openb-pod-0005')).toMatchObject({ submitAt: 2_759_674_000, durationMs: 10_143_286_000, cpus: 20, mem: 65536, gpus: 0, kind: 'service' });
  });

  it('maps BE, Burstable and Guaranteed pods to batch', () => {
    // Burstable, 88 cores, 320 GiB, 8 GPUs: 10769854 - 9437497 = 1332357 s.
    expect(byId.get('openb-pod-0017')).toMatchObject({ submitAt: 9_437_497_000, durationMs: 1_332_357_000, cpus: 88, mem: 327680, gpus: 8, kind: 'batch' });
    expect(byId.get('openb-pod-0048')).toMatchObject({ durationMs: 21_735_000, cpus: 8, gpus: 0, kind: 'batch' }); // BE, 10013821 - 9992086
    expect(byId.get('openb-pod-0129')).toMatchObject({ durationMs: 957_000, kind: 'batch' }); // Guaranteed
    expect(byId.get('openb-pod-0422')).toMatchObject({ cpus: 17.4, gpus: 2, kind: 'service', durationMs: 1_707_000 });
  });

  it('rounds a GPU share up to one whole GPU', () => {
    // openb-pod-0022 asks for 0.22 of one GPU.
    expect(byId.get('openb-pod-0022')).toMatchObject({ cpus: 4, mem: 15258, gpus: 1, durationMs: 294_651_000 });
    expect(wholeGpus(1, 220)).toBe(1);
    expect(wholeGpus(0, 0)).toBe(0);
    expect(wholeGpus(0, 500)).toBe(1);
    expect(wholeGpus(8, 1000)).toBe(8);
  });

  it('counts Pending and Failed pods as demand from creation to deletion', () => {
    expect(byId.get('openb-pod-0061')).toMatchObject({ submitAt: 10_001_278_000, durationMs: 125_000, cpus: 11.908, mem: 47104, gpus: 1 }); // Pending
    expect(byId.get('openb-pod-0033')).toMatchObject({ durationMs: 182_000, cpus: 3.152 }); // Failed
    expect(byId.get('openb-pod-1523')).toMatchObject({ mem: 0, durationMs: 3_986_000 }); // 0 MiB is allowed
  });

  it('skips pods that cannot fit the node shape, saying why', () => {
    const r = tasksOf(sample, { nodeShape: { cpus: 96, mem: 393216, gpus: 8 } });
    expect(r.tasks.map((t) => t.id)).not.toContain('openb-pod-1639'); // 120 cores, 720 GiB
    expect(r.tasks.map((t) => t.id)).toContain('openb-pod-0017'); // 88 cores, 320 GiB, 8 GPUs: fits
    expect(r.tasks).toHaveLength(10);
    expect(r.skipped).toEqual(['line 13: openb-pod-1639 (120 cpus, 737280 MiB, 8 GPUs) does not fit a node of 96 cpus, 393216 MiB, 8 GPUs']);
  });

  it('skips every GPU pod on GPU-less nodes or with dropGpuPods', () => {
    expect(tasksOf(sample, { nodeShape: { cpus: 96, mem: 524288 } }).tasks.map((t) => t.id)).toEqual(['openb-pod-0005', 'openb-pod-0048']);
    const dropped = tasksOf(sample, { dropGpuPods: true });
    expect(dropped.tasks.map((t) => t.id)).toEqual(['openb-pod-0005', 'openb-pod-0048']);
    expect(dropped.skipped).toHaveLength(9);
    expect(dropped.skipped[0]).toBe('line 3: openb-pod-0000 asks for 1 GPU(s)');
  });

  it('keeps only the given phases, without moving time 0', () => {
    const r = tasksOf(sample, { phases: ['Running', 'Succeeded'] });
    expect(r.tasks.map((t) => t.id)).not.toEqual(expect.arrayContaining(['openb-pod-0033', 'openb-pod-0061', 'openb-pod-1639']));
    expect(r.tasks).toHaveLength(8);
    const only = tasksOf(sample, { phases: ['Pending'] });
    expect(only.tasks).toEqual([expect.objectContaining({ id: 'openb-pod-0061', submitAt: 10_001_278_000 })]);
  });

  it('compresses time with timeScale', () => {
    const r = tasksOf(sample, { timeScale: 0.1 });
    const t = r.tasks.find((x) => x.id === 'openb-pod-0022');
    expect(t?.submitAt).toBeCloseTo(967_917_500, 3); // 9679175 s x 0.1
    expect(t?.durationMs).toBeCloseTo(29_465_100, 3); // 294651 s x 0.1
    expect(importAlibaba2023OpenbPods(sample, { timeScale: 0 })).toEqual({ ok: false, error: ['timeScale must be a number > 0, got 0'] });
  });

  it('treats a pod without deletion time as running to the end of the trace', () => {
    const r = tasksOf(`${HEADER}\np1,1000,1024,0,0,,BE,Running,100,,100\np2,2000,2048,0,0,,LS,Pending,160,,\n`);
    expect(r.tasks).toEqual([
      { id: 'p1', submitAt: 0, instances: 1, cpus: 1, mem: 1024, disk: 0, gpus: 0, constraints: [], kind: 'batch' },
      { id: 'p2', submitAt: 60_000, instances: 1, cpus: 2, mem: 2048, disk: 0, gpus: 0, constraints: [], kind: 'service' },
    ]);
  });

  it('reports every malformed row at once, with line and column', () => {
    const text = [
      HEADER,
      'ok,1000,1024,0,0,,BE,Running,100,200,100',
      'bad-cpu,-1000,1024,0,0,,BE,Running,100,200,100',
      'bad-gpu,1000,1024,1,1500,,BE,Running,100,200,100',
      'early,1000,1024,0,0,,BE,Running,300,200,300',
      'short,1000,1024',
      ',1000,1024,0,0,,,Running,x,200,100',
    ].join('\n');
    const result = importAlibaba2023OpenbPods(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      'line 3 column cpu_milli: expected whole milli-cores >= 0',
      'line 4 column gpu_milli: must be <= 1000 (one GPU)',
      'line 5 column deletion_time: 200 is before creation_time 300',
      'line 6: expected 11 fields, got 3',
      'line 7 column name: must not be empty',
      'line 7 column qos: must not be empty',
      'line 7 column creation_time: expected whole seconds >= 0',
    ]);
  });

  it('refuses a file without the expected header', () => {
    expect(importAlibaba2023OpenbPods('name,cpu\nx,1\n')).toEqual({ ok: false, error: [`line 1: expected the header ${HEADER}, got name,cpu`] });
    expect(importAlibaba2023OpenbPods('')).toEqual({ ok: false, error: [`empty file: expected the header ${HEADER}`] });
  });
});
