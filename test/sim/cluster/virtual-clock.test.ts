import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sim/cluster/virtual-clock.js';

describe('VirtualClock', () => {
  it('runs due timers in time order, then creation order, and moves time to each', () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.setTimer(30, () => seen.push(`c@${clock.now()}`));
    clock.setTimer(10, () => seen.push(`a@${clock.now()}`));
    clock.setTimer(10, () => seen.push(`b@${clock.now()}`));
    clock.setTimer(50, () => seen.push('late'));
    expect(clock.advance(40)).toBe(3);
    expect(seen).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(40);
  });

  it('runs timers scheduled by timers when they fall inside the window', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.setTimer(5, () => {
      seen.push(clock.now());
      clock.setTimer(5, () => seen.push(clock.now()));
      clock.setTimer(100, () => seen.push(-1));
    });
    clock.advance(20);
    expect(seen).toEqual([5, 10]);
  });

  it('cancels timers and resolves sleep at the virtual time', async () => {
    const clock = new VirtualClock(1000);
    let fired = false;
    const h = clock.setTimer(1, () => (fired = true));
    clock.clearTimer(h);
    clock.advance(10);
    expect(fired).toBe(false);
    let woke = 0;
    const p = clock.sleep(500).then(() => (woke = clock.now()));
    await clock.advanceAsync(499);
    expect(woke).toBe(0);
    await clock.advanceAsync(1);
    await p;
    expect(woke).toBe(1510);
  });

  it('counts pending timers, whatever handles are cleared after their timer ran', () => {
    const clock = new VirtualClock(0);
    const ran = clock.setTimer(1, () => undefined);
    const cancelled = clock.setTimer(5, () => undefined);
    clock.setTimer(10, () => undefined);
    expect(clock.pendingTimers).toBe(3);
    clock.advance(2);
    // A finished task clears the timer that just ended it: nothing pending changes.
    clock.clearTimer(ran);
    clock.clearTimer(cancelled);
    clock.clearTimer(cancelled);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.advance(20)).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets async loops driven by sleep make progress in order', async () => {
    const clock = new VirtualClock(0);
    const ticks: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        ticks.push(clock.now());
      }
    })();
    await clock.advanceAsync(1000);
    await loop;
    expect(ticks).toEqual([100, 200, 300]);
  });

  it('keeps a large heap ordered', () => {
    const clock = new VirtualClock(0);
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const d = (i * 7919) % 1000;
      clock.setTimer(d, () => out.push(d));
    }
    clock.advance(1000);
    expect(out).toHaveLength(5000);
    for (let i = 1; i < out.length; i++) expect(out[i]! >= out[i - 1]!).toBe(true);
  });
});
