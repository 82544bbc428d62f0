import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import type { Result } from '../util/result.js';
import type { MesosError } from './errors.js';
import type { MesosEvent } from './events.js';

/** What `subscribeWithReconnect` needs of a client: one subscription at a time. */
export interface Subscribable {
  subscribe(
    onEvent: (event: MesosEvent) => void | Promise<void>,
    opts: { signal?: AbortSignal; idleTimeoutMs?: number },
  ): Promise<Result<'aborted' | 'ended', MesosError>>;
}

export interface ReconnectOptions {
  readonly signal: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Dropped as dead after this much silence; Mesos sends a heartbeat every 15 s. */
  readonly idleTimeoutMs?: number;
  readonly clock?: Clock;
  /** Told about every ended or failed subscription, with the delay before the next attempt. */
  readonly onDisconnect?: (why: MesosError | 'ended', retryInMs: number) => void;
}

/**
 * Keeps a SUBSCRIBE stream open until `signal` aborts, reconnecting with exponential backoff.
 * Each new subscription starts with SUBSCRIBED carrying the whole state, so the consumer
 * rebuilds from it and nothing is lost across reconnects. The backoff resets once events flow.
 */
export async function subscribeWithReconnect(
  client: Subscribable,
  onEvent: (event: MesosEvent) => void | Promise<void>,
  opts: ReconnectOptions,
): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const initial = opts.initialDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 60_000;
  let delay = initial;
  while (!opts.signal.aborted) {
    let gotEvent = false;
    const result = await client.subscribe(
      (e) => {
        gotEvent = true;
        return onEvent(e);
      },
      { signal: opts.signal, ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}) },
    );
    if (opts.signal.aborted || (result.ok && result.value === 'aborted')) return;
    if (gotEvent) delay = initial;
    opts.onDisconnect?.(result.ok ? 'ended' : result.error, delay);
    await clock.sleep(delay, opts.signal);
    delay = Math.min(max, delay * 2);
  }
}
