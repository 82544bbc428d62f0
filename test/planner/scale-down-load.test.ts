import { describe, expect, it } from 'vitest';
import type { TrackedResource } from '../../src/model/resources.js';
import { resources } from '../../src/model/resources.js';
import { viewGroup } from '../../src/planner/group-view.js';
import { plan } from '../../src/planner/planner.js';
import { loadResources } from '../../src/planner/scale-down-load.js';
import { removalCandidates } from '../../src/planner/scale-down.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { NAMED_POLICIES } from '../../src/sim/policies.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';

const NOW = 1_000_000;

describe('loadResources: what a node scale-down load is measured in', () => {
  const view = (group: Record<string, unknown>, utilization: Partial<Record<TrackedResource, number>>) => ({ config: config(group).groups[0] as NonNullable<ReturnType<typeof config>['groups'][0]>, utilization });
  const cases: { name: string; group: Record<string, unknown>; utilization: Partial<Record<TrackedResource, number>>; want: TrackedResource[] }[] = [
    { name: 'every (the default): every tracked resource', group: { resources: ['cpus', 'mem'] }, utilization: { cpus: 0.5, mem: 0.9 }, want: ['cpus', 'mem'] },
    { name: 'scarcest: memory, the fuller', group: { resources: ['cpus', 'mem'], scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.8, mem: 0.9 }, want: ['mem'] },
    { name: 'scarcest: cpus, the fuller', group: { resources: ['cpus', 'mem'], scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.7, mem: 0.4 }, want: ['cpus'] },
    // 85 % of GPUs is 0.94 of their 90 % cap; 80 % of cpus is 0.82 of 97 %.
    { name: 'scarcest: nearest its own up cap, not the fullest', group: { resources: ['cpus', 'gpus'], scaleUpCap: 97, scaleDownCap: 93, resourceCaps: { gpus: { up: 90, down: 86 } }, scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.88, gpus: 0.85 }, want: ['gpus'] },
    { name: 'scarcest: cpus at 0.907 of its cap beat GPUs at 0.889', group: { resources: ['cpus', 'gpus'], scaleUpCap: 97, scaleDownCap: 93, resourceCaps: { gpus: { up: 90, down: 86 } }, scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.88, gpus: 0.8 }, want: ['cpus'] },
    { name: 'scarcest: a tie goes to the first listed', group: { resources: ['mem', 'cpus'], scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.6, mem: 0.6 }, want: ['mem'] },
    { name: 'scarcest: a resource the group has none of is skipped', group: { resources: ['cpus', 'gpus'], scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.3 }, want: ['cpus'] },
    { name: 'scarcest: nothing measured keeps every resource', group: { resources: ['cpus', 'mem'], scaleDown: { load: 'scarcest' } }, utilization: {}, want: ['cpus', 'mem'] },
    { name: 'one tracked resource: that one', group: { resources: ['cpus'], scaleDown: { load: 'scarcest' } }, utilization: { cpus: 0.2 }, want: ['cpus'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const v = view(c.group, c.utilization);
      const got = loadResources(v);
      expect(got).toEqual(c.want);
      // The same list object each cycle, so per-agent loads stay cached by list identity (agent-facts.ts).
      expect(loadResources({ ...v, utilization: { ...c.utilization } })).toBe(got);
    });
  }
});

/**
 * A memory-bound group of 2-cpu / 4096 MB agents: four hold memory-heavy work (0.2 cpu, 3600 MB:
 * 88 % of memory), one holds a cpu-heavy task (1.8 cpus, 400 MB: 90 % of cpus, 10 % of memory).
 * Memory is 72 % used, cpus 26 %: four nodes hold the memory under 97 %, so the group shrinks by
 * one. Measured by its fullest resource no node is under 60 %; measured by memory, the one the
 * group is short of, the cpu-heavy node is, and its task fits on a memory-heavy node (1.8 cpus
 * and 496 MB free there).
 */
describe('a memory-bound group drains the node that holds little memory', () => {
  const agents = () => [
    ...[0, 1, 2, 3].map((i) => agent({ id: `m${i}`, tasks: [task({ resources: resources({ cpus: 0.2, mem: 3600 }) })], usedCpus: 0.2, usedMem: 3600 })),
    agent({ id: 'c0', tasks: [task({ resources: resources({ cpus: 1.8, mem: 400 }) })], usedCpus: 1.8, usedMem: 400 }),
  ];
  const group = (load: 'every' | 'scarcest') => ({ policies: ['threshold'], resources: ['cpus', 'mem'], scaleUpCap: 97, scaleDownCap: 93, min: 1, scaleDown: { utilization: 60, sizing: 'fit', load } });
  const planWith = (load: 'every' | 'scarcest') => {
    const list = agents();
    return plan(snapshot(list, { stateless: groupState(list) }, NOW), config(group(load)), EMPTY_STATE, NOW).groups[0];
  };

  it('load: every (cluster-autoscaler rule) finds no candidate', () => {
    const g = planWith('every');
    expect(g?.removals).toEqual([]);
    expect(g?.reasons.join('\n')).toMatch(/c0\.cluster: 90% used, not under 60%/);
  });

  it('load: scarcest drains the cpu-heavy node, whose task fits elsewhere on every resource', () => {
    const g = planWith('scarcest');
    expect(g?.direction).toBe('down');
    expect(g?.removals.map((r) => r.agentId)).toEqual(['c0']);
  });

  it('load: scarcest still keeps a node whose tasks would not fit (cpus checked too)', () => {
    // The cpu-heavy task now needs 1.9 cpus: no memory-heavy node has that free.
    const list = [...agents().slice(0, 4), agent({ id: 'c0', tasks: [task({ resources: resources({ cpus: 1.9, mem: 400 }) })], usedCpus: 1.9, usedMem: 400 })];
    const g = plan(snapshot(list, { stateless: groupState(list) }, NOW), config(group('scarcest')), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals).toEqual([]);
    expect(g?.reasons.join('\n')).toMatch(/would not fit on the other agents/);
  });

  it('the memory-heavy nodes are excluded by their memory, named', () => {
    const list = agents();
    const view = viewGroup(snapshot(list, { stateless: groupState(list) }, NOW), config(group('scarcest')).groups[0] as NonNullable<ReturnType<typeof config>['groups'][0]>);
    expect(loadResources(view)).toEqual(['mem']);
    const found = removalCandidates(view, {}, NOW);
    expect(found.candidates.map((c) => [c.agent.id, c.load])).toEqual([['c0', 400 / 4096]]);
    expect(found.excluded.map((e) => e.why)).toEqual(Array(4).fill('88% used (mem), not under 60%'));
  });

  it('demand-aware measures load in the scarcest resource', () => {
    const da = NAMED_POLICIES['demand-aware']?.apply(config({ resources: ['cpus', 'mem'] }));
    expect(da?.groups[0]?.scaleDown.load).toBe('scarcest');
  });
});
