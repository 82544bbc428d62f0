import type { AgentSource } from '../../model/ports.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { ok } from '../../util/result.js';
import type { MesosError } from '../errors.js';
import type { MesosEvent } from '../events.js';
import { subscribeWithReconnect, type ReconnectOptions, type Subscribable } from '../subscribe.js';
import { EventFanout, type SubscribedEvent } from './fanout.js';
import { StateModel } from './model.js';

export interface StreamedStateOptions {
  /** The master's SUBSCRIBE stream (the Mesos client). */
  readonly client: Subscribable;
  /** Today's full read, used until the model is in sync and whenever it is not. */
  readonly poll: AgentSource;
  /**
   * Agents without tasks (GET_AGENTS), read while a drain is under way or after one of ours was
   * asked for: `drain_info` and deactivation change with no event (master.proto `Event` has none).
   */
  readonly agentsOnly?: AgentSource;
  /**
   * `auto`: plan from the model only when the master announces heartbeats (Mesos 1.5+), so the
   * model's age is known; `stream`: also on older masters, taking an open stream as fresh.
   */
  readonly mode: 'auto' | 'stream';
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Full re-sync (re-subscribe) at least this often, a safety net for missed changes (default 10 min). */
  readonly resyncEveryMs?: number;
  /** Shortest time between two re-syncs asked for by gaps (default 5 s); the poll serves meanwhile. */
  readonly minResyncIntervalMs?: number;
  /** Label for `from` (the master URL is not known to the model). */
  readonly from?: string;
  readonly reconnect?: Pick<ReconnectOptions, 'initialDelayMs' | 'maxDelayMs' | 'idleTimeoutMs' | 'missedHeartbeats' | 'subscribedTimeoutMs' | 'transportIdleTimeoutMs'>;
}

/** What the model can say of itself, for logs, /status and tests. */
export interface StreamedStateStatus {
  readonly inSync: boolean;
  readonly connected: boolean;
  readonly refused: boolean;
  readonly agents: number;
  readonly syncs: number;
  readonly gaps: number;
  readonly events: number;
  readonly lastHeardAt?: number;
  readonly heartbeatIntervalSeconds?: number;
}

/** The master answered SUBSCRIBE, but does not serve it (Mesos before 1.0, a proxy that hides it). */
function notServed(e: MesosError): boolean {
  return e.kind === 'unsupported' || e.status === 404 || e.status === 405 || e.status === 415 || e.status === 501;
}

/**
 * Agents and tasks kept from the SUBSCRIBE stream: the full state once (SUBSCRIBED), then events
 * applied to an indexed `StateModel`, so a cycle plans without re-reading the master. It re-syncs
 * (re-subscribes, which brings a fresh SUBSCRIBED) on reconnect, on a gap (an event that does not
 * fit) and every `resyncEveryMs`; until in sync, and for masters without the stream, `getAgents`
 * is today's full read. The same connection feeds the event triggers (`events`).
 */
export class StreamedState implements AgentSource {
  readonly #o: StreamedStateOptions;
  readonly #clock: Clock;
  readonly #model = new StateModel();
  /** Consumers of the same stream (the triggers), as if they had their own SUBSCRIBE. */
  readonly events: EventFanout;
  #ac: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #kick: AbortController | undefined;
  #kicked = false;
  #inSync = false;
  #connected = false;
  #refused = false;
  #heartbeat: number | undefined;
  #lastHeardAt: number | undefined;
  #lastSyncAt = Number.NEGATIVE_INFINITY;
  #resyncTimer: NodeJS.Timeout | undefined;
  #stats = { syncs: 0, gaps: 0, events: 0 };
  #agentsChanged = false;

  constructor(options: StreamedStateOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.events = new EventFanout(() => this.#subscribedNow());
  }

  status(): StreamedStateStatus {
    return {
      inSync: this.#inSync,
      connected: this.#connected,
      refused: this.#refused,
      agents: this.#model.agentCount,
      ...this.#stats,
      ...(this.#lastHeardAt !== undefined ? { lastHeardAt: this.#lastHeardAt } : {}),
      ...(this.#heartbeat !== undefined ? { heartbeatIntervalSeconds: this.#heartbeat } : {}),
    };
  }

  /** Opens the stream (idempotent); it reconnects with backoff until `stop`. */
  start(): void {
    if (this.#ac) return;
    const ac = new AbortController();
    this.#ac = ac;
    const kickable: Subscribable = {
      subscribe: (onEvent, opts) => {
        const kick = new AbortController();
        this.#kick = kick;
        const signal = opts.signal ? AbortSignal.any([opts.signal, kick.signal]) : kick.signal;
        return this.#o.client.subscribe(onEvent, { ...opts, signal });
      },
    };
    this.#loop = subscribeWithReconnect(kickable, (e) => this.#onEvent(e), {
      signal: ac.signal,
      clock: this.#clock,
      initialDelayMs: this.#o.reconnect?.initialDelayMs ?? 500,
      maxDelayMs: this.#o.reconnect?.maxDelayMs ?? 30_000,
      ...(this.#o.reconnect ?? {}),
      onDisconnect: (why, retryInMs) => this.#onDisconnect(why, retryInMs),
    });
  }

  async stop(): Promise<void> {
    this.#ac?.abort();
    this.#ac = undefined;
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = undefined;
    await this.#loop;
    this.#loop = undefined;
  }

  /** The model when it can be trusted, today's full read otherwise. */
  async getAgents(): ReturnType<AgentSource['getAgents']> {
    const now = this.#clock.now();
    const usable = this.#inSync && (this.#heartbeat !== undefined || this.#o.mode === 'stream');
    if (!usable) return this.#o.poll.getAgents();
    if (this.#o.agentsOnly && (this.#agentsChanged || this.#model.draining)) {
      this.#agentsChanged = false;
      const fresh = await this.#o.agentsOnly.getAgents();
      if (!fresh.ok) return fresh;
      const gap = this.#model.refreshAgents(fresh.value.agents);
      if (gap) {
        this.#stats.gaps++;
        this.resync(gap.reason);
        return this.#o.poll.getAgents();
      }
    }
    // With heartbeats the model is as old as the last thing heard; without, an open stream is current.
    const readAt = this.#heartbeat === undefined && this.#connected ? now : (this.#lastHeardAt ?? now);
    return ok({
      agents: this.#model.agents(),
      from: this.#o.from ?? 'mesos event stream',
      readAt,
      api: 'v1',
      unknownAgentTasks: this.#model.unknownAgentTasks,
    });
  }

  /** An agent's activity or drain changed through us (DRAIN_AGENT): read agents on the next cycle. */
  agentsChanged(): void {
    this.#agentsChanged = true;
  }

  /**
   * Asks for a full re-sync now (at most once per `minResyncIntervalMs`). After a gap the poll
   * serves until it lands; a routine re-sync (`keepServing`) keeps answering from the model, whose
   * read time then ages until the new SUBSCRIBED, so a slow one shows as staleness, not as a
   * second full read of a large master.
   */
  resync(reason: string, keepServing = false): void {
    if (!keepServing) this.#inSync = false;
    const wait = Math.max(0, this.#lastSyncAt + (this.#o.minResyncIntervalMs ?? 5_000) - this.#clock.now());
    this.#o.logger.info({ reason, inMs: wait }, 'mesos state model: full re-sync');
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = setTimeout(() => {
      this.#resyncTimer = undefined;
      // Not connected: the reconnect brings a fresh SUBSCRIBED anyway.
      if (!this.#ac || !this.#kick || !this.#connected) return;
      this.#kicked = true;
      this.#kick.abort();
    }, wait);
  }

  #subscribedNow(): SubscribedEvent | undefined {
    if (!this.#inSync || !this.#connected) return undefined;
    const state = { agents: this.#model.agents(), recoveredAgents: [], frameworks: [], unknownAgentTasks: this.#model.unknownAgentTasks };
    return { type: 'SUBSCRIBED', state, ...(this.#heartbeat !== undefined ? { heartbeatIntervalSeconds: this.#heartbeat } : {}) };
  }

  async #onEvent(e: MesosEvent): Promise<void> {
    this.#lastHeardAt = this.#clock.now();
    this.#stats.events++;
    if (e.type === 'SUBSCRIBED') {
      this.#model.reset(e.state);
      this.#heartbeat = e.heartbeatIntervalSeconds;
      this.#connected = true;
      this.#inSync = true;
      this.#lastSyncAt = this.#clock.now();
      this.#stats.syncs++;
      this.#scheduleSafetyResync();
      const msg = 'mesos state model in sync from the event stream';
      const fields = { agents: this.#model.agentCount, heartbeatIntervalSeconds: this.#heartbeat ?? null, syncs: this.#stats.syncs };
      if (this.#stats.syncs === 1) this.#o.logger.info(fields, msg);
      else this.#o.logger.debug(fields, msg);
    } else if (this.#inSync) {
      const gap = this.#model.apply(e);
      if (gap) {
        this.#stats.gaps++;
        this.resync(gap.reason);
      }
    }
    await this.events.publish(e);
  }

  #scheduleSafetyResync(): void {
    clearTimeout(this.#resyncTimer);
    const every = this.#o.resyncEveryMs ?? 600_000;
    this.#resyncTimer = setTimeout(() => this.resync(`safety re-sync after ${every} ms`, true), every);
    this.#resyncTimer.unref?.();
  }

  #onDisconnect(why: MesosError | 'ended', retryInMs: number): void {
    this.#connected = false;
    if (this.#kicked) {
      // Our own re-sync: the consumers of the stream simply get the next SUBSCRIBED.
      this.#kicked = false;
      return;
    }
    this.#inSync = false;
    if (why !== 'ended' && notServed(why)) {
      this.#refused = true;
      this.#o.logger.info({ err: why.message }, 'the master does not serve SUBSCRIBE: agents are read in full every cycle');
      this.events.refused(why);
      this.#ac?.abort();
      return;
    }
    this.#o.logger.warn({ err: why === 'ended' ? 'stream ended' : why.message, retryInMs }, 'mesos state stream lost: full reads until it is back');
    this.events.disconnected(why);
  }
}
