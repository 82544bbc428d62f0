import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { err, errorMessage, ok, type Result } from './result.js';
import { scrub, Secret } from './secret.js';
import { displayUrl } from './url.js';

/** Statuses whose bodies are never quoted: servers that refuse credentials sometimes echo them. */
const AUTH_FAILURE = new Set([401, 403, 407]);

/** What went wrong with an HTTP call; messages carry no credentials. */
export type HttpErrorKind = 'timeout' | 'too-large' | 'http' | 'network' | 'malformed';

export interface HttpError {
  readonly kind: HttpErrorKind;
  readonly message: string;
  /** URL without user info or query credentials. */
  readonly url: string;
  readonly status?: number;
}

/**
 * Produces the Authorization header value for each request (or nothing). It may wait, e.g. for a
 * DC/OS service-account login to finish (src/dcos/session.ts).
 */
export type AuthProvider = () => string | undefined | Promise<string | undefined>;

/** Credentials that can be renewed: the client reports each 401 so the next request logs in again. */
export interface TokenSource {
  readonly auth: AuthProvider;
  readonly onUnauthorized?: () => void;
}

export function basicAuth(username: string, password: Secret): AuthProvider {
  return () => `Basic ${Buffer.from(`${username}:${password.reveal()}`).toString('base64')}`;
}

/** DC/OS ACS / service-account token, the way adminrouter expects it. */
export function dcosTokenAuth(token: Secret): AuthProvider {
  return () => `token=${token.reveal()}`;
}

/** Picks token auth over basic auth, as the original tool did; none when neither is set. */
export function authFromSettings(s: { username?: string; password?: Secret; token?: Secret }): AuthProvider | undefined {
  if (s.token) return dcosTokenAuth(s.token);
  if (s.username && s.password) return basicAuth(s.username, s.password);
  return undefined;
}

export interface HttpClientOptions {
  /** Relative paths are resolved against it. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** PEM bundle trusted for TLS in addition to nothing else (replaces system CAs, like curl --cacert). */
  readonly caFile?: string;
  readonly auth?: AuthProvider;
  /** Told of every 401 answer (renewable tokens renew on it). */
  readonly onUnauthorized?: () => void;
  /** Secrets scrubbed from every error message, as a second line of defence. */
  readonly secrets?: readonly (Secret | undefined)[];
}

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL or a path relative to the base URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON with Content-Type application/json. */
  readonly json?: unknown;
  /** JSON already serialised (e.g. with exact 64-bit numbers), sent as is. */
  readonly jsonText?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface HttpStream {
  readonly status: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Chunks as they arrive; iteration ends when the server closes or the signal aborts. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Stops reading and releases the connection. */
  close(): void;
}

export interface StreamRequest extends HttpRequest {
  /** Longest silence between chunks before the stream is dropped (0: never). */
  readonly idleTimeoutMs?: number;
}

/** Strips user info so URLs in messages never carry credentials (the one rule: util/url.ts `displayUrl`). */
export function redactUrl(url: string): string {
  return displayUrl(url);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** One small HTTP client for all adapters: timeouts, size limit, CA bundle, auth, errors as values. */
export class HttpClient {
  readonly #opts: HttpClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #setupError?: string;
  /** Authorization values sent lately (a renewed token replaces the old one): scrubbed from errors. */
  readonly #sent: string[] = [];

  constructor(opts: HttpClientOptions) {
    this.#opts = opts;
    let ca: Buffer | undefined;
    if (opts.caFile) {
      try {
        ca = readFileSync(opts.caFile);
      } catch (e) {
        this.#setupError = `cannot read CA file ${opts.caFile}: ${errorMessage(e)}`;
      }
    }
    this.#dispatcher = new Agent(ca ? { connect: { ca } } : {});
  }

  resolve(url: string): string {
    return this.#opts.baseUrl ? new URL(url, this.#opts.baseUrl).toString() : url;
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  #error(kind: HttpErrorKind, url: string, message: string, status?: number): HttpError {
    const safeUrl = redactUrl(url);
    const text = scrub(message, [...(this.#opts.secrets ?? []), ...this.#sentCredentials()]);
    return status === undefined ? { kind, url: safeUrl, message: text } : { kind, url: safeUrl, message: text, status };
  }

  /** The Authorization value we send, whole and without its scheme: a server that echoes it is scrubbed too. */
  #sentCredentials(): Secret[] {
    return this.#sent.flatMap((header) => this.#credentialForms(header));
  }

  #credentialForms(header: string): Secret[] {
    const credential = header.replace(/^(Basic\s+|Bearer\s+|token=)/i, '');
    const out = [new Secret(header), new Secret(credential)];
    // Basic: base64 of user:password; scrubbing the decoded pair also catches a server that decodes it.
    if (/^Basic\s/i.test(header)) out.push(new Secret(Buffer.from(credential, 'base64').toString('utf8')));
    return out;
  }

  async #headers(req: HttpRequest): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    const auth = await this.#opts.auth?.();
    if (auth) {
      headers.authorization = auth;
      if (!this.#sent.includes(auth)) {
        this.#sent.push(auth);
        if (this.#sent.length > 4) this.#sent.shift();
      }
    }
    if (req.json !== undefined || req.jsonText !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  /** Sends one request and reads the whole body; any status is a response, only transport problems are errors. */
  async send(req: HttpRequest): Promise<Result<HttpResponse, HttpError>> {
    const url = this.resolve(req.url);
    if (this.#setupError) return err(this.#error('network', url, this.#setupError));
    const timeoutMs = req.timeoutMs ?? this.#opts.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const limit = this.#opts.maxResponseBytes;
    try {
      const res = await request(url, {
        method: req.method ?? 'GET',
        headers: await this.#headers(req),
        body: req.jsonText ?? (req.json === undefined ? null : JSON.stringify(req.json)),
        dispatcher: this.#dispatcher,
        signal,
      });
      if (res.statusCode === 401) this.#opts.onUnauthorized?.();
      const headers = flattenHeaders(res.headers);
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        discard(res.body);
        return err(this.#error('too-large', url, `${req.method ?? 'GET'} ${redactUrl(url)}: response of ${declared} bytes exceeds the limit of ${limit}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        size += buf.length;
        if (size > limit) {
          discard(res.body);
          return err(this.#error('too-large', url, `${req.method ?? 'GET'} ${redactUrl(url)}: response exceeds the limit of ${limit} bytes`));
        }
        chunks.push(buf);
      }
      return ok({ status: res.statusCode, url, headers, body: Buffer.concat(chunks) });
    } catch (e) {
      if (timeout.aborted) return err(this.#error('timeout', url, `${req.method ?? 'GET'} ${redactUrl(url)}: no complete response within ${timeoutMs} ms`));
      return err(this.#error('network', url, `${req.method ?? 'GET'} ${redactUrl(url)}: ${errorMessage(e)}`));
    }
  }

  /** Like `send`, but a non-2xx status is an `http` error and the body must be JSON matching `schema`. */
  async json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<Result<z.infer<S>, HttpError>> {
    const res = await this.send(req);
    if (!res.ok) return res;
    const data = this.readJson(res.value);
    if (!data.ok) return data;
    const parsed = schema.safeParse(data.value);
    if (!parsed.success) return err(this.#error('malformed', res.value.url, `${redactUrl(res.value.url)}: unexpected shape: ${describeIssues(parsed.error)}`));
    return ok(parsed.data);
  }

  /**
   * Turns a non-2xx response into an `http` error that quotes the start of the body (servers explain
   * there), except after an auth failure (401, 403, 407): such bodies may echo the credentials we sent.
   */
  expectOk(res: HttpResponse): Result<HttpResponse, HttpError> {
    if (res.status >= 200 && res.status < 300) return ok(res);
    if (AUTH_FAILURE.has(res.status)) {
      const hint = res.status === 403 ? 'the credentials were accepted but lack permission' : 'check the username/password or token';
      return err(this.#error('http', res.url, `HTTP ${res.status} from ${redactUrl(res.url)}: ${hint} (response body not shown)`, res.status));
    }
    const snippet = res.body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
    return err(this.#error('http', res.url, `HTTP ${res.status} from ${redactUrl(res.url)}${snippet ? `: ${snippet}` : ''}`, res.status));
  }

  /** A 2xx response's body as JSON (unvalidated: callers own their schemas and messages). */
  readJson(res: HttpResponse): Result<unknown, HttpError> {
    const checked = this.expectOk(res);
    if (!checked.ok) return checked;
    try {
      return ok(JSON.parse(res.body.toString('utf8')) as unknown);
    } catch (e) {
      return err(this.#error('malformed', res.url, `${redactUrl(res.url)}: body is not JSON (${errorMessage(e)})`));
    }
  }

  /** Opens a long-lived response (Mesos SUBSCRIBE, Marathon SSE); the timeout covers only the response headers. */
  async stream(req: StreamRequest): Promise<Result<HttpStream, HttpError>> {
    const url = this.resolve(req.url);
    if (this.#setupError) return err(this.#error('network', url, this.#setupError));
    const timeoutMs = req.timeoutMs ?? this.#opts.timeoutMs;
    const local = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, local.signal]) : local.signal;
    const timer = setTimeout(() => local.abort(), timeoutMs);
    try {
      const res = await request(url, {
        method: req.method ?? 'GET',
        headers: await this.#headers(req),
        body: req.jsonText ?? (req.json === undefined ? null : JSON.stringify(req.json)),
        dispatcher: this.#dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: req.idleTimeoutMs ?? 0,
      });
      clearTimeout(timer);
      if (res.statusCode === 401) this.#opts.onUnauthorized?.();
      const body = res.body;
      return ok({
        status: res.statusCode,
        url,
        headers: flattenHeaders(res.headers),
        body: chunksOf(body),
        close: () => discard(body),
      });
    } catch (e) {
      clearTimeout(timer);
      if (local.signal.aborted) return err(this.#error('timeout', url, `${redactUrl(url)}: no response headers within ${timeoutMs} ms`));
      return err(this.#error('network', url, `${req.method ?? 'GET'} ${redactUrl(url)}: ${errorMessage(e)}`));
    }
  }
}

/** Drops a response body we will not read; the abort error it emits is expected, not a crash. */
function discard(body: { on(event: 'error', fn: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Body chunks as Uint8Array; an abort or a dropped connection simply ends the iteration. */
async function* chunksOf(body: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      if (chunk instanceof Uint8Array) yield chunk;
      else if (typeof chunk === 'string') yield Buffer.from(chunk);
    }
  } catch {
    // The caller learns that the stream ended; why (abort, reset, idle timeout) is not actionable here.
  }
}

/** First few zod issues as "path: message", short enough for a log line. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > 3) parts.push(`and ${error.issues.length - 3} more`);
  return parts.join('; ');
}
