import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import { applyPolicy, NAMED_POLICIES } from '../../../src/sim/policies.js';
import { replayTrace, scenarioConfig } from '../../../src/sim/replay/index.js';
import { reportsToJson } from '../../../src/sim/report/index.js';
import { generateTrace, type TraceTask } from '../../../src/sim/trace/index.js';

const HOUR = 3_600_000;
const task = (id: string, submitS: number, durationS: number | undefined, cpus: number, kind: TraceTask['kind'] = 'batch'): TraceTask => ({
  id,
  submitAt: submitS * 1000,
  ...(durationS === undefined ? {} : { durationMs: durationS * 1000 }),
  instances: 1,
  cpus,
  mem: 512,
  disk: 0,
  gpus: 0,
  constraints: [],
  kind,
});

function withGroups(base: Config, patch: Record<string, unknown>): Config {
  return validateConfig({ ...base, groups: base.groups.map((g) => ({ ...g, ...patch })) });
}

function policy(name: string, base: Config): Config {
  const p = NAMED_POLICIES[name];
  if (!p) throw new Error(name);
  const r = applyPolicy(p, base);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('replay of a hand-made trace', () => {
  it('a fixed group of 2 nodes for 2 hours is 4 node-hours, and work that fits waits one allocation interval', async () => {
    const config = scenarioConfig([{ name: 'fixed', cpus: 4, mem: 8192, min: 2, max: 2, price: 0.5 }]);
    const trace = [task('svc', 0, undefined, 1, 'service'), task('job', 60, 600, 2)];
    const r = await replayTrace({ trace, config: policy('original', config), policy: 'original', endMs: 2 * HOUR });
    const f = r.report.figures;
    // 2 nodes x 2 h, at 0.5 per node-hour.
    expect(f.nodeHours).toBeCloseTo(4, 9);
    expect(f.cost).toBeCloseTo(2, 9);
    expect(f.scalingActions.total).toBe(0);
    // Both placed by the first allocation pass, 1 s after submission.
    expect(f.waits.placedInstances).toBe(2);
    expect(f.waits.p50).toBe(1);
    expect(f.waits.max).toBe(1);
    expect(f.waits.pendingTaskSeconds).toBe(2);
    expect(r.cycles).toBe(120);
    expect(r.samples.every((s) => s.supply === 8 && s.nodesByGroup['fixed'] === 2)).toBe(true);
    // Demand (cpus): the service waits at t=0; 1 + 2 while the job runs (61 s .. 661 s); 1 after.
    const at = (s: number): number | undefined => r.samples.find((x) => x.t === s * 1000)?.demand;
    expect([at(0), at(60), at(600), at(660), at(720), at(7140)]).toEqual([1, 3, 3, 3, 1, 1]);
    const job = r.tasks.find((t) => t.id === 'job');
    expect(job).toMatchObject({ submittedAt: 60_000, placedAt: 61_000, finishedAt: 661_000 });
  });

  it('a task that needs a new node waits for the next cycle plus the provisioning delay; the node is paid until drained and deleted', async () => {
    const base = scenarioConfig([{ name: 'g', cpus: 4, mem: 8192, min: 1, max: 3, price: 1 }]);
    const config = withGroups(base, { policies: ['pending'], scaleDown: { utilization: 50, unneededTime: 0, delayAfterAdd: 0, maxParallel: 1, drainTimeout: 600 } });
    // A fills the only node; B arrives at 330 s and must wait for a second node.
    const trace = [task('A', 0, 3600, 4), task('B', 330, 600, 2)];
    const r = await replayTrace({ trace, config, policy: 'pending', endMs: 2 * HOUR, provisioningDelayMs: 180_000 });
    const wait = (id: string): number | undefined => {
      const t = r.tasks.find((x) => x.id === id);
      return t?.placedAt === undefined ? undefined : (t.placedAt - t.submittedAt) / 1000;
    };
    expect(wait('A')).toBe(1);
    // Pass at 331 s fails; the cycle at 360 s adds a node; it registers at 540 s; placed at 541 s.
    expect(wait('B')).toBe(211);
    // Node 1 all 2 h; node 2 from 360 s (created) to 1260 s: B ends at 1141 s, the 1200 s cycle drains it with
    // DRAIN_AGENT (the simulated agents run Mesos 1.9), the idle agent is DRAINED at once, and the 1260 s cycle
    // (Mesos runs nothing there) deletes the instance.
    expect(r.report.figures.nodeHours).toBeCloseTo((7200 + 900) / 3600, 9);
    // The same node-hours by state, each sample holding until the next: node 2 boots 360-540 s, is
    // idle at the 540 s sample (B is placed at 541 s), busy from 600 s to 1200 s (B ends at 1141 s),
    // draining from the 1200 s cycle to its deletion at 1260 s; node 1 is idle at the 0 s sample (A
    // is placed at 1 s), busy until the 3660 s sample (A ends at 3601 s), idle after.
    const s = r.report.figures.nodeHoursByState;
    expect(s?.booting).toBeCloseTo(180 / 3600, 9);
    expect(s?.idle).toBeCloseTo((60 + 60 + (7200 - 3660)) / 3600, 9);
    expect(s?.busy).toBeCloseTo((3600 + 600) / 3600, 9);
    expect(s?.draining).toBeCloseTo(60 / 3600, 9);
    // The bounds from the trace's times: A's node for the samples 0 s .. 3540 s, a second node for
    // B's samples 360 s .. 900 s; with the 180 s boot the samples 180, 240 and 300 s see B's
    // second node within one delay after them and count it too.
    const oracle = r.report.figures.oracle;
    expect(oracle?.lowerBoundNodeHours).toBeCloseTo((3600 + 600) / 3600, 9);
    expect(oracle?.bootAware).toEqual({ delayMs: 180_000, lowerBoundNodeHours: expect.closeTo((3600 + 600 + 180) / 3600, 9) });
    expect(r.report.figures.nodeHoursOverBootAwareBound).toBeCloseTo(8100 / 4380, 9);
    expect(r.report.figures.scalingActions).toEqual({ total: 2, up: 1, down: 1 });
    expect(r.failedActions).toBe(0);
  });
});

const small = (seed: number): TraceTask[] => generateTrace({ seed, days: 1, targetNodes: 16, nodeShape: { cpus: 16, mem: 65536 }, tasks: 1200 });
const smallBase = (): Config => scenarioConfig([{ name: 'agents', cpus: 16, mem: 65536, min: 3, max: 40 }]);

describe('replay of generated traces', () => {
  it('submits a task of the last millisecond of the run, whose trace time is not whole milliseconds (Google 2011 counts microseconds)', async () => {
    const config = scenarioConfig([{ name: 'fixed', cpus: 4, mem: 8192, min: 1, max: 1 }]);
    // A task half a millisecond before the end: inside the run (the oracle counts it), so it is submitted.
    const trace = [task('early', 0, 60, 1), { ...task('last', 0, 60, 1), submitAt: 2 * HOUR - 0.5 }];
    const r = await replayTrace({ trace, config: policy('original', config), policy: 'original', endMs: 2 * HOUR });
    expect(r.submitted).toBe(2);
    expect(r.tasks.map((t) => t.id).sort()).toEqual(['early', 'last']);
  });

  it('gives the same report for the same trace and seed', async () => {
    const trace = small(5);
    const run = async (): Promise<string> => reportsToJson([(await replayTrace({ trace, config: policy('demand-aware', smallBase()), policy: 'demand-aware', endMs: 12 * HOUR, seed: 9, initial: { agents: 6 } })).report]);
    const a = await run();
    const b = await run();
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(1000);
  });

  it('the oracle is never costlier than any policy that serves the work', async () => {
    let served = 0;
    for (const seed of [1, 2]) {
      const trace = small(seed);
      for (const name of Object.keys(NAMED_POLICIES)) {
        const r = await replayTrace({ trace, config: policy(name, smallBase()), policy: name, endMs: 12 * HOUR, initial: { agents: 6 } });
        const f = r.report.figures;
        const oracle = f.oracle;
        expect(oracle, `${name} seed ${seed}`).toBeDefined();
        if (!oracle) continue;
        expect(oracle.lowerBoundNodeHours).toBeLessThanOrEqual(oracle.nodeHours);
        expect(oracle.bootAware?.lowerBoundNodeHours).toBeGreaterThanOrEqual(oracle.lowerBoundNodeHours);
        if (f.waits.neverPlacedInstances === 0) {
          served++;
          expect(oracle.cost, `${name} seed ${seed}`).toBeLessThanOrEqual(f.cost);
        } else if (f.cost < oracle.cost) {
          // Cheaper than the oracle only by leaving work unplaced while short of nodes (cpu-only
          // thresholds miss a memory-bound cluster). A policy that leaves an instance or two unplaced
          // (demand-aware, seed 2: one of 1,065) and pays more than the oracle beats nothing.
          expect(f.elasticity.tauU, `${name} seed ${seed}`).toBeGreaterThan(10);
        }
      }
    }
    expect(served).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('measures the original policy: it scales, places the work, and its figures are all numbers', async () => {
    const trace = small(3);
    const r = await replayTrace({ trace, config: policy('original', smallBase()), policy: 'original', endMs: 12 * HOUR, initial: { agents: 4 } });
    const f = r.report.figures;
    expect(r.actions).toBeGreaterThan(0);
    expect(f.scalingActions.up).toBeGreaterThan(0);
    expect(f.waits.placedInstances).toBeGreaterThan(0);
    for (const v of [f.nodeHours, f.cost, f.waits.p50, f.waits.p95, f.elasticity.thetaU, f.elasticity.thetaO, f.elasticity.tauU, f.elasticity.tauO]) expect(Number.isFinite(v)).toBe(true);
    expect(r.report.series.t.length).toBe(r.cycles);
  });
});
