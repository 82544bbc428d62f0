import { err, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';
import type { MarathonEvent } from './events.js';

type EventsOptions = { signal?: AbortSignal; idleTimeoutMs?: number; eventTypes?: readonly string[] };

/** What reads `/v2/events` (the Marathon client, or this fanout for a second consumer). */
export interface MarathonEventStream {
  events(onEvent: (event: MarathonEvent) => void | Promise<void>, opts: EventsOptions): Promise<Result<'aborted' | 'ended', MarathonError>>;
}

interface Listener {
  readonly onEvent: (event: MarathonEvent) => void | Promise<void>;
  readonly done: (r: Result<'aborted' | 'ended', MarathonError>) => void;
}

/**
 * One `/v2/events` connection shared by the queue model and the event triggers, so a trigger's
 * cycle finds the event already applied to the model. A consumer joining a live stream gets an
 * `event_stream_attached` first, as a connection of its own would; when Marathon does not serve
 * the stream, consumers read it themselves, as without the model.
 */
export class MarathonEventFanout implements MarathonEventStream {
  readonly #listeners = new Set<Listener>();
  readonly #direct: MarathonEventStream;
  readonly #live: () => boolean;
  #refused = false;

  constructor(direct: MarathonEventStream, live: () => boolean) {
    this.#direct = direct;
    this.#live = live;
  }

  async publish(e: MarathonEvent): Promise<void> {
    for (const l of [...this.#listeners]) await l.onEvent(e);
  }

  /** The shared stream ended: consumers reconnect as they would to Marathon. */
  disconnected(why: MarathonError | 'ended'): void {
    for (const l of [...this.#listeners]) {
      this.#listeners.delete(l);
      l.done(why === 'ended' ? ok('ended') : err(why));
    }
  }

  /** Marathon does not serve `/v2/events`: present and later consumers go to it directly. */
  refused(why: MarathonError): void {
    this.#refused = true;
    this.disconnected(why);
  }

  events(onEvent: (event: MarathonEvent) => void | Promise<void>, opts: EventsOptions): Promise<Result<'aborted' | 'ended', MarathonError>> {
    if (this.#refused) return this.#direct.events(onEvent, opts);
    return new Promise((resolve) => {
      const listener: Listener = {
        onEvent,
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
      if (this.#live()) void Promise.resolve(onEvent({ type: 'event_stream_attached' })).catch(() => undefined);
    });
  }
}
