import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { Constraint, PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';

const NOW = 1_000_000;

function pending(id: string, count: number, extra: Partial<PendingLaunch> = {}): PendingLaunch {
  return { id, source: 'marathon', count, resources: resources({ cpus: 0.1, mem: 32 }), constraints: [], role: '*', delayed: false, rejections: {}, ...extra };
}

const c = (field: string, operator: Constraint['operator'], value?: string): Constraint => (value === undefined ? { field, operator } : { field, operator, value });

/** Agents with no free room: every instance needs a new node unless its constraints say otherwise. */
const full = (n: number, attributes: Record<string, string> = { workload: 'stateless' }) =>
  Array.from({ length: n }, (_, i) => agent({ id: `f${i}`, usedCpus: 2, usedMem: 4096, attributes }));

function target(agents: ReturnType<typeof agent>[], work: PendingLaunch[], group: Record<string, unknown> = {}) {
  const snap = { ...snapshot(agents, { stateless: groupState(agents) }), pending: work };
  return plan(snap, config({ policies: ['pending'], min: 1, maxStep: 100, ...group }), EMPTY_STATE, NOW);
}

describe('estimator node counts, placement by placement', () => {
  it('UNIQUE hostname: one new node per instance, minus agents that can still take one', () => {
    // a0 runs an instance already (UNIQUE refuses it); a1 has room: 1 goes there, 3 need 3 new nodes.
    const agents = [agent({ id: 'a0', tasks: [task({ appId: '/u', resources: resources({ cpus: 0.1 }) })], usedCpus: 0.1 }), agent({ id: 'a1' })];
    const g = target(agents, [pending('/u', 4, { constraints: [c('hostname', 'UNIQUE')] })]).groups[0];
    expect(g).toMatchObject({ current: 2, target: 5 });
  });

  it('MAX_PER hostname 2: seven instances need four nodes', () => {
    const g = target(full(1), [pending('/m', 7, { constraints: [c('hostname', 'MAX_PER', '2')] })]).groups[0];
    expect(g?.target).toBe(1 + 4);
  });

  it('MAX_PER on an attribute all new nodes share: only the instances the value still allows', () => {
    // New nodes all have rack r1, which holds 1 of at most 3 instances: 2 more fit, on 1 node; 3 fit no group.
    const agents = [agent({ id: 'r0', usedCpus: 2, usedMem: 4096, attributes: { workload: 'stateless', rack: 'r1' }, tasks: [task({ appId: '/mp', resources: resources({ cpus: 2, mem: 4096 }) })] })];
    const p = target(agents, [pending('/mp', 5, { constraints: [c('rack', 'MAX_PER', '3')] })]);
    expect(p.groups[0]?.target).toBe(2);
    expect(p.unplaceable).toEqual([expect.objectContaining({ app: '/mp', instances: 3 })]);
    expect(p.unplaceable?.[0]?.reason).toMatch(/rack:MAX_PER:3 refuses rack "r1" with 3 instance\(s\) placed/);
  });

  it('GROUP_BY with an expected count of 2 over one rack: two instances, then it waits for another rack', () => {
    // The app runs once on rack r2 (outside the group). Rack r1 is new: taken; then r1 and r2 hold 1 each: one more on r1; then r1 holds the most.
    const other = agent({ id: 'x0', usedCpus: 2, usedMem: 4096, attributes: { workload: 'batch', rack: 'r2' }, tasks: [task({ appId: '/gb', resources: resources({ cpus: 2, mem: 4096 }) })] });
    const mine = full(1, { workload: 'stateless', rack: 'r1' });
    const p = target([...mine, other], [pending('/gb', 4, { constraints: [c('rack', 'GROUP_BY', '2')] })]);
    expect(p.groups[0]?.target).toBe(2);
    expect(p.unplaceable).toEqual([expect.objectContaining({ app: '/gb', instances: 2 })]);
  });

  it('a fixed host port: one instance per node even when the resources would fit many', () => {
    const g = target(full(1), [pending('/lb', 6, { fixedPorts: [9090], resources: resources({ cpus: 0.1, mem: 32, ports: 1 }) })]).groups[0];
    expect(g?.target).toBe(1 + 6);
  });

  it('a fixed host port already bound where the app runs is not free room', () => {
    const agents = [agent({ id: 'p0', tasks: [task({ appId: '/lb', resources: resources({ cpus: 0.1 }) })], usedCpus: 0.1 }), agent({ id: 'p1' })];
    const g = target(agents, [pending('/lb', 3, { fixedPorts: [9090], resources: resources({ cpus: 0.1, mem: 32, ports: 1 }) })]).groups[0];
    // p1 takes one; p0 has the port bound; 2 new nodes.
    expect(g?.target).toBe(4);
  });

  it('@hostname and @zone are understood: UNIQUE zone over a group in one zone adds one node', () => {
    const agents = full(2).map((a) => ({ ...a, domain: { region: 'eu', zone: 'eu-1' } }));
    const p = target(agents, [pending('/z', 3, { constraints: [c('@zone', 'UNIQUE')] })]);
    expect(p.groups[0]?.target).toBe(3);
    expect(p.unplaceable?.[0]).toMatchObject({ app: '/z', instances: 2 });
  });
});

describe('work no group can host', () => {
  const two = () => validateConfig({
    mesos: { masters: ['http://m:5050'] },
    groups: [
      { name: 'a', selector: { pool: 'a' }, min: 1, policies: ['pending'], scaleDown: { unneededTime: 0, delayAfterAdd: 0 }, provider: { kind: 'simulated' } },
      { name: 'b', selector: { pool: 'b' }, min: 1, policies: ['pending'], scaleDown: { unneededTime: 0, delayAfterAdd: 0 }, provider: { kind: 'simulated' } },
    ],
  });
  const a = [agent({ id: 'a0', usedCpus: 2, attributes: { pool: 'a' } }), agent({ id: 'a1', attributes: { pool: 'a' } })];
  const b = [agent({ id: 'b0', attributes: { pool: 'b' } }), agent({ id: 'b1', attributes: { pool: 'b' } })];

  it('is reported per app with why, and never holds or grows a group', () => {
    const snap = { ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }), pending: [pending('/eu', 2, { constraints: [c('@region', 'IS', 'eu-west')] })] };
    const p = plan(snap, two(), EMPTY_STATE, NOW);
    expect(p.unplaceable).toEqual([{ app: '/eu', instances: 2, reason: expect.stringMatching(/a: constraint @region:IS:eu-west refuses @region \(not set\); b: constraint/) }]);
    // Both groups have an idle agent: the waiting work does not keep them.
    expect(p.groups.map((g) => g.direction)).toEqual(['down', 'down']);
  });

  it('does not count as consent to shrink a group that could host other waiting work', () => {
    const snap = { ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }), pending: [pending('/eu', 2, { constraints: [c('@region', 'IS', 'eu-west')] }), pending('/onlyA', 1, { constraints: [c('pool', 'IS', 'a')] })] };
    const p = plan(snap, two(), EMPTY_STATE, NOW);
    const [ga, gb] = p.groups;
    expect(ga?.direction).toBe('none');
    expect(gb?.direction).toBe('down');
  });

  it('gives each group its own pending figures: what that group could host', () => {
    const snap = { ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }), pending: [pending('/onlyA', 3, { constraints: [c('pool', 'IS', 'a')] }), pending('/any', 2)] };
    const p = plan(snap, two(), EMPTY_STATE, NOW);
    expect(p.groups.map((g) => g.figures['pending.instances'])).toEqual([5, 2]);
    expect(p.groups[0]?.figures['pending.cpus']).toBeCloseTo(0.5);
    expect(p.groups.every((g) => g.figures['util.cpus'] !== undefined)).toBe(true);
  });
});
