import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/util/clock.js';

describe('systemClock.sleep', () => {
  it('leaves no abort listener on a long-lived signal once the timer fires', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 20; i++) await systemClock.sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('ends early on abort, and at once when already aborted', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const slept = systemClock.sleep(10_000, ac.signal);
    setTimeout(() => ac.abort(), 5);
    await slept;
    expect(performance.now() - t0).toBeLessThan(5_000);
    await systemClock.sleep(10_000, ac.signal);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
