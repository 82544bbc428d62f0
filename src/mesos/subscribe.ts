import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import { errorMessage, type Result } from '../util/result.js';
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
  /**
   * Silence tolerated on a stream whose master announced heartbeats in SUBSCRIBED before it is
   * dropped as dead. Default: `missedHeartbeats` × the announced interval (45 s at Mesos' 15 s).
   * Never applied to a master that announced none (before 1.5): its stream is silent while
   * nothing changes, and dropping it would only re-read the whole state over and over.
   */
  readonly idleTimeoutMs?: number;
  /**
   * Heartbeats missed before a stream counts as dead (default 3). master.proto's `HEARTBEAT`
   * comment (apache/mesos include/mesos/v1/master/master.proto @1.5.0) suggests "e.g., 5 x".
   */
  readonly missedHeartbeats?: number;
  /** Longest wait from opening the stream to its SUBSCRIBED event (default 5 min: a big state takes time). */
  readonly subscribedTimeoutMs?: number;
  /**
   * Longest silence between bytes on any stream, heartbeats or not (default: none). A peer that
   * vanished without closing is found by TCP keepalive, which undici turns on for every socket
   * (nodejs/undici lib/core/connect.js `buildConnector`: `setKeepAlive(true, 60e3)`).
   */
  readonly transportIdleTimeoutMs?: number;
  readonly clock?: Clock;
  /** Told about every ended or failed subscription, with the delay before the next attempt. */
  readonly onDisconnect?: (why: MesosError | 'ended', retryInMs: number) => void;
}

/** How long a subscribed stream may stay silent: undefined (no watchdog) when the master sends no heartbeats. */
export function silenceLimitMs(heartbeatIntervalSeconds: number | undefined, opts: Pick<ReconnectOptions, 'idleTimeoutMs' | 'missedHeartbeats'> = {}): number | undefined {
  if (heartbeatIntervalSeconds === undefined || !(heartbeatIntervalSeconds > 0)) return undefined;
  return opts.idleTimeoutMs ?? Math.ceil(heartbeatIntervalSeconds * 1000 * (opts.missedHeartbeats ?? 3));
}

/**
 * Keeps a SUBSCRIBE stream open until `signal` aborts, reconnecting with exponential backoff.
 * Each new subscription starts with SUBSCRIBED carrying the whole state, so the consumer
 * rebuilds from it and nothing is lost across reconnects. The backoff resets once events flow.
 * Whether silence means a dead stream is decided per subscription from what SUBSCRIBED announced.
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
    const once = await subscribeOnce(client, onEvent, opts, clock);
    if (once.outcome === 'stopped') return;
    if (once.gotEvent) delay = initial;
    opts.onDisconnect?.(once.outcome, delay);
    await clock.sleep(delay, opts.signal);
    delay = Math.min(max, delay * 2);
  }
}

type Once = { readonly outcome: 'stopped' | 'ended' | MesosError; readonly gotEvent: boolean };

/** One subscription under a watchdog: until SUBSCRIBED, then (only if heartbeats were announced) per event. */
async function subscribeOnce(client: Subscribable, onEvent: (event: MesosEvent) => void | Promise<void>, opts: ReconnectOptions, clock: Clock): Promise<Once> {
  const own = new AbortController();
  const stopOwn = () => own.abort();
  opts.signal.addEventListener('abort', stopOwn, { once: true });
  let gotEvent = false;
  let lastEventAt = clock.now();
  let limit: number | undefined = opts.subscribedTimeoutMs ?? 300_000;
  let waitingFor = 'SUBSCRIBED';
  let expired: MesosError | undefined;
  // Cut short the watchdog's current wait when SUBSCRIBED changes the limit.
  let rearm = new AbortController();
  const watchdog = (async () => {
    while (!own.signal.aborted && limit !== undefined) {
      const silent = clock.now() - lastEventAt;
      if (silent >= limit) {
        expired = { kind: 'timeout', message: `SUBSCRIBE stream silent for ${silent} ms, waiting for ${waitingFor}; reconnecting` };
        own.abort();
        return;
      }
      if (rearm.signal.aborted) rearm = new AbortController();
      await clock.sleep(limit - silent, AbortSignal.any([own.signal, rearm.signal]));
    }
  })();
  try {
    const result = await client.subscribe(
      (e) => {
        gotEvent = true;
        lastEventAt = clock.now();
        if (e.type === 'SUBSCRIBED') {
          limit = silenceLimitMs(e.heartbeatIntervalSeconds, opts);
          waitingFor = `a heartbeat (announced every ${e.heartbeatIntervalSeconds ?? '?'} s)`;
          rearm.abort();
        }
        return onEvent(e);
      },
      { signal: own.signal, ...(opts.transportIdleTimeoutMs !== undefined ? { idleTimeoutMs: opts.transportIdleTimeoutMs } : {}) },
    );
    if (opts.signal.aborted) return { outcome: 'stopped', gotEvent };
    if (expired) return { outcome: expired, gotEvent };
    return { outcome: result.ok ? 'ended' : result.error, gotEvent };
  } catch (e) {
    // A throw (a bug, a bad setting) ends this connection like any other failure: reported and
    // retried with backoff, never an unhandled rejection of the background stream.
    if (opts.signal.aborted) return { outcome: 'stopped', gotEvent };
    return { outcome: { kind: 'network', message: `SUBSCRIBE failed: ${errorMessage(e)}` }, gotEvent };
  } finally {
    opts.signal.removeEventListener('abort', stopOwn);
    own.abort();
    await watchdog;
  }
}
