import type { Clock } from '../../util/clock.js';

export interface TimerHandle {
  readonly id: number;
  readonly at: number;
}

/**
 * A timer is its own handle: cancelling marks it (no set of cancelled ids to look up per timer
 * run, nor one that grows with every handle cleared after its timer ran: a finished task clears
 * the timer that just ended it).
 */
class Timer implements TimerHandle {
  /** 0 pending, 1 cancelled while in the heap, 2 ran or dropped. */
  state = 0;

  constructor(
    readonly id: number,
    readonly at: number,
    readonly fn: () => void,
  ) {}
}

/**
 * A clock whose time only moves when told to. `advance(ms)` runs every timer that
 * falls due in order (by due time, then by creation), including timers that those
 * timers schedule inside the window. Timers live in a binary heap so that a week of
 * simulated batch tasks (100k+ timers) stays cheap.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #heap: Timer[] = [];
  /** Cancelled timers still in the heap. */
  #cancelled = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Runs `fn` once `delayMs` of virtual time have passed (0 means at the next advance). */
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer = new Timer(++this.#seq, this.#now + Math.max(0, delayMs), fn);
    this.#push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle instanceof Timer && handle.state === 0) {
      handle.state = 1;
      this.#cancelled++;
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        this.clearTimer(handle);
        resolve();
      };
      // The listener goes with the timer: a long-lived signal must not collect one per sleep.
      const handle = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Due time of the next pending timer, if any. */
  nextTimerAt(): number | undefined {
    this.#dropCancelledHead();
    return this.#heap[0]?.at;
  }

  get pendingTimers(): number {
    return this.#heap.length - this.#cancelled;
  }

  /** Moves time forward by `ms`, running due timers synchronously. Returns how many ran. */
  advance(ms: number): number {
    return this.advanceTo(this.#now + Math.max(0, ms));
  }

  advanceTo(target: number): number {
    let ran = 0;
    for (;;) {
      this.#dropCancelledHead();
      const head = this.#heap[0];
      if (!head || head.at > target) break;
      this.#pop();
      head.state = 2;
      if (head.at > this.#now) this.#now = head.at;
      head.fn();
      ran++;
    }
    if (target > this.#now) this.#now = target;
    return ran;
  }

  /**
   * Like `advance`, but lets promise continuations (code awaiting `sleep`) run after
   * each timer, so async loops driven by this clock make progress in order.
   */
  async advanceAsync(ms: number): Promise<number> {
    const target = this.#now + Math.max(0, ms);
    let ran = 0;
    await flushMicrotasks();
    for (;;) {
      this.#dropCancelledHead();
      const head = this.#heap[0];
      if (!head || head.at > target) break;
      ran += this.advanceTo(head.at);
      await flushMicrotasks();
    }
    if (target > this.#now) this.#now = target;
    return ran;
  }

  #dropCancelledHead(): void {
    while (this.#heap.length > 0) {
      const head = this.#heap[0];
      if (!head || head.state !== 1) return;
      head.state = 2;
      this.#cancelled--;
      this.#pop();
    }
  }

  #less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  #push(t: Timer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Timer;
      if (!this.#less(t, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = t;
  }

  #pop(): Timer | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      const lt = h[l];
      const rt = h[r];
      if (lt && this.#less(lt, best)) {
        m = l;
        best = lt;
      }
      if (rt && this.#less(rt, best)) {
        m = r;
        best = rt;
      }
      if (m === i) break;
      h[i] = best;
      i = m;
    }
    h[i] = last;
    return top;
  }
}

/** Lets pending promise callbacks run (a macrotask boundary flushes all microtasks). */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Drives a virtual clock from real time (the demo and emulated-cluster tests):
 * every `tickMs` of wall time it advances `tickMs * speed` of virtual time.
 */
export function driveRealtime(clock: VirtualClock, options: { speed?: number; tickMs?: number } = {}): () => void {
  const speed = options.speed ?? 1;
  const tickMs = options.tickMs ?? 50;
  let last = Date.now();
  const interval = setInterval(() => {
    const now = Date.now();
    clock.advance((now - last) * speed);
    last = now;
  }, tickMs);
  interval.unref();
  return () => clearInterval(interval);
}
