import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { PendingLaunch } from '../model/pending.js';
import { authFromSettings, HttpClient, type TokenSource } from '../util/http.js';
import type { Logger } from '../util/logger.js';
import { err, ok, type Result } from '../util/result.js';
import { parseApps, type MarathonApp } from './apps.js';
import { fromHttp, type MarathonError } from './errors.js';
import { parseMarathonEvent, readSse, type MarathonEvent } from './events.js';
import { parseQueue, parseQueueEntries, type QueueEntry } from './queue.js';
import { appSchema, appsSchema, type MarathonAppJson } from './schema.js';
import { describeIssues } from '../util/http.js';

export type MarathonConfig = NonNullable<Config['marathon']>;
/** What the client needs of the config: where Marathon is and how to log in. */
export type MarathonConnection = Pick<MarathonConfig, 'url'> & Partial<Pick<MarathonConfig, 'token' | 'username' | 'password'>>;

export interface MarathonClientOptions {
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly caFile?: string;
  /** Renewable credentials (DC/OS service account) in place of the config's token or basic auth. */
  readonly tokenSource?: TokenSource;
}

/** Marathon's launch queue, apps and event stream. Every call returns a Result. */
export class MarathonClient {
  readonly #http: HttpClient;
  readonly #log: Logger;
  readonly #base: string;

  constructor(config: MarathonConnection, logger: Logger, opts: MarathonClientOptions = {}) {
    this.#log = logger;
    this.#base = config.url.replace(/\/+$/, '');
    const auth = opts.tokenSource?.auth ?? authFromSettings(config);
    const onUnauthorized = opts.tokenSource?.onUnauthorized;
    this.#http = new HttpClient({
      ...(onUnauthorized ? { onUnauthorized } : {}),
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxResponseBytes: opts.maxResponseBytes ?? 64 * 1024 * 1024,
      ...(opts.caFile ? { caFile: opts.caFile } : {}),
      ...(auth ? { auth } : {}),
      secrets: [config.password, config.token],
    });
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  async #getJson(path: string): Promise<Result<unknown, MarathonError>> {
    const res = await this.#http.send({ url: `${this.#base}${path}` });
    if (!res.ok) return err(fromHttp(res.error));
    const json = this.#http.readJson(res.value);
    return json.ok ? json : err(fromHttp(json.error));
  }

  /** Instances waiting for offers (`GET /v2/queue`). */
  async getQueue(): Promise<Result<PendingLaunch[], MarathonError>> {
    const json = await this.#getJson('/v2/queue');
    return json.ok ? parseQueue(json.value) : json;
  }

  /** `GET /v2/queue` as entries, with the app definitions they carry and the backoff left. */
  async getQueueEntries(): Promise<Result<QueueEntry[], MarathonError>> {
    const json = await this.#getJson('/v2/queue');
    return json.ok ? parseQueueEntries(json.value) : json;
  }

  /** Every app definition as Marathon writes it, with its tasks when `embedTasks`. */
  async getAppDefinitions(embedTasks: boolean): Promise<Result<MarathonAppJson[], MarathonError>> {
    const json = await this.#getJson(embedTasks ? '/v2/apps?embed=apps.tasks' : '/v2/apps');
    if (!json.ok) return json;
    const parsed = appsSchema.safeParse(json.value);
    return parsed.success ? ok(parsed.data.apps) : err({ kind: 'malformed', message: `/v2/apps: unexpected shape: ${describeIssues(parsed.error)}` });
  }

  /** One app's definition with its tasks (`GET /v2/apps/{id}` embeds them); `missing` when Marathon has no such app (404). */
  async getAppDefinition(id: string): Promise<Result<MarathonAppJson | 'missing', MarathonError>> {
    const path = id.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    const json = await this.#getJson(`/v2/apps/${path}?embed=app.tasks`);
    if (!json.ok) return json.error.status === 404 ? ok('missing') : json;
    const parsed = z.object({ app: appSchema }).safeParse(json.value);
    return parsed.success ? ok(parsed.data.app) : err({ kind: 'malformed', message: `/v2/apps/${path}: unexpected shape: ${describeIssues(parsed.error)}` });
  }

  /** All apps, with their tasks when `embedTasks` (the default). */
  async getApps(embedTasks = true): Promise<Result<MarathonApp[], MarathonError>> {
    const json = await this.#getJson(embedTasks ? '/v2/apps?embed=apps.tasks' : '/v2/apps');
    return json.ok ? parseApps(json.value) : json;
  }

  /**
   * Reads `/v2/events` until the stream ends or `signal` aborts, calling `onEvent` per event.
   * Malformed events are logged and skipped: one odd event must not cost the stream.
   */
  async events(
    onEvent: (event: MarathonEvent) => void | Promise<void>,
    opts: { signal?: AbortSignal; idleTimeoutMs?: number; eventTypes?: readonly string[] } = {},
  ): Promise<Result<'aborted' | 'ended', MarathonError>> {
    const query = opts.eventTypes?.length ? `?${opts.eventTypes.map((t) => `event_type=${encodeURIComponent(t)}`).join('&')}` : '';
    const opened = await this.#http.stream({
      url: `${this.#base}/v2/events${query}`,
      headers: { accept: 'text/event-stream' },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    });
    if (!opened.ok) return err(fromHttp(opened.error));
    const stream = opened.value;
    if (stream.status !== 200) {
      stream.close();
      return err({ kind: 'http', status: stream.status, message: `/v2/events: HTTP ${stream.status}` });
    }
    try {
      for await (const msg of readSse(stream.body)) {
        const event = parseMarathonEvent(msg);
        if (event.ok) await onEvent(event.value);
        else this.#log.warn({ error: event.error.message }, 'skipping malformed Marathon event');
      }
    } finally {
      stream.close();
    }
    return ok(opts.signal?.aborted ? 'aborted' : 'ended');
  }
}
