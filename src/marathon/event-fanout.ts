import { Fanout } from '../util/fanout.js';
import type { Result } from '../util/result.js';
import type { MarathonError } from './errors.js';
import type { MarathonEvent } from './events.js';

type EventsOptions = { signal?: AbortSignal; idleTimeoutMs?: number; eventTypes?: readonly string[] };

/** What reads `/v2/events` (the Marathon client, or this fanout for a second consumer). */
export interface MarathonEventStream {
  events(onEvent: (event: MarathonEvent) => void | Promise<void>, opts: EventsOptions): Promise<Result<'aborted' | 'ended', MarathonError>>;
}

/**
 * One `/v2/events` connection shared by the queue model and the event triggers, so a trigger's
 * cycle finds the event already applied to the model. A consumer joining a live stream gets an
 * `event_stream_attached` first, as a connection of its own would; when Marathon does not serve
 * the stream, consumers read it themselves, as without the model.
 */
export class MarathonEventFanout implements MarathonEventStream {
  readonly #fanout = new Fanout<MarathonEvent, MarathonError>();
  readonly #direct: MarathonEventStream;
  readonly #live: () => boolean;
  #refused = false;

  constructor(direct: MarathonEventStream, live: () => boolean) {
    this.#direct = direct;
    this.#live = live;
  }

  publish(e: MarathonEvent): Promise<void> {
    return this.#fanout.publish(e);
  }

  /** The shared stream ended: consumers reconnect as they would to Marathon. */
  disconnected(why: MarathonError | 'ended'): void {
    this.#fanout.disconnected(why);
  }

  /** Marathon does not serve `/v2/events`: present and later consumers go to it directly. */
  refused(why: MarathonError): void {
    this.#refused = true;
    this.disconnected(why);
  }

  events(onEvent: (event: MarathonEvent) => void | Promise<void>, opts: EventsOptions): Promise<Result<'aborted' | 'ended', MarathonError>> {
    if (this.#refused) return this.#direct.events(onEvent, opts);
    const attached: MarathonEvent | undefined = this.#live() && !opts.signal?.aborted ? { type: 'event_stream_attached' } : undefined;
    return this.#fanout.join(onEvent, opts.signal, attached);
  }
}
