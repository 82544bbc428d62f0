import { err, ok, type Result } from './result.js';

export type StreamEnd<X> = Result<'aborted' | 'ended', X>;

interface Listener<E, X> {
  readonly onEvent: (event: E) => void | Promise<void>;
  readonly done: (r: StreamEnd<X>) => void;
  /** False while waiting for the stream's next starting event (see `startsAt`). */
  started: boolean;
}

/**
 * One event-stream connection shared by several consumers (a model and the event triggers), so a
 * second consumer costs no second connection and sees the events in the same order, after the
 * owner's own handling. The owner publishes; consumers join as they would subscribe to the
 * server, and end as a connection of their own would (aborted, stream ended, or an error).
 */
export class Fanout<E, X> {
  readonly #listeners = new Set<Listener<E, X>>();
  /** A consumer that joins between starting events waits for the next one (Mesos: SUBSCRIBED). */
  readonly #startsAt: ((e: E) => boolean) | undefined;

  constructor(startsAt?: (e: E) => boolean) {
    this.#startsAt = startsAt;
  }

  /** Every event of the live stream, in order; each consumer's handler is awaited in turn. */
  async publish(e: E): Promise<void> {
    for (const l of [...this.#listeners]) {
      if (!l.started) {
        if (!this.#startsAt?.(e)) continue;
        l.started = true;
      }
      await l.onEvent(e);
    }
  }

  /** The shared stream ended: every consumer's subscription ends with `why`. */
  disconnected(why: X | 'ended'): void {
    for (const l of [...this.#listeners]) {
      this.#listeners.delete(l);
      l.done(why === 'ended' ? ok('ended') : err(why));
    }
  }

  /**
   * A consumer's subscription: resolves when `signal` aborts or the shared stream ends. `first`,
   * when given, is handed to the consumer at once (what a connection of its own would have begun
   * with) and counts as its start.
   */
  join(onEvent: (event: E) => void | Promise<void>, signal: AbortSignal | undefined, first?: E): Promise<StreamEnd<X>> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(ok('aborted'));
      const listener: Listener<E, X> = {
        onEvent,
        started: first !== undefined || this.#startsAt === undefined,
        done: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      const onAbort = (): void => {
        this.#listeners.delete(listener);
        listener.done(ok('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#listeners.add(listener);
      if (first !== undefined) void Promise.resolve(onEvent(first)).catch(() => undefined);
    });
  }
}
