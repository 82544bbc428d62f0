import type { PendingRead, PendingSource } from '../model/ports.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';
import { MarathonEventFanout, type MarathonEventStream } from './event-fanout.js';
import type { MarathonEvent } from './events.js';
import type { QueueEntry } from './queue.js';
import { QueueModel, type QueueResyncReason } from './queue-model.js';
import type { MarathonAppJson } from './schema.js';

/** The Marathon reads the model needs (the client has them). */
export interface QueueEventsClient extends MarathonEventStream {
  getQueueEntries(): Promise<Result<QueueEntry[], MarathonError>>;
  getAppDefinitions(embedTasks: boolean): Promise<Result<MarathonAppJson[], MarathonError>>;
  getAppDefinition(id: string): Promise<Result<MarathonAppJson | 'missing', MarathonError>>;
}

/** Event types the model applies; `event_stream_attached` must be asked for on a filtered stream. */
export const QUEUE_EVENT_TYPES: readonly string[] = [
  'event_stream_attached',
  'status_update_event',
  'instance_changed_event',
  'api_post_event',
  'app_terminated_event',
  'deployment_info',
  'deployment_failed',
  'pod_created_event',
  'pod_updated_event',
  'pod_deleted_event',
];

export interface QueueFromEventsOptions {
  readonly client: QueueEventsClient;
  /** Today's per-cycle read, used until the model is in sync and whenever the stream is down. */
  readonly poll: PendingSource;
  /**
   * `auto`: a Marathon that refuses `/v2/events` (404, 405, 501) is polled from then on;
   * `events`: the stream is asked for again with backoff (polled meanwhile).
   */
  readonly mode: 'auto' | 'events';
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Label for `from`. */
  readonly from: string;
  /** The check: `/v2/queue` read and compared with the model this often (default 60 s). */
  readonly checkEveryMs?: number;
  /** More event types for the consumers sharing the stream (the triggers'). */
  readonly eventTypes?: readonly string[];
  /** Told about each re-read the events could not spare (the metric). */
  readonly onResync?: (reason: QueueResyncReason) => void;
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number; readonly idleTimeoutMs?: number };
  /**
   * Backoff of a failed baseline read while the stream stays up (default 30 s doubling to 10 min):
   * slower than reconnects, because the read it repeats (every app with its tasks) is Marathon's
   * heaviest, and a large Marathon that timed out once must not be asked again every few seconds.
   */
  readonly baselineRetry?: { readonly initialDelayMs: number; readonly maxDelayMs: number };
}

export interface QueueFromEventsStatus {
  readonly inSync: boolean;
  readonly connected: boolean;
  readonly refused: boolean;
  readonly apps: number;
  readonly held: readonly string[];
  readonly syncs: number;
  readonly checks: number;
  readonly disagreements: number;
  readonly events: number;
}

/** Marathon answered, but does not serve the event stream (before 0.9, events disabled, a proxy hiding it). */
function notServed(e: MarathonError): boolean {
  return e.status === 404 || e.status === 405 || e.status === 501;
}

/**
 * Marathon's launch queue kept from `/v2/events`: on each (re)connect one read of `/v2/apps` with
 * tasks and of `/v2/queue` (the baseline), then events applied to a `QueueModel`, so a cycle plans
 * without reading Marathon. Reads happen only where events cannot say (see `QueueModel`), and the
 * periodic check reads `/v2/queue` and takes it where the model disagrees (re-syncing in full).
 * Until in sync, while the stream is down, and for a Marathon without it, `getQueue` is today's read.
 */
export class QueueFromEvents implements PendingSource {
  readonly #o: QueueFromEventsOptions;
  readonly #clock: Clock;
  readonly #model = new QueueModel();
  /** The same connection for the triggers. */
  readonly events: MarathonEventFanout;
  #ac: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #connected = false;
  #inSync = false;
  #refused = false;
  /** A full re-sync under way, and whether another was asked for meanwhile. */
  #syncing: Promise<void> | undefined;
  #syncAgain: QueueResyncReason | undefined;
  /** Reads under way, by the sequence number they began at (pruning waits for them). */
  readonly #reads = new Set<number>();
  #stats = { syncs: 0, checks: 0, disagreements: 0, events: 0 };
  /** Backoff of a failed baseline read while the stream stays up (undefined after a good one). */
  #baselineRetryMs: number | undefined;
  #reconnect: NonNullable<QueueFromEventsOptions['reconnect']>;

  constructor(options: QueueFromEventsOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#reconnect = options.reconnect ?? {};
    this.events = new MarathonEventFanout(options.client, () => this.#connected);
  }

  status(): QueueFromEventsStatus {
    return { inSync: this.#inSync, connected: this.#connected, refused: this.#refused, apps: this.#model.appCount, held: this.#model.heldApps(), ...this.#stats };
  }

  /** The waiting counts the model holds now (tests compare them with a read). */
  counts(): Map<string, number> {
    return new Map(this.#model.pending(this.#clock.now()).map((p) => [p.id, p.count]));
  }

  /** Opens the stream (idempotent); `reconnect` overrides the options' (the service passes its triggers' settings). */
  start(reconnect?: QueueFromEventsOptions['reconnect']): void {
    if (this.#ac) return;
    if (reconnect) this.#reconnect = { ...this.#reconnect, ...Object.fromEntries(Object.entries(reconnect).filter(([, v]) => v !== undefined)) };
    const ac = new AbortController();
    this.#ac = ac;
    this.#loop = this.#run(ac.signal);
    const every = this.#o.checkEveryMs ?? 60_000;
    this.#checkTimer = setInterval(() => void this.check().catch((e: unknown) => this.#o.logger.warn({ err: errorMessage(e) }, 'marathon queue check failed')), every);
    this.#checkTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.#ac?.abort();
    this.#ac = undefined;
    clearInterval(this.#checkTimer);
    this.#checkTimer = undefined;
    await this.#loop;
    await this.#syncing;
    this.#loop = undefined;
  }

  /** The model when in sync on a live stream (reading only what events could not say), today's read otherwise. */
  async getQueue(): ReturnType<PendingSource['getQueue']> {
    if (!this.#inSync || !this.#connected) return this.#o.poll.getQueue();
    await this.#readWanted();
    const now = this.#clock.now();
    const read: PendingRead = { pending: this.#model.pending(now), from: this.#o.from, readAt: now, appConstraints: this.#model.appConstraints() };
    return ok(read);
  }

  /**
   * The check: reads `/v2/queue` and compares it with the model. Apps whose count followed events
   * and differs take the read's count, the difference is logged and counted, and the model
   * re-syncs in full (whatever was missed may have touched more than counts). Returns the ids.
   */
  async check(): Promise<string[]> {
    if (!this.#inSync || !this.#connected || this.#syncing) return [];
    const start = this.#begin();
    try {
      const q = await this.#o.client.getQueueEntries();
      if (!q.ok) {
        this.#o.logger.warn({ err: q.error.message }, 'marathon queue check: /v2/queue read failed');
        return [];
      }
      this.#stats.checks++;
      const differ = this.#model.applyQueue(q.value, start, this.#clock.now(), true);
      if (differ.length === 0) return [];
      this.#stats.disagreements++;
      this.#o.logger.warn({ apps: differ.slice(0, 10), differing: differ.length }, 'marathon queue model disagreed with /v2/queue: taking the read and re-syncing');
      this.#o.onResync?.('check');
      this.resync('check', false);
      return differ.map((d) => d.id);
    } finally {
      this.#end(start);
    }
  }

  /** A full re-sync (apps with tasks, then the queue), now or after the one under way. */
  resync(reason: QueueResyncReason, count = true): void {
    if (count) this.#o.onResync?.(reason);
    if (this.#syncing) {
      this.#syncAgain = reason;
      return;
    }
    this.#syncing = this.#sync(reason).finally(() => {
      this.#syncing = undefined;
      const again = this.#syncAgain;
      this.#syncAgain = undefined;
      if (again && this.#connected) this.resync(again, false);
    });
  }

  async #sync(reason: QueueResyncReason): Promise<void> {
    const start = this.#begin();
    try {
      const apps = await this.#o.client.getAppDefinitions(true);
      const queue = apps.ok ? await this.#o.client.getQueueEntries() : undefined;
      if (!apps.ok || !queue?.ok) {
        const e = !apps.ok ? apps.error : queue && !queue.ok ? queue.error : undefined;
        this.#inSync = false;
        const retryInMs = this.#retryBaseline(reason);
        this.#o.logger.warn({ err: e?.message, reason, retryInMs }, 'marathon queue model: baseline read failed; polling until it is read');
        return;
      }
      if (!this.#connected) return;
      this.#model.applyApps(apps.value, start);
      this.#model.applyQueue(queue.value, start, this.#clock.now());
      this.#stats.syncs++;
      const fields = { reason, apps: this.#model.appCount, held: this.#model.heldApps().length, syncs: this.#stats.syncs };
      if (!this.#inSync && this.#stats.syncs === 1) this.#o.logger.info(fields, 'marathon queue model in sync from /v2/events');
      else this.#o.logger.debug(fields, 'marathon queue model re-synced');
      this.#inSync = true;
      this.#baselineRetryMs = undefined;
    } finally {
      this.#end(start);
    }
  }

  /**
   * A baseline read failed (e.g. a large Marathon slow to answer) while the stream stays up: no
   * reconnect will come to ask again, so it is asked again here, with backoff; meanwhile the
   * queue is polled. Returns the delay.
   */
  #retryBaseline(reason: QueueResyncReason): number {
    const initial = this.#o.baselineRetry?.initialDelayMs ?? 30_000;
    const max = this.#o.baselineRetry?.maxDelayMs ?? 600_000;
    const delay = this.#baselineRetryMs === undefined ? initial : Math.min(max, this.#baselineRetryMs * 2);
    this.#baselineRetryMs = delay;
    const signal = this.#ac?.signal;
    void this.#clock.sleep(delay, signal).then(() => {
      if (signal?.aborted || !this.#connected || this.#inSync) return;
      this.resync(reason, false);
    });
    return delay;
  }

  /** Reads what the events left open: definitions of apps deployed unseen, then the queue for held counts. */
  async #readWanted(): Promise<void> {
    const defs = this.#model.definitionsWanted();
    if (defs.length > 0) {
      const start = this.#begin();
      try {
        this.#o.onResync?.('app-definition');
        const reads = await Promise.all(defs.map(async (id) => [id, await this.#o.client.getAppDefinition(id)] as const));
        for (const [id, r] of reads) {
          if (r.ok) this.#model.applyApp(id, r.value, start);
          else this.#o.logger.warn({ app: id, err: r.error.message }, 'marathon queue model: app definition read failed');
        }
      } finally {
        this.#end(start);
      }
    }
    if (!this.#model.queueReadWanted()) return;
    const start = this.#begin();
    try {
      this.#o.onResync?.('inexact-event');
      const q = await this.#o.client.getQueueEntries();
      if (q.ok) this.#model.applyQueue(q.value, start, this.#clock.now());
      else this.#o.logger.warn({ err: q.error.message }, 'marathon queue model: /v2/queue read failed; planning from the model');
    } finally {
      this.#end(start);
    }
  }

  #begin(): number {
    const s = this.#model.seq;
    this.#reads.add(s);
    return s;
  }

  #end(s: number): void {
    this.#reads.delete(s);
    // Tombstones are kept only for reads still under way.
    if (this.#reads.size === 0) this.#model.prune(this.#model.seq);
  }

  async #run(signal: AbortSignal): Promise<void> {
    const initial = this.#reconnect.initialDelayMs ?? 500;
    const max = this.#reconnect.maxDelayMs ?? 30_000;
    const eventTypes = [...new Set([...QUEUE_EVENT_TYPES, ...(this.#o.eventTypes ?? [])])];
    let delay = initial;
    while (!signal.aborted) {
      let gotEvent = false;
      let why: MarathonError | 'ended';
      try {
        const r = await this.#o.client.events(
          async (e) => {
            gotEvent = true;
            await this.#onEvent(e);
          },
          { signal, idleTimeoutMs: this.#reconnect.idleTimeoutMs ?? 300_000, eventTypes },
        );
        if (signal.aborted || (r.ok && r.value === 'aborted')) break;
        why = r.ok ? 'ended' : r.error;
      } catch (e) {
        if (signal.aborted) break;
        why = { kind: 'network', message: errorMessage(e) };
      }
      this.#connected = false;
      this.#inSync = false;
      if (why !== 'ended' && notServed(why) && !gotEvent && this.#o.mode === 'auto') {
        this.#refused = true;
        this.#o.logger.info({ err: why.message }, 'Marathon does not serve /v2/events: the launch queue is read every cycle');
        this.events.refused(why);
        return;
      }
      if (gotEvent) delay = initial;
      this.#o.logger.warn({ err: why === 'ended' ? 'stream ended' : why.message, retryInMs: delay }, 'marathon event stream lost: the queue is read every cycle until it is back');
      this.events.disconnected(why);
      await this.#clock.sleep(delay, signal);
      delay = Math.min(max, delay * 2);
    }
    this.#connected = false;
    this.#inSync = false;
    this.events.disconnected('ended');
  }

  async #onEvent(e: MarathonEvent): Promise<void> {
    this.#stats.events++;
    if (e.type === 'event_stream_attached') {
      this.#connected = true;
      // Whatever happened while disconnected is unknown: the baseline again.
      this.resync('connect');
    } else {
      this.#model.apply(e, this.#clock.now());
    }
    await this.events.publish(e);
  }
}
