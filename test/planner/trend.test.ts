import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { Agent } from '../../src/model/agent.js';
import { viewGroup } from '../../src/planner/group-view.js';
import { plan } from '../../src/planner/planner.js';
import type { DemandSample, GroupMemory } from '../../src/planner/state.js';
import { step } from '../../src/planner/step.js';
import { demandLevel, recordDemand, sustainedGrowth, trendPolicy } from '../../src/planner/trend.js';
import { resources } from '../../src/model/resources.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 50_000_000;
const MIN = 60_000;
const trendConfig = (extra: Record<string, unknown> = {}) =>
  config({ min: 1, max: 100, policies: ['trend'], resources: ['cpus', 'mem'], trend: { window: 300, lookahead: 300, utilization: 95 }, ...extra });
const cfg = () => trendConfig().groups[0] ?? (undefined as never);

/** cpus demand of `used` cpus at each minute before NOW (oldest first). */
const history = (levels: readonly number[]): DemandSample[] => levels.map((cpus, i) => ({ t: NOW - (levels.length - i) * MIN, level: { cpus, mem: 0 } }));
const agents = (n: number, usedCpus = 0): Agent[] => Array.from({ length: n }, (_, i) => agent({ id: `t${i}`, cpus: 2, mem: 4096, ...(i === 0 && usedCpus ? { usedCpus } : {}) }));

describe('trend config: validated, with defaults', () => {
  it('defaults to a 300 s window, 300 s lookahead and 95%', () => {
    expect(config({ policies: ['trend'] }).groups[0]?.trend).toEqual({ window: 300, lookahead: 300, utilization: 95 });
  });
  it('a bad value names its field', () => {
    const bad = (trend: Record<string, unknown>) => () => validateConfig({ mesos: { masters: ['http://127.0.0.1:5050'] }, groups: [{ name: 'g', provider: { kind: 'simulated' }, policies: ['trend'], trend }] });
    expect(bad({ utilization: 120 })).toThrow(/trend\.utilization/);
    expect(bad({ window: -5 })).toThrow(/trend\.window/);
    expect(bad({ lookahed: 300 })).toThrow(/trend/);
  });
});

describe('sustainedGrowth: growth in both halves of the window, never a single step', () => {
  it('a steady ramp of 2 cpus a minute', () => {
    expect(sustainedGrowth(history([10, 12, 14, 16, 18]), NOW, { cpus: 20 }, 'cpus') * MIN).toBeCloseTo(2, 9);
  });
  it('the slower half sets the rate', () => {
    // The sample nearest the middle is 3 minutes old: 10 -> 14 over 2 minutes, 14 -> 24 over 3: 2/min and 3.3/min.
    expect(sustainedGrowth(history([10, 12, 14, 18, 22]), NOW, { cpus: 24 }, 'cpus') * MIN).toBeCloseTo(2, 9);
  });
  it('one step, early or late, is not growth to extrapolate', () => {
    expect(sustainedGrowth(history([10, 50, 50, 50, 50]), NOW, { cpus: 50 }, 'cpus')).toBe(0);
    expect(sustainedGrowth(history([10, 10, 10, 10, 10]), NOW, { cpus: 50 }, 'cpus')).toBe(0);
  });
  it('falling or flat demand, or no history: 0', () => {
    expect(sustainedGrowth(history([20, 18, 16, 14, 12]), NOW, { cpus: 10 }, 'cpus')).toBe(0);
    expect(sustainedGrowth(history([5, 5, 5]), NOW, { cpus: 5 }, 'cpus')).toBe(0);
    expect(sustainedGrowth([], NOW, { cpus: 5 }, 'cpus')).toBe(0);
    expect(sustainedGrowth(history([5]), NOW, { cpus: 9 }, 'cpus')).toBe(0);
  });
});

describe('recordDemand: the window of samples the slope is measured over', () => {
  it('keeps the samples of the window and the one just before it', () => {
    let mem: GroupMemory = {};
    for (let t = 0; t <= 20; t++) mem = recordDemand(mem, 300, { cpus: t }, NOW + t * MIN);
    const kept = mem.demandHistory ?? [];
    expect(kept.map((s) => (s.t - NOW) / MIN)).toEqual([15, 16, 17, 18, 19, 20]);
    expect(kept.at(-1)?.level).toEqual({ cpus: 20 });
  });
  it('demand is the work on the agents plus the waiting work given', () => {
    const view = viewGroup(snapshot(agents(2, 1), { stateless: groupState(agents(2)) }), cfg());
    expect(demandLevel(view, { cpus: 20 })).toEqual({ cpus: 21, mem: 0 });
  });
});

describe('trendPolicy', () => {
  const vote = (n: number, used: number, past: readonly number[], waiting = 0) => {
    const list = agents(n, used);
    const view = viewGroup(snapshot(list, { stateless: groupState(list) }), cfg());
    const waitingHere = { cpus: waiting, mem: 0, disk: 0, gpus: 0, ports: 0 };
    const demand = { nodes: 0, eligible: 0, eligibleResources: waitingHere, assignedResources: waitingHere, reasons: [] };
    return trendPolicy(demand)({ view, snapshot: snapshot(list, {}), memory: { demandHistory: history(past) }, now: NOW });
  };

  it('buys ahead of a ramp: 16 cpus growing 2/min is 26 in 5 minutes, 14 nodes of 2 cpus under 95%', () => {
    const v = vote(10, 16, [6, 8, 10, 12, 14]);
    expect(v).toMatchObject({ policy: 'trend', target: 14 });
    expect(v.reason).toMatch(/growing 2\/min/);
  });
  it('counts waiting work in the demand it extrapolates', () => {
    expect(vote(10, 10, [0, 2, 4, 6, 8], 6).target).toBe(14);
  });
  it('without growth it never adds, and consents to shrinking to the nodes the demand itself fills', () => {
    // 4 cpus on nodes of 2: two nodes hold it; the headroom under a cap is the threshold policy's.
    expect(vote(10, 4, [4, 4, 4, 4, 4]).target).toBe(2);
    expect(vote(10, 4.5, [4.5, 4.5, 4.5, 4.5, 4.5]).target).toBe(3);
    expect(vote(2, 4, [4, 4, 4, 4, 4], 20).target).toBeLessThanOrEqual(2);
    expect(vote(10, 4, [14, 12, 10, 8, 6]).target).toBe(2);
    expect(vote(10, 4, [14, 12, 10, 8, 6], 1).target).toBe(3);
  });
  it('property: with demand that never grows it never asks for more nodes than the group has', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 20 }), (steps, n, waiting) => {
        const falling = [...steps].sort((a, b) => b - a).map((x) => x + 40);
        const used = Math.min(2 * n, falling.at(-1) ?? 0);
        return vote(n, used, falling, waiting).target <= n;
      }),
      { numRuns: 300 },
    );
  });
});

describe('the trend policy in the plan and the step', () => {
  const ramp = () => {
    const list = Array.from({ length: 4 }, (_, i) => agent({ id: `r${i}`, cpus: 2, mem: 4096, usedCpus: 1.5 }));
    return { list, snap: snapshot(list, { stateless: groupState(list) }, NOW) };
  };

  it('adds while earlier nodes still boot (it counts them), as the pending policy does', () => {
    const { list, snap } = ramp();
    // Two instances ordered and not registered yet: the group is heading for 6.
    const booting = { ...snap, groups: { stateless: { ...groupState(list, 6), instances: [...groupState(list).instances, { id: 'b1', state: 'creating' as const }, { id: 'b2', state: 'creating' as const }] } } };
    const state = { groups: { stateless: { demandHistory: history([0, 2, 4]), unregisteredSince: { b1: NOW - MIN, b2: NOW - MIN } } } };
    const g = plan(booting, trendConfig(), state, NOW).groups[0];
    // 6 cpus growing 2/min: 16 in 5 minutes, 9 nodes of 2 cpus under 95%.
    expect(g).toMatchObject({ direction: 'up', current: 6, target: 9 });
  });

  it('the step remembers demand only for groups that use the trend policy', () => {
    const { snap } = ramp();
    const stepped = step(snap, trendConfig(), { groups: {} }, NOW);
    const withTrend = stepped.next.groups['stateless']?.demandHistory;
    expect(withTrend?.map((s) => s.level)).toEqual([{ cpus: 6, mem: 0 }]);
    // What it remembers is what the policy measured and showed in the plan's figures.
    expect(stepped.plan.groups[0]?.figures).toMatchObject({ 'demand.cpus': 6, 'demand.mem': 0 });
    const without = step(snap, config({ min: 1, policies: ['threshold'] }), { groups: {} }, NOW).next.groups['stateless'];
    expect(without?.demandHistory).toBeUndefined();
  });
});

describe('the trend policy with several groups', () => {
  it('counts each waiting instance in the group the plan assigns it to, not in every group that could host it', () => {
    const a = [agent({ id: 'a0', usedCpus: 2, attributes: { pool: 'a' } })];
    const b = [agent({ id: 'b0', usedCpus: 2, attributes: { pool: 'b' } })];
    const cfgTwo = validateConfig({
      mesos: { masters: ['http://127.0.0.1:5050'] },
      expander: 'priority',
      groups: [
        { name: 'a', selector: { pool: 'a' }, min: 1, policies: ['pending', 'trend'], priority: 10, provider: { kind: 'simulated' } },
        { name: 'b', selector: { pool: 'b' }, min: 1, policies: ['pending', 'trend'], priority: 1, provider: { kind: 'simulated' } },
      ],
    });
    const waiting = { id: '/w', source: 'marathon' as const, count: 2, resources: resources({ cpus: 1, mem: 128 }), constraints: [], role: '*', delayed: false, rejections: {} };
    const snap = { ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }, NOW), pending: [waiting] };
    const p = plan(snap, cfgTwo, EMPTY_STATE, NOW);
    // Both groups could host the 2 cpus waiting; the priority expander gives them to a.
    expect(p.groups.map((g) => g.figures['pending.cpus'])).toEqual([2, 2]);
    expect(p.groups.map((g) => g.figures['demand.cpus'])).toEqual([4, 2]);
  });
});

describe('waiting work no group could take this cycle', () => {
  it('is demand now for every group that could host it (a step limit does not turn it into growth)', () => {
    const list = [agent({ id: 'w0', usedCpus: 2 })];
    const waiting = { id: '/w', source: 'marathon' as const, count: 6, resources: resources({ cpus: 1, mem: 128 }), constraints: [], role: '*', delayed: false, rejections: {} };
    const snap = { ...snapshot(list, { stateless: groupState(list) }, NOW), pending: [waiting] };
    // One new node a cycle: 2 of the 6 cpus get a node now, 4 wait for later cycles; all 6 are demand.
    const g = plan(snap, config({ min: 1, max: 20, maxStep: 1, policies: ['pending', 'trend'] }), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ direction: 'up', target: 2 });
    expect(g?.figures['demand.cpus']).toBe(8);
  });
});
