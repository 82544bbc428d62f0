import type { MarathonError } from '../marathon/errors.js';
import type { MarathonEvent } from '../marathon/events.js';
import type { MesosError } from '../mesos/errors.js';
import type { MesosEvent } from '../mesos/events.js';
import { subscribeWithReconnect, type Subscribable } from '../mesos/subscribe.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage, type Result } from '../util/result.js';

/** What the triggers need of Marathon: its `/v2/events` stream, one connection at a time. */
export interface MarathonEventSource {
  events(
    onEvent: (event: MarathonEvent) => void | Promise<void>,
    opts: { signal?: AbortSignal; idleTimeoutMs?: number; eventTypes?: readonly string[] },
  ): Promise<Result<'aborted' | 'ended', MarathonError>>;
}

/** Task states after which the task holds no resources, or will be relaunched and wait. */
const TERMINAL_TASK_STATES: ReadonlySet<string> = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNREACHABLE',
]);
/** States of a task that was just given resources: utilization moved. */
const STARTING_TASK_STATES: ReadonlySet<string> = new Set(['TASK_STAGING', 'TASK_STARTING']);

/** Marathon instance conditions: waiting for an offer, or gone. */
const WAITING_CONDITIONS: ReadonlySet<string> = new Set(['Scheduled', 'Provisioned', 'Reserved']);
const GONE_CONDITIONS: ReadonlySet<string> = new Set(['Error', 'Failed', 'Finished', 'Killed', 'Gone', 'Dropped', 'Unreachable', 'UnreachableInactive', 'Unknown']);

/** Marathon event types asked for with `?event_type=`, so a busy cluster's other chatter stays on the server. */
export const MARATHON_EVENT_TYPES: readonly string[] = [
  // Asked for explicitly: a filtered stream would otherwise not say it is attached.
  'event_stream_attached',
  'status_update_event',
  'instance_changed_event',
  'deployment_info',
  'deployment_step_success',
  'deployment_success',
  'deployment_failed',
  'deployment_step_failure',
  'api_post_event',
  'app_terminated_event',
  'group_change_success',
  // Marathon 1.4-1.10 (core/event/Events.scala): health kills, instances Marathon lost track of, pods.
  'unhealthy_instance_kill_event',
  'unknown_instance_terminated_event',
  'pod_created_event',
  'pod_updated_event',
  'pod_deleted_event',
];

/** Why a Mesos event should wake the controller, or undefined when it should not. */
export function mesosEventReason(e: MesosEvent): string | undefined {
  switch (e.type) {
    case 'TASK_ADDED':
      return 'mesos TASK_ADDED';
    case 'TASK_UPDATED':
      return TERMINAL_TASK_STATES.has(e.state) || STARTING_TASK_STATES.has(e.state) ? `mesos TASK_UPDATED ${e.state}` : undefined;
    case 'AGENT_ADDED':
    case 'AGENT_REMOVED':
      return `mesos ${e.type}`;
    default:
      return undefined;
  }
}

/** Why a Marathon event should wake the controller: new waiting work, freed capacity, a changed app. */
export function marathonEventReason(e: MarathonEvent): string | undefined {
  switch (e.type) {
    case 'status_update_event':
      return TERMINAL_TASK_STATES.has(e.taskStatus) || STARTING_TASK_STATES.has(e.taskStatus) ? `marathon status ${e.taskStatus}` : undefined;
    case 'instance_changed_event':
      return WAITING_CONDITIONS.has(e.condition) || GONE_CONDITIONS.has(e.condition) ? `marathon instance ${e.condition}` : undefined;
    case 'deployment_info':
    case 'deployment_step_success':
    case 'deployment_success':
    case 'deployment_failed':
    case 'deployment_step_failure':
    case 'app_terminated_event':
    // Killed for failing health checks: relaunched, so it waits for an offer again.
    case 'unhealthy_instance_kill_event':
    // An instance Marathon did not know ended: its resources are free.
    case 'unknown_instance_terminated_event':
    case 'pod_created_event':
    case 'pod_updated_event':
    case 'pod_deleted_event':
      return `marathon ${e.type}`;
    case 'other':
      // An app created, scaled or changed through the API; a group change (scale of many apps).
      return e.eventType === 'api_post_event' || e.eventType === 'group_change_success' ? `marathon ${e.eventType}` : undefined;
    default:
      return undefined;
  }
}

export type StreamName = 'mesos' | 'marathon';

export interface StreamStats {
  /** Subscriptions that delivered their first event (SUBSCRIBED / event_stream_attached). */
  connects: number;
  disconnects: number;
  events: number;
  /** Events that asked for a cycle (before throttling). */
  relevant: number;
  connected: boolean;
}

export interface EventTriggersOptions {
  /** Called (throttled) when the cluster changed in a way that may need scaling. */
  readonly trigger: (reason: string) => void;
  readonly logger: Logger;
  readonly mesos?: Subscribable;
  readonly marathon?: MarathonEventSource;
  readonly clock?: Clock;
  /** First reconnect delay, doubled per failure up to `maxDelayMs` (defaults 500 ms, 30 s). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * Silence after which a Mesos stream is dropped as dead, applied only when the master announced
   * heartbeats in SUBSCRIBED (1.5 on). Default: three missed heartbeats (45 s at Mesos' 15 s).
   * Masters before 1.5 send none: their quiet stream is kept (see `subscribeWithReconnect`).
   */
  readonly mesosIdleTimeoutMs?: number;
  /**
   * Longest silence between bytes on Marathon's stream before it is re-opened (default 5 min). Marathon
   * 1.4-1.10 serve `/v2/events` through Jetty's `EventSourceServlet`, which writes a bare CRLF every
   * 10 s (`heartBeatPeriod`, `EventSourceEmitter.run`): no event, but bytes, so a live stream is never
   * this quiet and silence means the socket died.
   */
  readonly marathonIdleTimeoutMs?: number;
  /**
   * At most one trigger per this many ms: the first event fires at once, the rest of a
   * burst fire once at the end of the window (default 1000). Keeps a busy cluster from
   * running full cycles back to back.
   */
  readonly minIntervalMs?: number;
  /** Told about every event that asked for a cycle (metrics). */
  readonly onRelevant?: (stream: StreamName, reason: string) => void;
  readonly onDisconnect?: (stream: StreamName, message: string, retryInMs: number) => void;
}

/**
 * Wakes the controller on Mesos operator events (SUBSCRIBE) and Marathon events
 * (/v2/events), so a new waiting instance is seen in about a second instead of
 * up to one timer period. Both streams reconnect with backoff; the timer stays the
 * safety net while a stream is down.
 */
export class EventTriggers {
  readonly #o: EventTriggersOptions;
  readonly #clock: Clock;
  readonly #stats: Record<StreamName, StreamStats> = { mesos: newStats(), marathon: newStats() };
  #ac: AbortController | undefined;
  #loops: Promise<void>[] = [];
  #lastFired = Number.NEGATIVE_INFINITY;
  #pendingReason: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EventTriggersOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  stats(): Readonly<Record<StreamName, Readonly<StreamStats>>> {
    return { mesos: { ...this.#stats.mesos }, marathon: { ...this.#stats.marathon } };
  }

  start(): void {
    if (this.#ac) return;
    const ac = new AbortController();
    this.#ac = ac;
    if (this.#o.mesos) this.#loops.push(this.#mesosLoop(this.#o.mesos, ac.signal));
    if (this.#o.marathon) this.#loops.push(this.#marathonLoop(this.#o.marathon, ac.signal));
  }

  async stop(): Promise<void> {
    this.#ac?.abort();
    this.#ac = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled(this.#loops);
    this.#loops = [];
  }

  async #mesosLoop(client: Subscribable, parent: AbortSignal): Promise<void> {
    const stats = this.#stats.mesos;
    // Its own switch: a master without the v1 API (classic endpoints only) is not retried forever.
    const own = new AbortController();
    parent.addEventListener('abort', () => own.abort(), { once: true });
    const signal = own.signal;
    await subscribeWithReconnect(
      client,
      (e) => {
        stats.events++;
        if (e.type === 'SUBSCRIBED') {
          stats.connected = true;
          if (e.heartbeatIntervalSeconds === undefined && stats.connects === 0) {
            this.#o.logger.info('the Mesos master sends no heartbeats (before 1.5): a quiet stream is kept open, dead connections are found by TCP keepalive');
          }
          // After an outage the cluster may have changed unseen: look again now.
          if (stats.connects++ > 0) this.#relevant('mesos', 'mesos stream re-subscribed');
          return;
        }
        const reason = mesosEventReason(e);
        if (reason) this.#relevant('mesos', reason);
      },
      {
        signal,
        initialDelayMs: this.#o.initialDelayMs ?? 500,
        maxDelayMs: this.#o.maxDelayMs ?? 30_000,
        ...(this.#o.mesosIdleTimeoutMs !== undefined ? { idleTimeoutMs: this.#o.mesosIdleTimeoutMs } : {}),
        clock: this.#clock,
        onDisconnect: (why, retryInMs) => {
          if (why !== 'ended' && notServed(why)) {
            this.#o.logger.info({ err: why.message }, 'the master does not serve the v1 SUBSCRIBE stream: reacting to Marathon events and the timer only');
            own.abort();
            return;
          }
          this.#disconnected('mesos', why === 'ended' ? 'stream ended' : why.message, retryInMs);
        },
      },
    );
  }

  /** The same backoff as `subscribeWithReconnect`, for Marathon's SSE stream. */
  async #marathonLoop(source: MarathonEventSource, signal: AbortSignal): Promise<void> {
    const stats = this.#stats.marathon;
    const initial = this.#o.initialDelayMs ?? 500;
    const max = this.#o.maxDelayMs ?? 30_000;
    let delay = initial;
    while (!signal.aborted) {
      let gotEvent = false;
      let why: string;
      try {
        const r = await source.events(
          (e) => {
            gotEvent = true;
            stats.events++;
            if (e.type === 'event_stream_attached') {
              stats.connected = true;
              if (stats.connects++ > 0) this.#relevant('marathon', 'marathon stream re-attached');
              return;
            }
            const reason = marathonEventReason(e);
            if (reason) this.#relevant('marathon', reason);
          },
          { signal, idleTimeoutMs: this.#o.marathonIdleTimeoutMs ?? 300_000, eventTypes: MARATHON_EVENT_TYPES },
        );
        if (signal.aborted || (r.ok && r.value === 'aborted')) return;
        why = r.ok ? 'stream ended' : r.error.message;
      } catch (e) {
        if (signal.aborted) return;
        why = errorMessage(e);
      }
      if (gotEvent) delay = initial;
      this.#disconnected('marathon', why, delay);
      await this.#clock.sleep(delay, signal);
      delay = Math.min(max, delay * 2);
    }
  }

  #disconnected(stream: StreamName, message: string, retryInMs: number): void {
    const stats = this.#stats[stream];
    stats.connected = false;
    stats.disconnects++;
    this.#o.logger.warn({ stream, err: message, retryInMs }, `${stream} event stream lost; reconnecting (the timer still runs cycles)`);
    this.#o.onDisconnect?.(stream, message, retryInMs);
  }

  #relevant(stream: StreamName, reason: string): void {
    this.#stats[stream].relevant++;
    this.#o.onRelevant?.(stream, reason);
    this.#fire(reason);
  }

  /** Leading and trailing throttle: at once when quiet, then once per window. */
  #fire(reason: string): void {
    if (!this.#ac) return;
    const minInterval = this.#o.minIntervalMs ?? 1000;
    const now = Date.now();
    if (now - this.#lastFired >= minInterval && !this.#timer) {
      this.#lastFired = now;
      this.#o.logger.debug({ reason }, 'event: cycle requested');
      this.#o.trigger(reason);
      return;
    }
    this.#pendingReason = reason;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const pending = this.#pendingReason;
      this.#pendingReason = undefined;
      if (pending === undefined || !this.#ac) return;
      this.#lastFired = Date.now();
      this.#o.logger.debug({ reason: pending }, 'events: cycle requested');
      this.#o.trigger(pending);
    }, Math.max(0, this.#lastFired + minInterval - now));
  }
}

function newStats(): StreamStats {
  return { connects: 0, disconnects: 0, events: 0, relevant: 0, connected: false };
}

/** The master answered, but has no v1 operator API (Mesos before 1.1, or a proxy that hides it). */
function notServed(e: MesosError): boolean {
  return e.kind === 'unsupported' || e.status === 404 || e.status === 405 || e.status === 501;
}
