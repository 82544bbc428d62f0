import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/sim/chaos/kinds.js';
import { runChaos } from '../../src/sim/chaos/run.js';

/**
 * The short seeded chaos run of the default test run (`npm run chaos` runs 10,000 cycles): the real
 * Controller through a few hundred cycles of faults, in process and over HTTP, with no invariant
 * broken.
 */
describe('chaos suite, short seeded run', () => {
  it('breaks no invariant in 300 cycles of faults, restarts and failovers', async () => {
    const report = await runChaos({ seed: 12, cycles: 300, episodeCycles: 30, httpShare: 0.2 });
    expect(report.breaks.map((b) => `${b.invariant} (episode ${b.episode}, cycle ${b.cycle}): ${b.detail}`)).toEqual([]);
    expect(report.breakCount).toBe(0);
    expect(report.cycles).toBe(300);
    expect(report.httpEpisodes).toBeGreaterThan(0);
    expect(report.httpEpisodes).toBeLessThan(report.episodes);
    // Faults really happened, of most kinds, and the autoscaler was killed at its calls.
    const seen = FAULT_KINDS.filter((k) => report.faults[k] > 0);
    expect(seen.length).toBeGreaterThanOrEqual(18);
    expect(report.faults['sigkill-before-call'] + report.faults['sigkill-after-call']).toBeGreaterThan(3);
    expect(report.faultsTotal).toBeGreaterThan(200);
  }, 120_000);

  it('ends a drain whose agent held tasks: the in-process observer sees them end (seed 1, episode 12)', async () => {
    // Tasks landed on the idle agent between the cycle that chose it and the drain; the in-process
    // source once kept its first task list of each agent, so the drain looked unfinished for ever.
    const report = await runChaos({ seed: 1, cycles: 10_000, onlyEpisode: 12 });
    expect(report.episodes).toBe(1);
    expect(report.breaks.map((b) => `${b.invariant} (episode ${b.episode}, cycle ${b.cycle}): ${b.detail}`)).toEqual([]);
  }, 60_000);

  it('sets no size planned on a delete that failed (seed 5, episode 124)', async () => {
    // Two drained instances' deletes failed (quota, a timeout), then a scale-up set the size
    // planned as if they had lowered the desired size: the cloud removed a node running tasks.
    const report = await runChaos({ seed: 5, cycles: 10_000, onlyEpisode: 124 });
    expect(report.episodes).toBe(1);
    expect(report.breaks.map((b) => `${b.invariant} (episode ${b.episode}, cycle ${b.cycle}): ${b.detail}`)).toEqual([]);
  }, 60_000);
});
