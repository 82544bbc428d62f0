import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { viewGroup } from '../../src/planner/group-view.js';
import { headroomReleased, trackWork } from '../../src/planner/headroom.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE, type ControllerState, type GroupMemory } from '../../src/planner/state.js';
import { step } from '../../src/planner/step.js';
import { fullNodes } from '../../src/planner/threshold.js';
import { resources } from '../../src/model/resources.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 10_000_000;
const IDLE = 1800;
const group = (extra: Record<string, unknown> = {}) =>
  config({ min: 1, policies: ['threshold', 'pending'], resources: ['cpus', 'mem'], scaleUpCap: 92, scaleDownCap: 80, scaleDown: { sizing: 'fit', maxParallel: 10, headroomIdleTime: IDLE }, ...extra });
const stateWith = (memory: GroupMemory): ControllerState => ({ groups: { stateless: memory } });
const flatFor = (s: number): GroupMemory => ({ workGrewAt: NOW - s * 1000, workLevel: {} });

describe('headroomIdleTime: validated, off by default', () => {
  it('defaults to 0 (headroom always kept) and refuses a negative value', () => {
    expect(group({ scaleDown: {} }).groups[0]?.scaleDown.headroomIdleTime).toBe(0);
    expect(() => validateConfig({ mesos: { masters: ['http://127.0.0.1:5050'] }, groups: [{ name: 'g', provider: { kind: 'simulated' }, scaleDown: { headroomIdleTime: -1 } }] })).toThrow(/headroomIdleTime/);
  });
});

describe('trackWork: when the work last grew', () => {
  const cfg = group().groups[0];
  const viewOf = (used: number, draining = false) => {
    const agents = [agent({ id: 'a', usedCpus: used }), agent({ id: 'b', draining })];
    return viewGroup(snapshot(agents, { stateless: groupState(agents) }), cfg ?? (undefined as never));
  };

  it('a group seen the first time has just grown (a restart keeps the headroom)', () => {
    expect(trackWork({}, viewOf(1), NOW).workGrewAt).toBe(NOW);
  });
  it('more in use than last cycle is growth; the same or less is not', () => {
    const first = trackWork({}, viewOf(1), NOW - 60_000);
    expect(trackWork(first, viewOf(1.5), NOW).workGrewAt).toBe(NOW);
    expect(trackWork(first, viewOf(1), NOW).workGrewAt).toBe(NOW - 60_000);
    expect(trackWork(first, viewOf(0.5), NOW).workGrewAt).toBe(NOW - 60_000);
  });
  it('tasks moving off a draining agent are not new work', () => {
    const first = trackWork({}, viewOf(1), NOW - 60_000);
    expect(trackWork(first, viewOf(1.5, true), NOW).workGrewAt).toBe(NOW - 60_000);
  });
  it('released only after the idle time, never with 0', () => {
    const view = { config: cfg ?? (undefined as never) };
    expect(headroomReleased(view, flatFor(IDLE - 1), NOW)).toBeUndefined();
    expect(headroomReleased(view, flatFor(IDLE), NOW)).toBe(IDLE * 1000);
    const off = { config: group({ scaleDown: { headroomIdleTime: 0 } }).groups[0] ?? (undefined as never) };
    expect(headroomReleased(off, flatFor(10 * IDLE), NOW)).toBeUndefined();
  });
});

describe('fullNodes: the fewest nodes that hold the work at 100%', () => {
  const capacity = Array.from({ length: 4 }, (_, i) => agent({ id: `f${i}` }));
  const cases = [
    { cpus: 2, mem: 0, nodes: 1 },
    { cpus: 2.01, mem: 0, nodes: 2 },
    { cpus: 0.1, mem: 9000, nodes: 3 },
    { cpus: 0, mem: 0, nodes: 1 },
  ];
  for (const c of cases) {
    it(`${c.cpus} cpus, ${c.mem} MB on nodes of 2 cpus / 4096 MB: ${c.nodes}`, () => {
      expect(fullNodes({ capacity, total: resources({ cpus: 8, mem: 16384 }), used: resources({ cpus: c.cpus, mem: c.mem }) }, ['cpus', 'mem'])).toBe(c.nodes);
    });
  }
});

describe('the threshold policy without headroom once the work is flat', () => {
  // One full node (2 of 2 cpus) and one empty one: 50% overall, but 92% headroom needs both.
  const fullAndEmpty = () => [agent({ id: 'full', usedCpus: 2 }), agent({ id: 'spare' })];

  it('with headroom the spare node stays (removing it would put cpus at 100%, over 92%)', () => {
    const agents = fullAndEmpty();
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group(), stateWith(flatFor(IDLE - 60)), NOW).groups[0];
    expect(g).toMatchObject({ direction: 'none', target: 2 });
  });

  it('flat for the idle time: the spare node is drained, and the plan says why', () => {
    const agents = fullAndEmpty();
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group(), stateWith(flatFor(IDLE)), NOW).groups[0];
    expect(g).toMatchObject({ direction: 'down', target: 1 });
    expect(g?.removals.map((r) => r.hostname)).toEqual(['spare.cluster']);
    expect(g?.reasons.join(' ')).toMatch(/work has not grown for 1800 s \(headroomIdleTime 1800 s\): headroom released, 1 node\(s\) hold the work: -1/);
  });

  it('a full node with flat work is held, not grown at the up cap', () => {
    const agents = [agent({ id: 'full', usedCpus: 2 })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group(), stateWith(flatFor(IDLE)), NOW).groups[0];
    expect(g).toMatchObject({ direction: 'none', target: 1 });
  });

  it('the same full node whose work just grew gets its headroom back: +2 at the up cap', () => {
    const agents = [agent({ id: 'full', usedCpus: 2 })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group(), stateWith(flatFor(0)), NOW).groups[0];
    expect(g).toMatchObject({ direction: 'up', target: 3 });
  });

  it('with sizing step it sheds scaleDownStep a cycle', () => {
    const agents = [agent({ id: 'full', usedCpus: 2 }), agent({ id: 's1' }), agent({ id: 's2' }), agent({ id: 's3' })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group({ scaleDown: { sizing: 'step', maxParallel: 10, headroomIdleTime: IDLE } }), stateWith(flatFor(IDLE)), NOW).groups[0];
    expect(g).toMatchObject({ direction: 'down', target: 3 });
  });

  it('a node whose tasks fit nowhere else stays, whatever the sizing says', () => {
    const agents = [agent({ id: 'x', usedCpus: 1.5 }), agent({ id: 'y', usedCpus: 1.5 })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }, NOW), group(), stateWith(flatFor(IDLE)), NOW).groups[0];
    // 3 cpus need 2 nodes of 2 cpus: nothing to shed.
    expect(g).toMatchObject({ direction: 'none', target: 2 });
  });
});

describe('step remembers the work cycle to cycle', () => {
  it('records the level and keeps the time of the last growth while the work is flat', () => {
    const agents = [agent({ id: 'full', usedCpus: 2 }), agent({ id: 'spare' })];
    const snap = (at: number) => snapshot(agents, { stateless: groupState(agents) }, at);
    const cfg = group();
    const first = step(snap(NOW), cfg, EMPTY_STATE, NOW).next;
    expect(first.groups['stateless']?.workGrewAt).toBe(NOW);
    expect(first.groups['stateless']?.workLevel).toEqual({ cpus: 2, mem: 0 });
    const later = step(snap(NOW + 60_000), cfg, first, NOW + 60_000).next;
    expect(later.groups['stateless']?.workGrewAt).toBe(NOW);
  });
});
