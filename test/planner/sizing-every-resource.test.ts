import { describe, expect, it } from 'vitest';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { fitNodes } from '../../src/planner/threshold.js';
import { NAMED_POLICIES } from '../../src/sim/policies.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;
const active = (n: number) => Array.from({ length: n }, (_, i) => agent({ id: `n${i}` }));

describe('fitNodes: the fewest nodes that keep every tracked resource under the cap', () => {
  // Nodes of 2 cpus / 4096 MB; cap 80%: a node holds 1.6 cpus or 3276.8 MB.
  const cases: { name: string; cpus: number; mem: number; tracked: ('cpus' | 'mem')[]; nodes: number }[] = [
    { name: 'cpu-bound work on cpus', cpus: 5, mem: 1000, tracked: ['cpus'], nodes: 4 },
    { name: 'memory-bound work on cpus alone looks tiny', cpus: 0.5, mem: 12000, tracked: ['cpus'], nodes: 1 },
    { name: 'memory-bound work sized by memory', cpus: 0.5, mem: 12000, tracked: ['cpus', 'mem'], nodes: 4 },
    { name: 'exactly at the cap needs one more (strictly under)', cpus: 3.2, mem: 0, tracked: ['cpus', 'mem'], nodes: 3 },
    { name: 'no work still keeps one node', cpus: 0, mem: 0, tracked: ['cpus', 'mem'], nodes: 1 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.nodes} node(s)`, () => {
      const capacity = active(10);
      const view = { capacity, total: resources({ cpus: 20, mem: 40960 }), used: resources({ cpus: c.cpus, mem: c.mem }) };
      expect(fitNodes(view, c.tracked, () => 0.8)).toBe(c.nodes);
    });
  }
});

describe('a memory-bound group is sized by memory', () => {
  // Ten agents of 2 cpus / 4096 MB, each running 0.1 cpu and 1638 MB: cpus at 5%, mem at 40%.
  const memBound = () => Array.from({ length: 10 }, (_, i) => agent({ id: `m${i}`, usedCpus: 0.1, usedMem: 1638 }));

  const cases: { policy: string; group: Record<string, unknown>; tracked: ('cpus' | 'mem')[]; removed: number; memAfter: string; why: RegExp }[] = [
    {
      policy: 'threshold (sizing fit)',
      group: { policies: ['threshold'], scaleDownCap: 45, scaleUpCap: 75 },
      tracked: ['cpus', 'mem'],
      removed: 4,
      memAfter: '66.7',
      why: /mem 40\.0%.*6 node\(s\) hold the work under 75% on every tracked resource, -4/,
    },
    {
      policy: 'target band 60..75%',
      group: { policies: ['target'], targetUtilization: { low: 60, high: 75 } },
      tracked: ['cpus', 'mem'],
      removed: 4,
      memAfter: '66.7',
      why: /utilization 40\.0% below the band 60%\.\.75%: 6 node\(s\) would do/,
    },
    {
      policy: 'target band, cpus alone (the overspend this fixes: memory left at 80%, over the band)',
      group: { policies: ['target'], targetUtilization: { low: 60, high: 75 } },
      tracked: ['cpus'],
      removed: 5,
      memAfter: '80.0',
      why: /utilization 5\.0% below the band/,
    },
  ];
  for (const c of cases) {
    it(`${c.policy}, tracking ${c.tracked.join(' and ')}: ${c.removed} removed, mem then at ${c.memAfter}%`, () => {
      const agents = memBound();
      const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 1, resources: c.tracked, ...c.group, scaleDown: { sizing: 'fit', maxParallel: 10 } }), EMPTY_STATE, NOW).groups[0];
      expect(g?.removals).toHaveLength(c.removed);
      expect(((10 * 1638) / (4096 * (10 - c.removed))) * 100).toBeCloseTo(Number(c.memAfter), 1);
      expect(g?.reasons.join(' ')).toMatch(c.why);
    });
  }

  it('the pending policy packs memory-heavy waiting work on memory: 4 nodes, not the 1 cpus alone would give', () => {
    const full = [agent({ id: 'f0', usedCpus: 2, usedMem: 4096 }), agent({ id: 'f1', usedCpus: 2, usedMem: 4096 })];
    const waiting: PendingLaunch = { id: '/cache', source: 'marathon', count: 4, resources: resources({ cpus: 0.1, mem: 3000 }), constraints: [], role: '*', delayed: false, rejections: {} };
    const g = plan({ ...snapshot(full, { stateless: groupState(full) }), pending: [waiting] }, config({ policies: ['pending'] }), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ current: 2, target: 6, direction: 'up' });
  });

  it("the simulator's demand-aware policy tracks cpus, mem and GPUs and sizes scale-down to fit", () => {
    const base = config();
    const g = NAMED_POLICIES['demand-aware']?.apply(base).groups[0];
    expect(g?.resources).toEqual(['cpus', 'mem', 'gpus']);
    expect(g?.scaleDown).toMatchObject({ sizing: 'fit' });
    expect(g?.scaleDown.maxParallel).toBeGreaterThan(1);
    // Headroom is released after an hour without growth (the G3 regression, BENCHMARKS.md).
    expect(g?.scaleDown.headroomIdleTime).toBe(3600);
    // GPUs keep a whole GPU free on small GPU groups (the G2 pending regression, RESULTS.md); lean the same.
    expect(g?.resourceCaps).toEqual({ gpus: { up: 90, down: 86 } });
    expect(NAMED_POLICIES['demand-aware-lean']?.apply(base).groups[0]?.resourceCaps).toEqual({ gpus: { up: 90, down: 86 } });
  });
});
