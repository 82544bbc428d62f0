import { describe, expect, it } from 'vitest';
import { withOurWindow } from '../../src/model/drain.js';
import { budgetNodes } from '../../src/planner/budget.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;

/** After a burst: two agents still run 1 cpu each, eight are empty (10% cpu of 20). */
function afterBurst() {
  const busy = [agent({ id: 'b0', usedCpus: 1 }), agent({ id: 'b1', usedCpus: 1 })];
  const empty = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => agent({ id: `e${i}` }));
  return [...busy, ...empty];
}

describe('scale-down after a burst follows demand in one cycle', () => {
  const cases: { name: string; scaleDown: Record<string, unknown>; removed: number; why?: RegExp }[] = [
    { name: 'sizing fit, maxParallel 10, no budget: every empty node goes at once', scaleDown: { sizing: 'fit', maxParallel: 10 }, removed: 8 },
    { name: 'maxParallel 3 bounds the cycle', scaleDown: { sizing: 'fit', maxParallel: 3 }, removed: 3 },
    { name: 'a budget of 20% of 10 nodes bounds the cycle', scaleDown: { sizing: 'fit', maxParallel: 10, budget: '20%' }, removed: 2, why: /at most 2 new drain\(s\) this cycle \(max-scale-down-parallel 10, disruption budget 20% of 10 node\(s\) = 2, 0 draining\)/ },
    { name: 'a budget of 15% rounds up (Karpenter): 2 of 10', scaleDown: { sizing: 'fit', maxParallel: 10, budget: '15%' }, removed: 2 },
    { name: 'a budget of 4 nodes bounds the cycle', scaleDown: { sizing: 'fit', maxParallel: 10, budget: 4 }, removed: 4 },
    { name: 'a budget of 0 blocks scale-down and says so', scaleDown: { sizing: 'fit', maxParallel: 10, budget: 0 }, removed: 0, why: /disruption budget 0 node/ },
    { name: 'sizing step keeps the original one node a cycle', scaleDown: { sizing: 'step', maxParallel: 10 }, removed: 1 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.removed} removed, empty nodes first`, () => {
      const agents = afterBurst();
      const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 1, scaleDown: c.scaleDown }), EMPTY_STATE, NOW).groups[0];
      expect(g?.removals).toHaveLength(c.removed);
      expect(g?.target).toBe(10 - c.removed);
      for (const r of g?.removals ?? []) expect(r).toMatchObject({ reason: 'no running tasks' });
      expect(g?.removals.every((r) => r.agentId.startsWith('e'))).toBe(true);
      if (c.why) expect(g?.reasons.join(' ')).toMatch(c.why);
    });
  }

  it('counts drains already under way against both maxParallel and the budget', () => {
    const agents = [agent({ id: 'd0', draining: true }), ...afterBurst()];
    const d0 = { hostname: agents[0]!.hostname, ip: agents[0]!.ip! };
    const snap = { ...snapshot(agents, { stateless: groupState(agents) }), maintenance: { windows: withOurWindow({ windows: [], down: [] }, d0, '1000000', 3_600_000), down: [] } };
    // 10 registered + 1 draining = 11 nodes; 20% of 11 rounds up to 3; one is taken: 2 more.
    const byBudget = plan(snap, config({ min: 1, scaleDown: { sizing: 'fit', maxParallel: 10, budget: '20%' } }), EMPTY_STATE, NOW).groups[0];
    expect(byBudget?.removals).toHaveLength(2);
    // maxParallel 4 with one under way: 3 more.
    const byParallel = plan(snap, config({ min: 1, scaleDown: { sizing: 'fit', maxParallel: 4 } }), EMPTY_STATE, NOW).groups[0];
    expect(byParallel?.removals).toHaveLength(3);
    // The budget used up: nothing starts, and the reason names the budget.
    const full = plan(snap, config({ min: 1, scaleDown: { sizing: 'fit', maxParallel: 10, budget: 1 } }), EMPTY_STATE, NOW).groups[0];
    expect(full).toMatchObject({ direction: 'none', removals: [] });
    expect(full?.reasons.join(' ')).toMatch(/1 agent\(s\) already draining \(disruption budget 1 node/);
  });

  it('still never goes under min, whatever the budget allows', () => {
    const agents = afterBurst();
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 7, scaleDown: { sizing: 'fit', maxParallel: 10 } }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals).toHaveLength(3);
    expect(g?.target).toBe(7);
  });

  it('re-places the tasks of lightly loaded nodes when fewer nodes hold the work', () => {
    // Six agents at 0.5 of 2 cpus each: 25%, under a down cap of 30. Two nodes hold 3 cpus at 75%,
    // under the 80% up cap, so four may go, each one's task moving onto the room of the others.
    const agents = [0, 1, 2, 3, 4, 5].map((i) => agent({ id: `l${i}`, usedCpus: 0.5 }));
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 1, scaleDownCap: 30, scaleDown: { sizing: 'fit', maxParallel: 10 } }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals).toHaveLength(4);
    expect(g?.removals[0]?.reason).toMatch(/least loaded: 25\.0% with 1 task/);
    // A node that took moved tasks in the simulation is never removed in the same cycle: the two kept
    // nodes hold the 3 cpus (1.5 each, or 2 + 1), never a removed node's share.
    const kept = agents.filter((a) => !g?.removals.some((r) => r.agentId === a.id));
    expect(kept).toHaveLength(2);
  });
});

describe('disruption budget arithmetic (Karpenter: ints, or percentages rounded up)', () => {
  const cases: [budget: number | string, size: number, nodes: number][] = [
    [3, 50, 3],
    ['10%', 5, 1],
    ['10%', 10, 1],
    ['10%', 11, 2],
    ['0%', 100, 0],
    ['100%', 7, 7],
    ['25%', 0, 0],
  ];
  for (const [budget, size, nodes] of cases) {
    it(`budget ${budget} of ${size} node(s) allows ${nodes}`, () => expect(budgetNodes(budget, size)).toBe(nodes));
  }
});
