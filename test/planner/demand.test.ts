import { Map as ImmutableMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { validateConfig } from '../../src/config/load.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';

const NOW = 1_000_000;

function pending(id: string, count: number, cpus: number, extra: Partial<PendingLaunch> = {}): PendingLaunch {
  return { id, source: 'marathon', count, resources: resources({ cpus, mem: 128 }), constraints: [], role: '*', delayed: false, rejections: {}, ...extra };
}

function withPending(agents: ReturnType<typeof agent>[], p: PendingLaunch[], groups = { stateless: groupState(agents) }) {
  return { ...snapshot(agents, groups), pending: p };
}

describe('scale-up for pending work', () => {
  it('packs waiting instances onto free room first, then onto the fewest new template nodes', () => {
    // 3 agents of 2 cpus, 1 cpu free in all; 6 instances of 1 cpu wait: 1 fits, 5 need 3 new nodes.
    const agents = [agent({ id: 'a0', usedCpus: 2 }), agent({ id: 'a1', usedCpus: 2 }), agent({ id: 'a2', usedCpus: 1 })];
    const p = plan(withPending(agents, [pending('/web', 6, 1)]), config({ policies: ['pending'] }), EMPTY_STATE, NOW);
    const g = p.groups[0];
    expect(g).toMatchObject({ current: 3, target: 6, direction: 'up' });
    expect(g?.reasons[0]).toMatch(/5 instance\(s\) of \/web waiting, need cpus 5.*workload:stateless; 3 node\(s\) of cpus 2\/mem 4096 hold them/);
  });

  it('scales up at 70% cpu for waiting work that the threshold policy alone would ignore', () => {
    const agents = [0, 1, 2, 3, 4].map((i) => agent({ id: `a${i}`, usedCpus: 1.4 }));
    const threshold = plan(withPending(agents, [pending('/big', 4, 1.5)]), config({ policies: ['threshold'] }), EMPTY_STATE, NOW).groups[0];
    expect(threshold?.direction).toBe('none');
    const both = plan(withPending(agents, [pending('/big', 4, 1.5)]), config({ policies: ['threshold', 'pending'] }), EMPTY_STATE, NOW).groups[0];
    expect(both).toMatchObject({ direction: 'up', target: 9 });
  });

  it('honours UNIQUE hostname: one instance per node', () => {
    const agents = [agent({ id: 'a0' }), agent({ id: 'a1' })];
    const unique = pending('/u', 5, 0.1, { constraints: [{ field: 'hostname', operator: 'UNIQUE' }] });
    const g = plan(withPending(agents, [unique]), config({ policies: ['pending'] }), EMPTY_STATE, NOW).groups[0];
    expect(g?.target).toBe(5);
  });

  it('ignores delayed launches and work whose constraints no group satisfies', () => {
    const agents = [agent({ id: 'a0', usedCpus: 2 })];
    const p = plan(withPending(agents, [pending('/d', 3, 1, { delayed: true }), pending('/gpu', 2, 1, { constraints: [{ field: 'workload', operator: 'LIKE', value: 'gpu.*' }] })]), config({ policies: ['pending'], min: 1 }), EMPTY_STATE, NOW).groups[0];
    expect(p?.direction).toBe('none');
  });

  it('scales a group up from zero with a declared template', () => {
    const cfg = config({ policies: ['pending'], min: 0, template: { cpus: 4, mem: 16384, instanceType: 'Standard_D4_v3' } });
    const g = plan(withPending([], [pending('/batch', 6, 1.5)], { stateless: { desired: 0, instances: [] } }), cfg, EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ current: 0, target: 3, direction: 'up' });
    expect(g?.reasons[0]).toMatch(/3 node\(s\) of Standard_D4_v3/);
  });

  it('counts nodes already booting before adding more', () => {
    const agents = [agent({ id: 'a0', usedCpus: 2 })];
    const g = plan(withPending(agents, [pending('/web', 4, 1)], { stateless: groupState(agents, 2) }), config({ policies: ['pending'], min: 1 }), EMPTY_STATE, NOW).groups[0];
    // The booting node holds 2 instances; 2 more need 1 new node.
    expect(g).toMatchObject({ current: 2, target: 3 });
  });

  it('limits the step per cycle and the total size', () => {
    const agents = [agent({ id: 'a0', usedCpus: 2 })];
    const g = plan(withPending(agents, [pending('/web', 40, 1)]), config({ policies: ['pending'], min: 1, maxStep: 4 }), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ target: 5 });
    const total = plan(withPending(agents, [pending('/web', 40, 1)]), config({ policies: ['pending'], min: 1 }, { maxTotalNodes: 3 }), EMPTY_STATE, NOW).groups[0];
    expect(total).toMatchObject({ target: 3 });
  });

  it('tries another group while one is backed off', () => {
    const a = [agent({ id: 'a0', usedCpus: 2, attributes: { pool: 'a' } })];
    const b = [agent({ id: 'b0', usedCpus: 2, attributes: { pool: 'b' } })];
    const cfg = validateConfig({
      mesos: { masters: ['http://m:5050'] },
      expander: 'priority',
      groups: [
        { name: 'a', selector: { pool: 'a' }, min: 1, policies: ['pending'], priority: 10, provider: { kind: 'simulated' } },
        { name: 'b', selector: { pool: 'b' }, min: 1, policies: ['pending'], priority: 1, provider: { kind: 'simulated' } },
      ],
    });
    const snap = { ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }), pending: [pending('/w', 2, 1)] };
    const normal = plan(snap, cfg, EMPTY_STATE, NOW);
    expect(normal.groups.map((g) => g.target)).toEqual([2, 1]);
    const backedOff = plan(snap, cfg, { groups: { a: { backoffUntil: NOW + 60_000 } } }, NOW);
    expect(backedOff.groups.map((g) => g.target)).toEqual([1, 2]);
  });
});

describe('expanders', () => {
  const small = [agent({ id: 's0', cpus: 2, usedCpus: 2, attributes: { pool: 'small' } })];
  const large = [agent({ id: 'l0', cpus: 8, mem: 16384, usedCpus: 8, attributes: { pool: 'large' } })];
  const cfg = (expander: string, prices: [number, number]) => validateConfig({
    mesos: { masters: ['http://m:5050'] },
    expander,
    groups: [
      { name: 'small', selector: { pool: 'small' }, min: 1, policies: ['pending'], price: prices[0], provider: { kind: 'simulated' } },
      { name: 'large', selector: { pool: 'large' }, min: 1, policies: ['pending'], price: prices[1], provider: { kind: 'simulated' } },
    ],
  });
  const snap = { ...snapshot([...small, ...large], { small: groupState(small), large: groupState(large) }), pending: [pending('/w', 3, 1.5)] };

  it('least-waste picks the group whose new nodes the work fills best', () => {
    // small: 3 nodes of 2 cpus for 4.5 cpus (25% cpu waste); large: 1 node of 8 cpus (44% waste).
    const p = plan(snap, cfg('least-waste', [1, 1]), EMPTY_STATE, NOW);
    expect(p.groups.map((g) => g.target)).toEqual([4, 1]);
  });

  it('price picks the cheapest per hosted instance', () => {
    const p = plan(snap, cfg('price', [1, 2]), EMPTY_STATE, NOW);
    expect(p.groups.map((g) => g.target)).toEqual([1, 2]);
  });

  it('random is deterministic for the same input', () => {
    const a = plan(snap, cfg('random', [1, 1]), EMPTY_STATE, NOW);
    const b = plan(snap, cfg('random', [1, 1]), EMPTY_STATE, NOW);
    expect(a).toEqual(b);
  });
});

describe('target utilization band', () => {
  it('adds nodes above the band and removes below it, within the dead band nothing', () => {
    const mk = (u: number) => [0, 1, 2, 3].map((i) => agent({ id: `t${i}`, usedCpus: u, tasks: [task({ resources: resources({ cpus: u }) })] }));
    const cfg = config({ policies: ['target'], targetUtilization: { low: 60, high: 75 }, min: 1 });
    const hot = mk(1.8);
    expect(plan(snapshot(hot, { stateless: groupState(hot) }), cfg, EMPTY_STATE, NOW).groups[0]).toMatchObject({ target: 6, direction: 'up' });
    const ok = mk(1.3);
    expect(plan(snapshot(ok, { stateless: groupState(ok) }), cfg, EMPTY_STATE, NOW).groups[0]?.direction).toBe('none');
  });
});

describe('scale-down that loses nothing', () => {
  const cfg = (scaleDown: Record<string, number>) => config({ policies: ['pending'], min: 1, scaleDown });

  it('waits until a node has been unneeded for the unneeded time', () => {
    const agents = [agent({ id: 'u0' }), agent({ id: 'u1', usedCpus: 0.2 })];
    const snap = snapshot(agents, { stateless: groupState(agents) });
    const early = plan(snap, cfg({ unneededTime: 600 }), { groups: { stateless: { unneededSince: ImmutableMap({ u0: NOW - 60_000 }) } } }, NOW).groups[0];
    expect(early?.direction).toBe('none');
    expect(early?.reasons.join(' ')).toMatch(/unneeded for 60 s of 600 s/);
    const later = plan(snap, cfg({ unneededTime: 600 }), { groups: { stateless: { unneededSince: ImmutableMap({ u0: NOW - 600_000, u1: NOW - 600_000 }) } } }, NOW).groups[0];
    expect(later?.removals.map((r) => r.agentId)).toEqual(['u0']);
  });

  it('does not shrink within delay-after-add of a scale-up', () => {
    const agents = [agent({ id: 'u0' }), agent({ id: 'u1' })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), cfg({ delayAfterAdd: 600 }), { groups: { stateless: { lastScaleUpAt: NOW - 30_000 } } }, NOW).groups[0];
    expect(g?.direction).toBe('none');
    expect(g?.reasons.join(' ')).toMatch(/grew 30 s ago/);
  });

  it('removes only agents whose tasks fit on the others', () => {
    // Each agent runs a 0.3-cpu task (15% load, under the 20% cap); only 0.2 cpus are free elsewhere... except on e2.
    const agents = [
      agent({ id: 'e0', cpus: 2, usedCpus: 0.3, tasks: [task({ resources: resources({ cpus: 0.3 }) })] }),
      agent({ id: 'e1', cpus: 0.5, usedCpus: 0.3, tasks: [task({ resources: resources({ cpus: 0.3 }) })] }),
    ];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), cfg({ maxParallel: 2 }), EMPTY_STATE, NOW).groups[0];
    // e1 (60% loaded) is not unneeded; e0's 0.3 cpus do not fit in e1's 0.2 free.
    expect(g?.direction).toBe('none');
    expect(g?.reasons.join(' ')).toMatch(/would not fit/);
  });

  it('keeps UNIQUE tasks apart when simulating the move', () => {
    const u = [{ field: 'hostname', operator: 'UNIQUE' as const }];
    const agents = [0, 1, 2].map((i) => agent({ id: `q${i}`, cpus: 4, usedCpus: 0.2, tasks: [task({ appId: '/u', constraints: u, resources: resources({ cpus: 0.2 }) })] }));
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), cfg({ maxParallel: 3 }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals).toHaveLength(0);
  });

  it('never removes an agent running a task of a protected framework or with the protect label', () => {
    const agents = [
      agent({ id: 'p0', tasks: [task({ frameworkId: 'cassandra', resources: resources({ cpus: 0.1 }) })], usedCpus: 0.1 }),
      agent({ id: 'p1', tasks: [task({ labels: { 'mesos-autoscaler/protect': 'true' }, resources: resources({ cpus: 0.1 }) })], usedCpus: 0.1 }),
      agent({ id: 'p2', cpus: 4, usedCpus: 3 }),
    ];
    const c = config({ policies: ['pending'], min: 1, scaleDown: { maxParallel: 2 } }, { protectedFrameworks: ['cassandra'] });
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), c, EMPTY_STATE, NOW).groups[0];
    expect(g?.removals).toHaveLength(0);
    expect(g?.reasons.join(' ')).toMatch(/protected framework cassandra.*label mesos-autoscaler\/protect/);
  });
});

describe('unknown waiting work', () => {
  it('holds a scale-down when the launch queue could not be read', () => {
    const agents = [agent({ id: 'k0' }), agent({ id: 'k1' })];
    const snap = { ...snapshot(agents, { stateless: groupState(agents) }), sources: { mesos: { readAt: NOW, from: 't' }, pendingUnknown: 'launch queue unreadable: refused' } };
    const g = plan(snap, config({ policies: ['pending'], min: 1 }), EMPTY_STATE, NOW).groups[0];
    expect(g?.direction).toBe('none');
    expect(g?.reasons).toContain('launch queue unreadable: refused');
  });
});
