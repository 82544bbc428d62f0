import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importAlibaba2018BatchTask } from '../../../src/sim/trace/alibaba2018.js';
import { importGoogle2011TaskEvents } from '../../../src/sim/trace/google2011.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/traces/${name}`, import.meta.url), 'utf8');
const shape = { cpus: 16, mem: 32768, disk: 100_000 };

describe('Google cluster-data 2011 task_events importer', () => {
  const result = importGoogle2011TaskEvents(fixture('google-task-events-sample.csv'), { nodeShape: shape });
  if (!result.ok) throw new Error(result.error.join('\n'));
  const byId = new Map(result.value.tasks.map((t) => [t.id, t]));

  it('turns SUBMIT..FINISH into a task with scaled requests and UNIQUE hostname', () => {
    // Origin is the first event (600 s). 0.125 x 16 cpus, 0.0625 x 32768 MB, 0.001 x 100000 MB.
    expect(byId.get('100/0')).toEqual({
      id: '100/0',
      submitAt: 0,
      durationMs: 605_000, // 1205 s - 600 s
      instances: 1,
      cpus: 2,
      mem: 2048,
      disk: 100,
      gpus: 0,
      constraints: [{ field: 'hostname', operator: 'UNIQUE' }],
      kind: 'service', // priority 9: production band
      app: 'job-100',
    });
  });

  it('keeps tasks that never end as long-running', () => {
    expect(byId.get('100/1')?.durationMs).toBeUndefined();
  });

  it('splits an evicted and resubmitted task into two episodes', () => {
    // SUBMIT 700 s, EVICT 800 s; SUBMIT 810 s, FINISH 1000 s.
    expect(byId.get('200/0')).toMatchObject({ submitAt: 100_000, durationMs: 100_000, cpus: 4, mem: 4096, disk: 0, kind: 'batch', constraints: [] });
    expect(byId.get('200/0#2')).toMatchObject({ submitAt: 210_000, durationMs: 190_000 });
  });

  it('uses the latest request (UPDATE_PENDING) and ends on KILL, FAIL and LOST', () => {
    expect(byId.get('300/0')).toMatchObject({ submitAt: 300_000, durationMs: 30_000, cpus: 1, mem: 512 });
    expect(byId.get('500/0')).toMatchObject({ submitAt: 400_000, durationMs: 100_000, cpus: 8, mem: 8192, kind: 'service' });
    const lost = byId.get('600/0');
    expect(lost?.durationMs).toBe(50_000);
    expect(lost?.cpus).toBeCloseTo(0.16);
    expect(lost?.mem).toBeCloseTo(327.68);
  });

  it('skips tasks without requests and events without a SUBMIT', () => {
    expect(result.value.tasks).toHaveLength(7);
    expect(result.value.skipped).toEqual(['line 16: event 1 for task 400/0 without an open SUBMIT', 'task 300/1: no resource request']);
  });

  it('can measure durations from SCHEDULE', () => {
    const r = importGoogle2011TaskEvents(fixture('google-task-events-sample.csv'), { nodeShape: shape, durationFrom: 'schedule' });
    expect(r.ok && r.value.tasks.find((t) => t.id === '100/0')?.durationMs).toBe(600_000); // 1205 s - 605 s
  });

  it('reports malformed rows with line and column', () => {
    const r = importGoogle2011TaskEvents('0,,1,0,,0,u,0,0,0.1,0.1,,0\nabc,,1,0,,0,u,0,0,0.1,0.1,,0\n5,,1,0,,9,u,0,0,-1,0.1,,0\n', { nodeShape: shape });
    expect(r.ok ? [] : r.error).toEqual([
      'line 2 column time: expected an integer (µs), got "abc"',
      'line 3 column event type: expected an event type 0..8, got "9"',
    ]);
  });
});

describe('Alibaba cluster-trace-v2018 batch_task importer', () => {
  const result = importAlibaba2018BatchTask(fixture('alibaba-batch-task-sample.csv'), { nodeShape: { cpus: 96, mem: 100_000 } });
  if (!result.ok) throw new Error(result.error.join('\n'));
  const tasks = result.value.tasks;

  it('reads instance counts, times and plan_cpu / plan_mem', () => {
    // Origin 86400 s. plan_cpu 100 = 1 core; plan_mem 0.39 % of 100000 MB = 390 MB.
    expect(tasks[0]).toEqual({ id: 'j_1/M1', submitAt: 0, durationMs: 60_000, instances: 10, cpus: 1, mem: 390, disk: 0, gpus: 0, constraints: [], kind: 'batch', app: 'j_1' });
    expect(tasks[1]).toMatchObject({ id: 'j_1/R2_1', submitAt: 70_000, durationMs: 60_000, cpus: 0.5, mem: 200 });
    expect(tasks.map((t) => t.id)).toEqual(['j_1/M1', 'j_1/R2_1', 'j_3/task_xyz', 'j_5/M5', 'j_6/M2', 'j_6/R3_2']);
    expect(tasks[2]).toMatchObject({ cpus: 0, mem: 500, durationMs: 300_000, instances: 5 });
    expect(tasks[4]).toMatchObject({ submitAt: 600_000, durationMs: 600_000, cpus: 0.25, mem: 50, instances: 4 });
    expect(tasks[5]).toMatchObject({ cpus: 4, mem: 3000, instances: 2 });
  });

  it('skips unfinished rows and rows without a plan', () => {
    expect(result.value.skipped).toEqual(['line 3: missing instance count or start/end time', 'line 5: no plan_cpu or plan_mem']);
  });

  it('filters by status', () => {
    const r = importAlibaba2018BatchTask(fixture('alibaba-batch-task-sample.csv'), { nodeShape: { cpus: 96, mem: 100_000 }, statuses: ['Terminated'] });
    expect(r.ok && r.value.tasks.map((t) => t.id)).toEqual(['j_1/M1', 'j_1/R2_1', 'j_6/M2', 'j_6/R3_2']);
  });

  it('reports malformed rows with line and column', () => {
    const r = importAlibaba2018BatchTask('M1,x,j_1,1,Terminated,1,2,100,1\nM1,1,j_1\n', { nodeShape: { cpus: 96, mem: 100_000 } });
    expect(r.ok ? [] : r.error).toEqual(['line 1 column instance_num: expected a number >= 0, got "x"', 'line 2: expected 9 fields, got 3']);
  });
});
