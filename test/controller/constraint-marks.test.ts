import { describe, expect, it } from 'vitest';
import { ConstraintMarks } from '../../src/controller/constraint-marks.js';
import type { Constraint } from '../../src/model/pending.js';
import { agent, task } from '../support/builders.js';

const UNIQUE: readonly Constraint[] = [{ field: 'hostname', operator: 'UNIQUE' }];
const MAX2: readonly Constraint[] = [{ field: 'zone', operator: 'MAX_PER', value: '2' }];

describe('ConstraintMarks', () => {
  const a0 = agent({ id: 'a0', tasks: [task({ appId: '/u' }), task({ appId: '/free' })] });
  const a1 = agent({ id: 'a1', tasks: [task({ appId: '/free' })] });

  it('joins constraints onto tasks of constrained apps and leaves other agents as they are', () => {
    const out = new ConstraintMarks().mark([a0, a1], new Map([['/u', UNIQUE]]));
    expect(out[0]?.tasks.map((t) => t.constraints)).toEqual([UNIQUE, undefined]);
    expect(out[1]).toBe(a1);
    expect(a0.tasks[0]?.constraints).toBeUndefined();
  });

  it('reuses the marked agent for an unchanged agent object, and marks a changed one afresh', () => {
    const marks = new ConstraintMarks();
    const first = marks.mark([a0, a1], new Map([['/u', UNIQUE]]));
    // Same constraints read again (a new map with equal content), same agent objects: same results.
    const again = marks.mark([a0, a1], new Map([['/u', [{ field: 'hostname', operator: 'UNIQUE' }]]]));
    expect(again[0]).toBe(first[0]);
    // The model rebuilt a0 after an event: its new object is marked from scratch.
    const a0b = { ...a0, tasks: [...a0.tasks, task({ appId: '/u' })] };
    const third = marks.mark([a0b, a1], new Map([['/u', UNIQUE]]));
    expect(third[0]?.tasks.map((t) => t.constraints)).toEqual([UNIQUE, undefined, UNIQUE]);
  });

  it('forgets what it marked once the constraints change', () => {
    const marks = new ConstraintMarks();
    marks.mark([a0, a1], new Map([['/u', UNIQUE]]));
    const changed = marks.mark([a0, a1], new Map([['/u', MAX2]]));
    expect(changed[0]?.tasks[0]?.constraints).toEqual(MAX2);
    const added = marks.mark([a0, a1], new Map([['/u', MAX2], ['/free', UNIQUE]]));
    expect(added[1]?.tasks[0]?.constraints).toEqual(UNIQUE);
    expect(marks.mark([a0, a1], undefined)[0]).toBe(a0);
  });
});
