import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatConstraints, parseConstraints } from '../../../src/sim/trace/constraints.js';
import { readTraceCsv, writeTraceCsv } from '../../../src/sim/trace/csv.js';
import { generateTrace } from '../../../src/sim/trace/generator.js';
import type { TraceTask } from '../../../src/sim/trace/task.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/traces/${name}`, import.meta.url), 'utf8');

function mustRead(text: string): TraceTask[] {
  const r = readTraceCsv(text);
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

describe('trace CSV', () => {
  it('reads the hand-made sample', () => {
    const tasks = mustRead(fixture('sample.csv'));
    expect(tasks).toHaveLength(6);
    expect(tasks[0]).toEqual({ id: 'task-1', submitAt: 0, durationMs: undefined, instances: 3, cpus: 1, mem: 2048, disk: 0, gpus: 0, constraints: [{ field: 'hostname', operator: 'UNIQUE' }], kind: 'service', app: '/web' });
    // Empty duration: long-running too.
    expect(tasks[1]?.durationMs).toBeUndefined();
    expect(tasks[1]?.constraints).toEqual([{ field: 'workload', operator: 'LIKE', value: 'stateless' }]);
    expect(tasks[3]).toMatchObject({ submitAt: 30_500, durationMs: 60_000, cpus: 4, kind: 'batch' });
    expect(tasks[4]?.constraints).toEqual([
      { field: 'gpu', operator: 'LIKE', value: 'true' },
      { field: 'hostname', operator: 'MAX_PER', value: '2' },
    ]);
    expect(tasks[4]?.gpus).toBe(1);
    // Empty app column: no app.
    expect(tasks[5]?.app).toBeUndefined();
    expect(tasks[5]?.constraints).toEqual([{ field: 'rack', operator: 'GROUP_BY', value: '3' }]);
  });

  it('round-trips: write then read gives the same tasks', () => {
    const original = mustRead(fixture('sample.csv'));
    expect(mustRead(writeTraceCsv(original))).toEqual(original);
    const generated = generateTrace({ seed: 5, days: 1, targetNodes: 10, nodeShape: { cpus: 8, mem: 32768, disk: 10000 }, tasks: 500 });
    const back = mustRead(writeTraceCsv(generated));
    expect(back.map(({ id: _id, ...rest }) => rest)).toEqual(generated.map(({ id: _id, ...rest }) => rest));
  });

  it('accepts a file without the app column', () => {
    const tasks = mustRead('submit_s,duration_s,instances,cpus,mem,disk,gpus,constraints,kind\n1,2,1,0.5,128,0,0,,batch\n');
    expect(tasks).toEqual([{ id: 'task-1', submitAt: 1000, durationMs: 2000, instances: 1, cpus: 0.5, mem: 128, disk: 0, gpus: 0, constraints: [], kind: 'batch' }]);
  });

  it('reports every bad field as "line N column X: message"', () => {
    const text = [
      'submit_s,duration_s,instances,cpus,mem,disk,gpus,constraints,kind,app',
      '0,10,1,1,128,0,0,,batch,a',
      '',
      'x,10,0,1,128,0,0,,batch,a',
      '5,-3,1,1,128,0,0,hostname:NEAR,job,a',
      '5,10,1,1,128,0,0,,batch',
    ].join('\n');
    const r = readTraceCsv(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual([
      'line 4 column submit_s: expected a number, got "x"',
      'line 4 column instances: must be >= 1',
      'line 5 column duration_s: expected seconds >= 0, "inf" or empty, got "-3"',
      'line 5 column constraints: constraint "hostname:NEAR" has unknown operator "NEAR" (expected one of UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS)',
      'line 5 column kind: expected service or batch, got "job"',
      'line 6: expected 10 fields, got 9',
    ]);
  });

  it('rejects a wrong header and broken quoting with a line number', () => {
    const bad = readTraceCsv('submit,duration\n1,2\n');
    expect(bad.ok ? [] : bad.error[0]).toMatch(/^line 1: header must be "submit_s,duration_s,/);
    const quote = readTraceCsv('submit_s,duration_s,instances,cpus,mem,disk,gpus,constraints,kind\n1,2,1,1,1,0,0,"oops,batch\n');
    expect(quote.ok ? [] : quote.error[0]).toMatch(/^line 2: /);
    const empty = readTraceCsv('');
    expect(empty.ok ? [] : empty.error).toEqual(['line 1: missing header']);
  });

  it('parses and formats constraints', () => {
    const r = parseConstraints('workload:LIKE:stateless;hostname:UNIQUE;zone:like:a:b');
    expect(r).toEqual({
      ok: true,
      value: [
        { field: 'workload', operator: 'LIKE', value: 'stateless' },
        { field: 'hostname', operator: 'UNIQUE' },
        { field: 'zone', operator: 'LIKE', value: 'a:b' },
      ],
    });
    if (r.ok) expect(formatConstraints(r.value)).toBe('workload:LIKE:stateless;hostname:UNIQUE;zone:LIKE:a:b');
    expect(parseConstraints('')).toEqual({ ok: true, value: [] });
    expect(parseConstraints(':UNIQUE').ok).toBe(false);
  });
});
