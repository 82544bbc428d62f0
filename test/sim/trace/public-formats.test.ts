import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importAlibaba2017BatchTask } from '../../../src/sim/trace/alibaba2017.js';
import { importAzure2017VmTable } from '../../../src/sim/trace/azure2017.js';
import { commonNodeShape, importGoogle2011MachineEvents } from '../../../src/sim/trace/google2011-machines.js';
import { importSwf } from '../../../src/sim/trace/swf.js';
import { asksForNothing, misfit } from '../../../src/sim/trace/fit.js';
import { importTrace } from '../../../src/sim/trace/formats.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/traces/${name}`, import.meta.url), 'utf8');
const errorsOf = <T>(r: { ok: true; value: T } | { ok: false; error: string[] }): string[] => (r.ok ? [] : r.error);

describe('Standard Workload Format (Parallel Workloads Archive) importer', () => {
  const r = importSwf(fixture('sample.swf'), { nodeShape: { cpus: 16, mem: 65536 } });
  if (!r.ok) throw new Error(r.error.join('\n'));
  const byId = new Map(r.value.tasks.map((t) => [t.id, t]));

  it('turns a job into one 1-cpu instance per allocated processor, for its run time', () => {
    // Job 1: submit 0, run 100 s, 4 processors, 4096 KB requested per processor.
    expect(byId.get('job-1')).toEqual({ id: 'job-1', submitAt: 0, durationMs: 100_000, instances: 4, cpus: 1, mem: 4, disk: 0, gpus: 0, constraints: [], kind: 'batch', app: 'user-1' });
    // Job 4: 16 processors, requested memory unknown (-1): used memory (1024 KB) instead.
    expect(byId.get('job-4')).toMatchObject({ submitAt: 90_000, durationMs: 3_600_000, instances: 16, mem: 1 });
  });

  it('falls back to the requested processors and to no memory when both are unknown', () => {
    expect(byId.get('job-2')).toMatchObject({ submitAt: 30_000, durationMs: 60_000, instances: 2, mem: 0, app: 'user-2' });
    // Unknown user (-1): no app; a run time of 0 (under half a second) is kept.
    expect(byId.get('job-5')).toMatchObject({ durationMs: 0, instances: 1 });
    expect(byId.get('job-5')?.app).toBeUndefined();
  });

  it('skips jobs without a run time or a processor count, saying which and why', () => {
    expect(r.value.tasks.map((t) => t.id)).toEqual(['job-1', 'job-2', 'job-4', 'job-5', 'job-6']);
    expect(r.value.skipped).toEqual(['line 10: job 3 has no run time', 'line 14: job 7 has no processor count']);
  });

  it('skips jobs whose memory per processor exceeds a node, and filters by status', () => {
    const small = importSwf(fixture('sample.swf'), { nodeShape: { cpus: 16, mem: 64 }, statuses: [1] });
    expect(small.ok && small.value.tasks.map((t) => t.id)).toEqual(['job-1', 'job-2', 'job-5']);
    expect(small.ok && small.value.skipped).toContain('line 13: job 6 does not fit a node (128 MB > 64)');
    expect(small.ok && small.value.skipped).toContain('line 11: job 4 status 0');
  });

  it('reports lines that are not 18 numbers', () => {
    expect(errorsOf(importSwf('; header\n1 0 0 10 1\n2 0 0 10 1 -1 -1 1 -1 -1 1 x -1 -1 -1 -1 -1 -1\n'))).toEqual([
      'line 2: expected 18 whitespace-separated fields, got 5',
      'line 3 column user ID: expected a number (-1 if unknown), got "x"',
    ]);
  });
});

describe('Alibaba cluster-trace-v2017 batch_task importer', () => {
  const node = { cpus: 64, mem: 100_000 };
  // The hand-made sample writes plan_cpu in whole cores; the real file's unit (the default) is
  // 1/100 core, checked below and on the real excerpt in real-traces.test.ts.
  const r = importAlibaba2017BatchTask(fixture('alibaba-2017-batch-task-sample.csv'), { nodeShape: node, planCpuPerCore: 1 });
  if (!r.ok) throw new Error(r.error.join('\n'));
  const byId = new Map(r.value.tasks.map((t) => [t.id, t]));

  it('runs a task from creation to its last state change with plan_cpu cores and plan_mem of a machine', () => {
    expect(byId.get('1/1')).toEqual({ id: '1/1', submitAt: 0, durationMs: 120_000, instances: 10, cpus: 1, mem: 1000, disk: 0, gpus: 0, constraints: [], kind: 'batch', app: 'job-1' });
    expect(byId.get('1/2')).toMatchObject({ submitAt: 60_000, durationMs: 600_000, instances: 4, cpus: 2, mem: 2000 });
    expect(byId.get('4/1')).toMatchObject({ submitAt: 300_000, durationMs: 600_000, cpus: 4, mem: 5000 });
  });

  it('keeps Running tasks until the trace ends and starts tasks created before the trace at 0', () => {
    expect(byId.get('5/1')?.durationMs).toBeUndefined();
    expect(byId.get('5/1')).toMatchObject({ submitAt: 400_000, cpus: 0.5, mem: 500, instances: 5 });
    expect(byId.get('7/1')).toMatchObject({ submitAt: 0, durationMs: 30_000, mem: 100 });
  });

  it('skips tasks that never started, end before they began, or do not fit a machine', () => {
    expect([...byId.keys()].sort()).toEqual(['1/1', '1/2', '4/1', '5/1', '7/1']);
    expect(r.value.skipped).toEqual([
      'line 3: task 2/1 never started (status Waiting)',
      'line 4: task 3/1 ends before it was created',
      'line 7: task 6/1 does not fit a node (128 cpus > 64)',
    ]);
  });

  it('reads plan_cpu in hundredths of a core by default, as the real trace writes it', () => {
    const real = importAlibaba2017BatchTask('6459,6524,3,4,15740,Terminated,50,0.007956928\n24486,24731,58,413,12,Terminated,100,0.002754122\n', { nodeShape: node });
    expect(real.ok && real.value.tasks.map((t) => [t.id, t.cpus, t.instances])).toEqual([['3/4', 0.5, 15740], ['58/413', 1, 12]]);
  });

  it('skips never-started tasks before reading their numbers, which the real file leaves empty', () => {
    const real = importAlibaba2017BatchTask('6036,6046,4,7,393,Waiting,,\n6459,6524,3,4,15740,Terminated,50,0.007956928\n', { nodeShape: node });
    expect(real.ok && real.value.skipped).toEqual(['line 1: task 4/7 never started (status Waiting)']);
    expect(real.ok && real.value.tasks.map((t) => t.id)).toEqual(['3/4']);
    // A task that ran with an empty plan_cpu is still an error.
    expect(errorsOf(importAlibaba2017BatchTask('0,10,1,1,1,Terminated,,0.1\n', { nodeShape: node }))).toEqual(['line 1 column plan_cpu: expected a number >= 0, got ""']);
  });

  it('reports malformed rows with line and column', () => {
    expect(errorsOf(importAlibaba2017BatchTask('0,10,1,1,x,Terminated,1,0.1\n0,10,1\n', { nodeShape: node }))).toEqual([
      'line 1 column instance_num: expected a number >= 0, got "x"',
      'line 2: expected 8 fields, got 3',
    ]);
  });
});

describe('Azure Public Dataset 2017 vmtable importer', () => {
  const r = importAzure2017VmTable(fixture('azure-2017-vmtable-sample.csv'), { nodeShape: { cpus: 16, mem: 65536 } });
  if (!r.ok) throw new Error(r.error.join('\n'));
  const byId = new Map(r.value.tasks.map((t) => [t.id, t]));

  it('makes every VM one instance from creation to deletion, cores and GB as Mesos cpus and MB', () => {
    expect(byId.get('vmA')).toEqual({ id: 'vmA', submitAt: 0, durationMs: 2_591_700_000, instances: 1, cpus: 1, mem: 1792, disk: 0, gpus: 0, constraints: [], kind: 'batch', app: 'depA' });
    expect(byId.get('vmB')).toMatchObject({ submitAt: 300_000, durationMs: 1_539_000_000, cpus: 2, mem: 3584, kind: 'service' });
    expect(byId.get('vmE')).toMatchObject({ submitAt: 900_000, cpus: 4, mem: 14_336 });
  });

  it('gives a VM at least one 5-minute reading of life, as the dataset notebook does', () => {
    expect(byId.get('vmC')).toMatchObject({ submitAt: 2_188_800_000, durationMs: 300_000, cpus: 8, mem: 57_344 });
    expect(byId.get('vmE')?.durationMs).toBe(300_000);
  });

  it('reads an open top bucket (>24) as its lower bound and skips VMs larger than a node', () => {
    expect(r.value.skipped).toEqual(['line 4: VM vmD does not fit a node (24 cpus > 16)']);
    const big = importAzure2017VmTable(fixture('azure-2017-vmtable-sample.csv'), { nodeShape: { cpus: 32, mem: 131_072 } });
    expect(big.ok && big.value.tasks.find((t) => t.id === 'vmD')).toMatchObject({ cpus: 24, mem: 65_536, kind: 'service' });
  });

  it('reports malformed rows with line and column', () => {
    expect(errorsOf(importAzure2017VmTable('v,s,d,10,5,1,1,1,Unknown,2,4\nv,s,d,0,5,1,1,1,Unknown,big,4\n'))).toEqual([
      'line 1 column vmdeleted: 5 is before vmcreated 10',
      'line 2 column vmcorecount: expected a core count or bucket (e.g. 2, >24), got "big"',
    ]);
  });
});

describe('Google cluster-data 2011 machine_events importer', () => {
  it('counts each machine once at its last capacity and ranks the shapes, most common first', () => {
    const r = importGoogle2011MachineEvents(fixture('google-machine-events-sample.csv'));
    if (!r.ok) throw new Error(r.error.join('\n'));
    expect(r.value.machines).toBe(5);
    expect(r.value.shapes).toEqual([
      { cpu: 0.5, mem: 0.4995, machines: 3 },
      { cpu: 1, mem: 1, machines: 1 },
      { cpu: 0.5, mem: 0.2493, machines: 1 },
    ]);
    // Capacities are fractions of the largest machine, given in real units.
    expect(commonNodeShape(r.value, { cpus: 32, mem: 131_072, disk: 100 })).toEqual({ cpus: 16, mem: 65_470, disk: 100 });
  });

  it('refuses a file without any known capacity, and malformed rows', () => {
    expect(errorsOf(importGoogle2011MachineEvents('0,1,0,p,,\n'))).toEqual(['no machine with both a CPU and a memory capacity (columns 5 and 6)']);
    expect(errorsOf(importGoogle2011MachineEvents('0,1,3,p,0.5,0.5\n0,2,0,p,1.5,0.5\n'))).toEqual([
      'line 1 column event type: expected 0 (ADD), 1 (REMOVE) or 2 (UPDATE), got "3"',
      'line 2 column CPU capacity: expected a normalised capacity 0..1, got "1.5"',
    ]);
  });
});

describe('format registry', () => {
  it('scales normalised formats to the reference machine and checks fit against the node', () => {
    const text = fixture('alibaba-2017-batch-task-sample.csv');
    const r = importTrace('alibaba2017', text, { nodeShape: { cpus: 8, mem: 50_000 }, reference: { cpus: 64, mem: 100_000 } });
    expect(r.ok && r.value.tasks.find((t) => t.id === '1/1')?.mem).toBe(1000);
  });
});

describe('fit to a node', () => {
  it('names every dimension a task exceeds, disk only when the node states one', () => {
    expect(misfit({ cpus: 2, mem: 10, disk: 500, gpus: 0 }, { cpus: 1, mem: 8, disk: 100 })).toBe('does not fit a node (2 cpus > 1, 10 MB > 8, 500 MB disk > 100)');
    expect(misfit({ cpus: 1, mem: 8, disk: 500, gpus: 0 }, { cpus: 1, mem: 8 })).toBeUndefined();
    expect(misfit({ cpus: 0, mem: 0, gpus: 1 }, { cpus: 1, mem: 8 })).toBe('does not fit a node (1 GPUs > 0)');
    expect(asksForNothing({ cpus: 0, mem: 0, disk: 0, gpus: 0 })).toBe(true);
    expect(asksForNothing({ cpus: 0, mem: 1, disk: 0, gpus: 0 })).toBe(false);
  });
});
