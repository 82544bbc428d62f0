import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import type { Constraint } from '../../src/model/pending.js';
import { resources, toVector } from '../../src/model/resources.js';
import { runningTasks, viewGroup, type GroupView } from '../../src/planner/group-view.js';
import { canHost, fitsIn, makeBin, take, type Bin } from '../../src/planner/packing.js';
import { Placements } from '../../src/planner/constraints.js';
import { refusal } from '../../src/planner/placement.js';
import { chooseRemovable, movingWork, type Candidate, type Excluded } from '../../src/planner/scale-down.js';
import { subtractFloor } from '../../src/model/resources.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';

const UNIQUE: readonly Constraint[] = [{ field: 'hostname', operator: 'UNIQUE' }];
const MAX_PER_2: readonly Constraint[] = [{ field: 'hostname', operator: 'MAX_PER', value: '2' }];
const GROUP_BY: readonly Constraint[] = [{ field: 'hostname', operator: 'GROUP_BY', value: '2' }];
const CONSTRAINTS: Readonly<Record<string, readonly Constraint[]>> = { '/u': UNIQUE, '/m': MAX_PER_2, '/g': GROUP_BY };

/**
 * The re-placement simulation as first written: a bin for every agent up front, every task
 * scanned over every bin. The faster `chooseRemovable` (lazy bins, remembered misfits) must
 * choose exactly what this does.
 */
function reference(view: GroupView, candidates: readonly Candidate[], wanted: number): { chosen: Candidate[]; stuck: Excluded[] } {
  const bins = new Map<string, Bin>();
  for (const a of view.capacity) {
    const apps = new Map<string, number>();
    for (const t of runningTasks(a)) if (t.appId) apps.set(t.appId, (apps.get(t.appId) ?? 0) + 1);
    bins.set(a.id, makeBin(a, subtractFloor(a.total, a.used), apps));
  }
  const removed = new Set<string>();
  const receivers = new Set<Bin>();
  const chosen: Candidate[] = [];
  const stuck: Excluded[] = [];
  for (const c of candidates) {
    if (chosen.length >= wanted) break;
    const own = bins.get(c.agent.id);
    if (own && receivers.has(own)) continue;
    // Largest first: by the task's largest share of the agent's resources, ties in listed order.
    const share = (t: (typeof listed)[number]) => Math.max(t.resources.cpus / c.agent.total.cpus, t.resources.mem / c.agent.total.mem);
    const listed = movingWork(c.agent);
    const tasks = listed.map((t, i) => ({ t, i })).sort((a, b) => share(b.t) - share(a.t) || a.i - b.i).map((x) => x.t);
    removed.add(c.agent.id);
    const moves: { bin: Bin; need: Float64Array; app: string }[] = [];
    let ok = true;
    for (const t of tasks) {
      const need = toVector(t.resources);
      const app = t.appId ?? t.id;
      let target: Bin | undefined;
      for (const [id, bin] of bins) {
        if (!removed.has(id) && canHost(need, t.constraints ?? [], app, bin)) {
          target = bin;
          break;
        }
      }
      if (!target) {
        ok = false;
        break;
      }
      take(need, target, app);
      moves.push({ bin: target, need, app });
    }
    if (ok) {
      for (const m of moves) receivers.add(m.bin);
      chosen.push(c);
      continue;
    }
    for (const m of moves) {
      for (let i = 0; i < m.need.length; i++) m.bin.free[i] = (m.bin.free[i] ?? 0) + (m.need[i] ?? 0);
      m.bin.apps.set(m.app, (m.bin.apps.get(m.app) ?? 1) - 1);
    }
    removed.delete(c.agent.id);
    stuck.push({ agent: c.agent, why: `its ${tasks.length} task(s) would not fit on the other agents of the group` });
  }
  return { chosen, stuck };
}

/** Agents of 4 cpus running tasks of a few sizes (so needs repeat), some of apps placed hostname UNIQUE, MAX_PER 2 or GROUP_BY. */
const clusterArb = fc.array(
  fc.array(fc.record({ cpus: fc.constantFrom(0.5, 1, 1.5, 2, 3), mem: fc.constantFrom(0, 512, 2048), app: fc.constantFrom('/a', '/b', '/u', '/m', '/g') }), { maxLength: 4 }),
  { minLength: 1, maxLength: 14 },
);

function build(spec: { cpus: number; mem?: number; app: string }[][]): { view: GroupView; candidates: Candidate[] } {
  const agents: Agent[] = spec.map((ts, i) => {
    const fitted: { cpus: number; mem?: number; app: string }[] = [];
    let used = 0;
    let usedMem = 0;
    const count = (app: string): number => fitted.filter((f) => f.app === app).length;
    for (const t of ts) if (used + t.cpus <= 4 && usedMem + (t.mem ?? 0) <= 4096 && !(t.app === '/u' && count('/u') >= 1) && !(t.app === '/m' && count('/m') >= 2)) (fitted.push(t), (used += t.cpus), (usedMem += t.mem ?? 0));
    const tasks = fitted.map((t) => task({ appId: t.app, resources: resources({ cpus: t.cpus, mem: t.mem ?? 0 }), ...(CONSTRAINTS[t.app] ? { constraints: CONSTRAINTS[t.app] } : {}) }));
    return agent({ id: `p${i}`, cpus: 4, mem: 4096, usedCpus: used, usedMem, tasks });
  });
  const view = viewGroup(snapshot(agents, { stateless: groupState(agents) }), config().groups[0]!);
  const candidates = view.capacity.map((a) => ({ agent: a, instanceId: a.id, machine: { hostname: a.hostname, ip: a.ip ?? '' }, load: a.used.cpus / a.total.cpus, tasks: a.tasks.length }));
  return { view, candidates };
}

const ids = (r: { chosen: Candidate[]; stuck: Excluded[] }) => ({ chosen: r.chosen.map((c) => c.agent.id), stuck: r.stuck.map((s) => `${s.agent.id}: ${s.why}`) });

describe('chooseRemovable', () => {
  it('chooses exactly what the full simulation chooses, in any candidate order, for any wanted', () => {
    fc.assert(
      fc.property(clusterArb, fc.integer({ min: 1, max: 14 }), fc.integer(), (spec, wanted, seed) => {
        const { view, candidates } = build(spec);
        // A shuffled order: stuck candidates come between chosen ones.
        const order = [...candidates].sort((a, b) => ((a.agent.id.length * 7919 + seed) % 13) - ((b.agent.id.length * 7919 + seed) % 13) || (a.load - b.load) * (seed % 2 ? 1 : -1));
        expect(ids(chooseRemovable(view, order, wanted))).toEqual(ids(reference(view, order, wanted)));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 400) },
    );
  });

  it('a run of stuck candidates stays stuck, each for its own reason', () => {
    // Six full agents (3 + 1 cpus), one with 3 cpus free, one empty. The empty one goes first; then
    // each full one's 3-cpu task finds the free room but its 1-cpu task fits nowhere.
    const spec = [...Array.from({ length: 6 }, () => [{ cpus: 3, app: '/a' }, { cpus: 1, app: '/b' }]), [{ cpus: 1, app: '/b' }], []];
    const { view, candidates } = build(spec);
    const order = [candidates[7]!, ...candidates.slice(0, 7)];
    const r = chooseRemovable(view, order, 3);
    expect(ids(r)).toEqual(ids(reference(view, order, 3)));
    expect(r.chosen.map((c) => c.agent.id)).toEqual([candidates[7]!.agent.id]);
    expect(r.stuck.map((s) => s.why)).toEqual([...Array.from({ length: 6 }, () => 'its 2 task(s) would not fit on the other agents of the group'), 'its 1 task(s) would not fit on the other agents of the group']);
  });
});

describe('chooseRemovable with a limit of stuck candidates', () => {
  // Ten full agents (2 + 2 cpus) whose second task fits nowhere (the first takes 2 of the 3.5 cpus
  // free on the eleventh), then the eleventh, whose 0.5-cpu task fits on the last agent (3.5 cpus
  // used, not a candidate).
  const spec = [...Array.from({ length: 10 }, () => [{ cpus: 2, app: '/a' }, { cpus: 2, app: '/b' }]), [{ cpus: 0.5, app: '/b' }], [{ cpus: 3.5, app: '/a' }]];

  it('tries at most the limit, says how many it left, and reaches the candidate behind them as the start moves', () => {
    const { view, candidates } = build(spec);
    const order = candidates.slice(0, 11);
    const feasible = candidates[10]!.agent.id;
    const chosenAt: number[] = [];
    for (let rotate = 0; rotate < 11; rotate++) {
      const r = chooseRemovable(view, order, 1, { stuck: 4, rotate });
      expect(r.stuck.length).toBeLessThanOrEqual(4);
      if (r.chosen.length > 0) {
        expect(r.chosen.map((c) => c.agent.id)).toEqual([feasible]);
        expect(r.untried).toBe(0);
        chosenAt.push(rotate);
      } else expect(r.untried).toBe(11 - 4);
      // The first half of the tries is always the best candidates.
      expect(r.stuck.slice(0, 2).map((x) => x.agent.id)).toEqual([candidates[0]!.agent.id, candidates[1]!.agent.id]);
    }
    // Starting the later tries anywhere among the last nine, within two tries of it.
    expect(chosenAt.length).toBeGreaterThanOrEqual(2);
    // Without a limit every candidate is tried and the feasible one is found.
    expect(chooseRemovable(view, order, 1).chosen.map((c) => c.agent.id)).toEqual([feasible]);
  });

  it('a limit that is not reached changes nothing', () => {
    const { view, candidates } = build(spec);
    const order = candidates.slice(0, 11);
    expect(ids(chooseRemovable(view, order, 1, { stuck: 30, rotate: 7 }))).toEqual(ids(reference(view, order, 1)));
  });
});

describe('canHost', () => {
  // As first written: the constraints seeded with the bin's own instances of the app, then the placement module's refusal.
  const slowCanHost = (need: Float64Array, constraints: readonly Constraint[], app: string, bin: Bin): boolean => {
    if (constraints.length === 0) return canHost(need, constraints, app, bin);
    const placed = new Placements(constraints);
    for (let n = bin.apps.get(app) ?? 0; n > 0; n--) placed.record(bin);
    const probe = { id: app, need, fixedPorts: [], acceptedRoles: ['*'], gpuScheduling: 'unrestricted' as const };
    return fitsIn(need, bin) && refusal(probe, bin, placed) === undefined;
  };
  const constraintArb = fc.constantFrom<Constraint>(
    { field: 'hostname', operator: 'UNIQUE' },
    { field: 'hostname', operator: 'MAX_PER', value: '2' },
    { field: 'hostname', operator: 'MAX_PER', value: 'x' },
    { field: 'hostname', operator: 'GROUP_BY', value: '2' },
    { field: 'hostname', operator: 'CLUSTER' },
    { field: 'workload', operator: 'LIKE', value: 'stateless' },
    { field: 'workload', operator: 'UNIQUE' },
    { field: 'rack', operator: 'UNLIKE', value: 'r1' },
  );

  it('answers as the seeded constraints do, with the per-host shortcut and the shared empty record', () => {
    fc.assert(
      fc.property(fc.array(constraintArb, { maxLength: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(0.5, 1, 3, 5), (constraints, here, cpus) => {
        const a = agent({ id: 'host', cpus: 4 });
        const bin = makeBin(a, subtractFloor(a.total, a.used), new Map(here > 0 ? [['/x', here]] : []));
        const need = toVector(resources({ cpus }));
        // Twice: the second call reads the cached shortcut and empty record.
        expect(canHost(need, constraints, '/x', bin)).toBe(slowCanHost(need, constraints, '/x', bin));
        expect(canHost(need, constraints, '/x', bin)).toBe(slowCanHost(need, constraints, '/x', bin));
      }),
      { numRuns: 500 },
    );
  });
});
