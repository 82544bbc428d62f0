import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { viewGroup } from '../../src/planner/group-view.js';
import type { GroupMemory } from '../../src/planner/state.js';
import { trackUnneeded, unneededBase } from '../../src/planner/unneeded.js';
import { agent, config, snapshot } from '../support/builders.js';
import { applyEdits, uniqueIds } from '../support/list-edits.js';

const spec = fc.record({ id: fc.integer({ min: 0, max: 12 }), used: fc.constantFrom(0, 0.5, 1, 1.5) });

describe('trackUnneeded kept from what changed', () => {
  it('remembers what a plain record rebuilt every cycle remembers', () => {
    fc.assert(
      fc.property(
        fc.array(spec, { maxLength: 10 }),
        fc.array(fc.array(fc.record({ kind: fc.constantFrom('replace', 'insert', 'remove'), at: fc.nat(), s: spec }), { maxLength: 4 }), { minLength: 1, maxLength: 10 }),
        (initial, cycles) => {
          const group = config({ scaleDown: { utilization: 50 } }).groups[0];
          if (!group) throw new Error('no group');
          const make = (s: { id: number; used: number }): Agent => agent({ id: `u${s.id}`, cpus: 2, usedCpus: s.used });
          let list = initial.map(make);
          let memory: GroupMemory = {};
          let plain: Record<string, number> = {};
          let now = 1_000_000;
          for (const edits of cycles) {
            list = uniqueIds(applyEdits(list, edits, make));
            now += 60_000;
            const view = viewGroup(snapshot(list, {}), group);
            memory = trackUnneeded(memory, view, now);
            const next: Record<string, number> = {};
            for (const a of view.capacity) if (a.used.cpus / a.total.cpus < 0.5) next[a.id] = plain[a.id] ?? now;
            plain = next;
            expect(memory.unneededSince?.toJS()).toEqual(plain);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('trackUnneeded keeps no history', () => {
  it('a map remembers the one it was made from, and that one remembers none', () => {
    const group = config({ scaleDown: { utilization: 50 } }).groups[0];
    if (!group) throw new Error('no group');
    let list: Agent[] = [0, 1, 2].map((i) => agent({ id: `h${i}`, cpus: 2, usedCpus: 0.5 }));
    let memory: GroupMemory = {};
    const maps = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      // One agent changes each cycle (a new object), so each map is made from the last one.
      list = list.map((a, i) => (i === cycle % 3 ? agent({ id: a.id, cpus: 2, usedCpus: cycle % 2 === 0 ? 1.5 : 0.5 }) : a));
      memory = trackUnneeded(memory, viewGroup(snapshot(list, {}), group), 1_000_000 + cycle * 60_000);
      maps.push(memory.unneededSince);
    }
    const [, m1, m2, m3] = maps;
    expect(m3 && unneededBase(m3)).toBe(m2);
    // Were m2 to keep its own base, every map ever made would stay reachable with its cycle's agents.
    expect(m2 && unneededBase(m2)).toBeUndefined();
    expect(m1 && unneededBase(m1)).toBeUndefined();
  });
});
