import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/sim/trace/formats.js';
import { importGoogle2011TaskEvents } from '../../../src/sim/trace/google2011.js';
import { traceEnd } from '../../../src/sim/replay/replay.js';

/**
 * Real rows of Google cluster-data 2011 `task_events/part-00000-of-00500.csv`, kept in bench/traces/
 * (source and terms in its README.md): lines 277,322..299,067 of the part, every event from the first
 * one after the time-0 snapshot (600.026913 s, the trace's 19:00 EDT start) up to 1,400 s. The
 * expected counts were taken by hand from the raw columns (awk), not from the importer.
 */
const FILE = 'google-2011-task-events-part-00000-rows-277322-to-299067.csv';
const text = readFileSync(new URL(`../../../bench/traces/${FILE}`, import.meta.url), 'utf8');

// A unit node keeps the requests as the trace writes them: fractions of the largest machine.
const unit = importGoogle2011TaskEvents(text, { nodeShape: { cpus: 1, mem: 1, disk: 1 } });
if (!unit.ok) throw new Error(unit.error.join('\n'));
const { tasks, skipped } = unit.value;

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

describe(`Google cluster-data 2011 task_events, ${FILE}`, () => {
  it('has 21,746 rows of 13 columns: 7,809 SUBMIT, 6,783 SCHEDULE, 240 EVICT, 149 FAIL, 5,444 FINISH, 1,321 KILL', () => {
    const rows = text.split('\n').filter((l) => l !== '');
    expect(rows).toHaveLength(21_746);
    expect(rows.every((l) => l.split(',').length === 13)).toBe(true);
    const byType = new Map<string, number>();
    for (const l of rows) {
      const type = l.split(',')[5] ?? '';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    expect(Object.fromEntries(byType)).toEqual({ '0': 7809, '1': 6783, '2': 240, '3': 149, '4': 5444, '5': 1321 });
    expect(new Set(rows.map((l) => l.split(',')[2])).size).toBe(288);
  });

  it('imports one task per SUBMIT (7,809) of 241 jobs; the 3,001 rows of tasks submitted before the excerpt are skipped', () => {
    expect(tasks).toHaveLength(7809);
    expect(new Set(tasks.map((t) => t.app)).size).toBe(241);
    expect(skipped).toHaveLength(3001);
    expect(skipped.every((s) => s.includes('without an open SUBMIT'))).toBe(true);
    // 63 (job, task index) pairs end and are submitted again inside the excerpt, 858 times in all.
    expect(tasks.filter((t) => t.id.includes('#'))).toHaveLength(858);
  });

  it('asks 197.37718 CPU and 221.83572 memory (fractions of the largest machine) in all', () => {
    expect(sum(tasks.map((t) => t.cpus))).toBeCloseTo(197.37718, 4);
    expect(sum(tasks.map((t) => t.mem))).toBeCloseTo(221.83572, 4);
    // 6,316.07 cores when the largest machine has 32 (as simulate --node-cpus 32 scales them).
    const r = importTrace('google2011', text, { nodeShape: { cpus: 16, mem: 65470 }, reference: { cpus: 32, mem: 131072 } });
    if (!r.ok) throw new Error(r.error.join('\n'));
    expect(sum(r.value.tasks.map((t) => t.cpus))).toBeCloseTo(6316.07, 1);
  });

  it('spans 799.723846 s: 600,026,913..1,399,750,759 µs, the last submission 799.722892 s after the first row', () => {
    expect(Math.min(...tasks.map((t) => t.submitAt))).toBeCloseTo(20.813, 6);
    expect(Math.max(...tasks.map((t) => t.submitAt))).toBeCloseTo(799_722.892, 6);
    expect(traceEnd(tasks)).toBeCloseTo(799_723.846, 6);
  });

  it('ends 4,246 tasks inside the excerpt (973,704.056 task-s from submission); 3,563 run past it', () => {
    const ended = tasks.filter((t) => t.durationMs !== undefined);
    expect(ended).toHaveLength(4246);
    expect(sum(ended.map((t) => t.durationMs ?? 0)) / 1000).toBeCloseTo(973_704.056, 2);
    expect(tasks.length - ended.length).toBe(3563);
  });

  it('makes the 102 tasks of priority 9..11 services and keeps 5,302 different-machines restrictions', () => {
    expect(tasks.filter((t) => t.kind === 'service')).toHaveLength(102);
    expect(tasks.filter((t) => t.constraints.some((c) => c.operator === 'UNIQUE'))).toHaveLength(5302);
    // Job 4121195473 task 0 is submitted three times asking for nothing (0,0,0): the CLI drops it.
    expect(tasks.filter((t) => t.cpus === 0 && t.mem === 0 && t.disk === 0).map((t) => t.id)).toEqual(['4121195473/0', '4121195473/0#2', '4121195473/0#3']);
  });

  it('reads a crash-looping production task as one task per submission', () => {
    // 600.047716 s FAIL (submitted before the excerpt: skipped), 600.047726 SUBMIT, 624.892990 FAIL, 624.893000 SUBMIT, ...
    expect(tasks[0]).toMatchObject({ id: '5285926325/0', submitAt: 20.813, cpus: 0.0625, mem: 0.006218, kind: 'service', app: 'job-5285926325', constraints: [] });
    expect(tasks[0]?.durationMs).toBeCloseTo(24_845.264, 6);
    expect(tasks.find((t) => t.id === '5285926325/0#2')?.submitAt).toBeCloseTo(24_866.087, 6);
  });
});
