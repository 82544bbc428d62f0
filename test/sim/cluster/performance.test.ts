import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/sim/cluster/ids.js';
import { agentSpec, newCluster } from './helpers.js';

const HOUR = 3_600_000;

describe('performance', () => {
  it('replays a week of 100,000 batch tasks on 500 agents well inside the simulator budget', () => {
    const c = newCluster();
    for (let i = 0; i < 500; i++) c.addAgent(agentSpec(i, { resources: { cpus: 16, mem: 65536, disk: 100000 }, attributes: { zone: `z${i % 3}` } }));
    const rand = seededRandom(3);
    const week = 7 * 24 * HOUR;
    const started = performance.now();
    let submitted = 0;
    // Submissions arrive spread over the week, in bursts of 100 every ~10 minutes.
    for (let burst = 0; burst < 1000; burst++) {
      c.clock.setTimer((burst * week) / 1000, () => {
        for (let k = 0; k < 100; k++) {
          const r = c.createApp({
            id: `/jobs/j${submitted++}`,
            instances: 1,
            cpus: 0.5 + Math.floor(rand() * 4) * 0.5,
            mem: 512 + Math.floor(rand() * 8) * 512,
            kind: 'batch',
            durationMs: (0.5 + rand() * 4) * HOUR,
            ...(k % 10 === 0 ? { constraints: [{ field: 'zone', operator: 'GROUP_BY' as const }] } : {}),
          });
          if (!r.ok) throw r.error;
        }
      });
    }
    c.clock.advance(week + 10 * HOUR);
    const elapsed = performance.now() - started;
    expect(submitted).toBe(100_000);
    expect(c.taskCount).toBe(0);
    expect([...c.apps()]).toHaveLength(0);
    // The whole simulator must do a week in 60 s; the cluster model gets a small share of it.
    expect(elapsed).toBeLessThan(20_000);
  });

  it('stays fast when the cluster is saturated and the queue grows to tens of thousands of apps', () => {
    const c = newCluster();
    for (let i = 0; i < 40; i++) c.addAgent(agentSpec(i, { resources: { cpus: 16, mem: 65536, disk: 100000 } }));
    const rand = seededRandom(5);
    const started = performance.now();
    let n = 0;
    for (let burst = 0; burst < 500; burst++) {
      c.clock.setTimer(burst * 20 * 60_000, () => {
        for (let k = 0; k < 100; k++) {
          c.createApp({ id: `/b/j${n++}`, instances: 1, cpus: 0.5 + Math.floor(rand() * 4) * 0.5, mem: 512, kind: 'batch', durationMs: (0.5 + rand() * 4) * HOUR });
        }
      });
    }
    c.clock.advance(7 * 24 * HOUR);
    expect(c.queue().length).toBeGreaterThan(10_000);
    // Saturated: nearly all 640 cpus stay busy.
    let used = 0;
    for (const t of c.tasks()) used += t.resources.cpus;
    expect(used).toBeGreaterThan(600);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
