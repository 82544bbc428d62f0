import { err, ok, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import type { MesosEvent } from '../events.js';
import type { Subscribable } from '../subscribe.js';

export type SubscribedEvent = Extract<MesosEvent, { type: 'SUBSCRIBED' }>;

interface Listener {
  readonly onEvent: (event: MesosEvent) => void | Promise<void>;
  readonly done: (r: Result<'aborted' | 'ended', MesosError>) => void;
  /** Waiting for the stream's next SUBSCRIBED before it sees events. */
  started: boolean;
}

/**
 * One SUBSCRIBE connection shared by several consumers (the state model and the event triggers):
 * the master sends its whole state in every SUBSCRIBED, so a second connection would double that
 * cost for nothing. Consumers see the same events in order; each starts at a SUBSCRIBED (the
 * stream's own, or the current one replayed when it joins a live stream).
 */
export class EventFanout implements Subscribable {
  readonly #listeners = new Set<Listener>();
  /** The live stream's state as a SUBSCRIBED event, for a consumer joining it; undefined while none is live. */
  readonly #current: () => SubscribedEvent | undefined;
  #refused: MesosError | undefined;

  constructor(current: () => SubscribedEvent | undefined) {
    this.#current = current;
  }

  /** Called by the owner with every event of the live stream, after its own handling. */
  async publish(e: MesosEvent): Promise<void> {
    for (const l of [...this.#listeners]) {
      if (!l.started) {
        if (e.type !== 'SUBSCRIBED') continue;
        l.started = true;
      }
      await l.onEvent(e);
    }
  }

  /** The shared stream ended (connection lost): consumers reconnect as they would to a master. */
  disconnected(why: MesosError | 'ended'): void {
    for (const l of [...this.#listeners]) {
      this.#listeners.delete(l);
      l.done(why === 'ended' ? ok('ended') : err(why));
    }
  }

  /** The master does not serve SUBSCRIBE: every consumer, now and later, is told so. */
  refused(why: MesosError): void {
    this.#refused = why;
    this.disconnected(why);
  }

  /** `Subscribable` for a consumer: resolves when `signal` aborts or the shared stream ends. */
  subscribe(onEvent: (event: MesosEvent) => void | Promise<void>, opts: { signal?: AbortSignal }): Promise<Result<'aborted' | 'ended', MesosError>> {
    if (this.#refused) return Promise.resolve(err(this.#refused));
    return new Promise((resolve) => {
      const listener: Listener = {
        onEvent,
        started: false,
        done: (r) => {
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      const onAbort = () => {
        this.#listeners.delete(listener);
        listener.done(ok('aborted'));
      };
      if (opts.signal?.aborted) return resolve(ok('aborted'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.#listeners.add(listener);
      // Joining a live stream: start from its current state at once.
      const current = this.#current();
      if (current) {
        listener.started = true;
        void Promise.resolve(onEvent(current)).catch(() => undefined);
      }
    });
  }
}
