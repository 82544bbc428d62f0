import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources, subtractFloor, fits, sum } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { protection } from '../../src/planner/protections.js';
import { runningTasks } from '../../src/planner/group-view.js';
import { validateConfig } from '../../src/config/load.js';
import type { ControllerState } from '../../src/planner/state.js';
import { agent, groupState, snapshot, task } from '../support/builders.js';

const NOW = 10_000_000;

interface TaskSpec { cpus: number; mem: number; protect: boolean; unique: boolean }
interface AgentArb { cpus: number; tasks: TaskSpec[]; volumes: number; reserved: string[]; draining: boolean; inGroup: boolean }
interface PendingArb { count: number; cpus: number; unique: boolean }
interface ConfigArb { min: number; span: number; policies: ('threshold' | 'pending' | 'target')[]; maxParallel: number; step: number; desiredExtra: number }

const arbTask: fc.Arbitrary<TaskSpec> = fc.record({
  cpus: fc.constantFrom(0.1, 0.25, 0.5, 1, 2),
  mem: fc.constantFrom(64, 256, 1024),
  protect: fc.nat(9).map((n) => n === 0),
  unique: fc.boolean(),
});

const arbAgent: fc.Arbitrary<AgentArb> = fc.record({
  cpus: fc.constantFrom(2, 4, 8),
  tasks: fc.array(arbTask, { maxLength: 5 }),
  volumes: fc.nat(5).map((n) => (n === 0 ? 1 : 0)),
  reserved: fc.nat(6).map((n) => (n === 0 ? ['db'] : [])),
  draining: fc.nat(8).map((n) => n === 0),
  inGroup: fc.nat(6).map((n) => n !== 0),
});

const arbPending: fc.Arbitrary<PendingArb[]> = fc.array(fc.record({ count: fc.integer({ min: 1, max: 20 }), cpus: fc.constantFrom(0.5, 1, 3), unique: fc.boolean() }), { maxLength: 4 });

const arbConfig: fc.Arbitrary<ConfigArb> = fc.record({
  min: fc.integer({ min: 0, max: 5 }),
  span: fc.integer({ min: 0, max: 15 }),
  policies: fc.subarray<'threshold' | 'pending' | 'target'>(['threshold', 'pending', 'target'], { minLength: 1 }),
  maxParallel: fc.integer({ min: 1, max: 4 }),
  step: fc.integer({ min: 1, max: 4 }),
  desiredExtra: fc.integer({ min: -2, max: 3 }),
});

function build(specs: AgentArb[]): Agent[] {
  return specs.map((s, i) => {
    const tasks = s.tasks
      .filter((_, j) => s.tasks.slice(0, j + 1).reduce((c, t) => c + t.cpus, 0) <= s.cpus)
      .map((t, j) => task({
        id: `t${i}-${j}`,
        appId: t.unique ? '/unique' : `/app${j}`,
        resources: resources({ cpus: t.cpus, mem: t.mem }),
        labels: t.protect ? { 'mesos-autoscaler/protect': 'true' } : {},
        ...(t.unique ? { constraints: [{ field: 'hostname', operator: 'UNIQUE' as const }] } : {}),
      }));
    const used = sum(tasks.map((t) => t.resources));
    return {
      ...agent({ id: `ag${String(i).padStart(3, '0')}`, cpus: s.cpus, mem: 16384, tasks, volumes: s.volumes, reservedRoles: s.reserved, draining: s.draining, attributes: { workload: s.inGroup ? 'stateless' : 'other' } }),
      used,
    };
  });
}

function world(specs: AgentArb[], pend: PendingArb[], c: ConfigArb) {
  const agents = build(specs);
  const inGroup = agents.filter((a) => a.attributes['workload'] === 'stateless');
  const pending: PendingLaunch[] = pend.map((p, i) => ({
    id: `/p${i}`, source: 'marathon', count: p.count, resources: resources({ cpus: p.cpus, mem: 128 }),
    constraints: p.unique ? [{ field: 'hostname', operator: 'UNIQUE' }] : [], role: '*', delayed: false, rejections: {},
  }));
  const desired = Math.max(0, inGroup.length + c.desiredExtra);
  const snap = { ...snapshot(agents, { stateless: { ...groupState(inGroup), desired } }, NOW), pending };
  const config = validateConfig({
    mesos: { masters: ['http://m:5050'] },
    groups: [{
      name: 'stateless', selector: { workload: 'stateless' }, provider: { kind: 'simulated' },
      min: c.min, max: c.min + c.span, policies: c.policies, targetUtilization: { low: 50, high: 70 },
      scaleUpStep: c.step, scaleDownStep: c.step, scaleDown: { maxParallel: c.maxParallel, unneededTime: 0, delayAfterAdd: 0 },
    }],
  });
  const state: ControllerState = { groups: {} };
  return { agents, snap, config, state };
}

describe('planner properties over random clusters', () => {
  it('never plans past min or max (except to move toward them), never removes a protected, draining or foreign agent, and only agents whose tasks fit elsewhere', () => {
    const seen = { up: 0, down: 0 };
    fc.assert(
      fc.property(fc.array(arbAgent, { maxLength: 14 }), arbPending, arbConfig, (specs, pend, c) => {
        const { agents, snap, config, state } = world(specs, pend, c);
        const g = plan(snap, config, state, NOW).groups[0];
        if (!g) return;
        const group = config.groups[0];
        if (!group) return;
        if (g.direction !== 'none') seen[g.direction] += 1;
        if (g.direction === 'up') expect(g.target).toBeLessThanOrEqual(Math.max(group.max, 0));
        if (g.direction === 'down') expect(g.target).toBeGreaterThanOrEqual(group.min);
        if (g.target > group.max) expect(g.target).toBeLessThanOrEqual(g.current);
        if (g.target < group.min) expect(g.target).toBeGreaterThanOrEqual(g.current);
        expect(g.removals.length).toBeLessThanOrEqual(group.scaleDown.maxParallel);
        // Tasks of removed agents must fit, all together, on the group's remaining active agents.
        const removed = new Set(g.removals.map((r) => r.agentId));
        const remaining = agents.filter((a) => a.attributes['workload'] === 'stateless' && a.active && !a.draining && !removed.has(a.id));
        const free = sum(remaining.map((a) => subtractFloor(a.total, a.used)));
        const moving = sum(agents.filter((a) => removed.has(a.id)).flatMap((a) => runningTasks(a).map((t) => t.resources)));
        expect(fits(moving, free)).toBe(true);
        for (const r of g.removals) {
          const a = agents.find((x) => x.id === r.agentId);
          expect(a).toBeDefined();
          if (!a) continue;
          expect(a.attributes['workload']).toBe('stateless');
          expect(a.draining).toBe(false);
          expect(protection(a)).toBeUndefined();
        }
      }),
      { numRuns: 400, seed: 42 },
    );
    // The property must not hold vacuously: random clusters scale both ways.
    expect(seen.up).toBeGreaterThan(20);
    expect(seen.down).toBeGreaterThan(20);
  });

  it('gives the same plan for the same input', () => {
    fc.assert(
      fc.property(fc.array(arbAgent, { maxLength: 12 }), arbPending, arbConfig, (specs, pend, c) => {
        const one = world(specs, pend, c);
        const two = world(specs, pend, c);
        expect(plan(one.snap, one.config, one.state, NOW)).toEqual(plan(two.snap, two.config, two.state, NOW));
      }),
      { numRuns: 200 },
    );
  });
});
