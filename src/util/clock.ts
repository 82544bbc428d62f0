/** Time source: the real clock in production, a virtual one in the simulator. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The process's monotonic clock, in epoch ms from when the process started: durations (drain age,
 * provision time, backoff) never jump with a wall-clock step, and nothing another machine wrote is
 * compared with it.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // The listener goes when the timer fires: a long-lived signal (the service's) would otherwise
      // keep one per sleep, a leak of one closure per triggered cycle.
      const onAbort = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
