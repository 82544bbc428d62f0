import { Fanout } from '../../util/fanout.js';
import { err, type Result } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import type { MesosEvent } from '../events.js';
import type { Subscribable } from '../subscribe.js';

export type SubscribedEvent = Extract<MesosEvent, { type: 'SUBSCRIBED' }>;

/**
 * One SUBSCRIBE connection shared by several consumers (the state model and the event triggers):
 * the master sends its whole state in every SUBSCRIBED, so a second connection would double that
 * cost for nothing. Consumers see the same events in order; each starts at a SUBSCRIBED (the
 * stream's own, or the current one replayed when it joins a live stream).
 */
export class EventFanout implements Subscribable {
  readonly #fanout = new Fanout<MesosEvent, MesosError>((e) => e.type === 'SUBSCRIBED');
  /** The live stream's state as a SUBSCRIBED event, for a consumer joining it; undefined while none is live. */
  readonly #current: () => SubscribedEvent | undefined;
  #refused: MesosError | undefined;

  constructor(current: () => SubscribedEvent | undefined) {
    this.#current = current;
  }

  /** Called by the owner with every event of the live stream, after its own handling. */
  publish(e: MesosEvent): Promise<void> {
    return this.#fanout.publish(e);
  }

  /** The shared stream ended (connection lost): consumers reconnect as they would to a master. */
  disconnected(why: MesosError | 'ended'): void {
    this.#fanout.disconnected(why);
  }

  /** The master does not serve SUBSCRIBE: every consumer, now and later, is told so. */
  refused(why: MesosError): void {
    this.#refused = why;
    this.disconnected(why);
  }

  /** `Subscribable` for a consumer: resolves when `signal` aborts or the shared stream ends. */
  subscribe(onEvent: (event: MesosEvent) => void | Promise<void>, opts: { signal?: AbortSignal }): Promise<Result<'aborted' | 'ended', MesosError>> {
    if (this.#refused) return Promise.resolve(err(this.#refused));
    // Joining a live stream: start from its current state at once.
    return this.#fanout.join(onEvent, opts.signal, opts.signal?.aborted ? undefined : this.#current());
  }
}
