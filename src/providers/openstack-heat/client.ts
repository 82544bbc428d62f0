import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { pause, retryCloudCall, type CallRetry } from '../cloud-call.js';
import { ProviderError } from '../provider.js';
import { httpError, transportError } from './errors.js';
import type { KeystoneSession } from './keystone.js';
import { resourcesSchema, serverSchema, stackSchema, type HeatResource, type NovaServer, type Stack } from './schema.js';

/** One OpenStack REST call: service type, method, path under the service's endpoint. */
interface Call {
  readonly service: 'orchestration' | 'compute';
  readonly method: 'GET' | 'PATCH';
  /** Relative to the endpoint (`/stacks/...`), or an absolute URL (a redirect's Location). */
  readonly path: string;
  readonly body?: unknown;
  /** The call's deadline (provider.ts `CallOptions`): aborts the request, its retries and waits. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A small typed client of the Heat (orchestration v1) and Nova (compute v2.1) REST APIs: the
 * Keystone token on every call (`X-Auth-Token`), one re-authentication after a 401, retries of
 * 429/5xx/no answer with backoff, answers checked with zod. No official JS SDK exists.
 */
export class HeatClient {
  constructor(
    private readonly keystone: KeystoneSession,
    private readonly timeoutMs: number,
    private readonly retry: CallRetry,
  ) {}

  /**
   * GET /stacks/{name_or_id}: Heat answers 302 to /stacks/{name}/{id}, query kept
   * (heat/api/openstack/v1/stacks.py, `StackController.lookup`), which is then read.
   * `resolve_outputs=false` spares Heat resolving outputs we do not read.
   */
  async stack(nameOrId: string, signal?: AbortSignal): Promise<Stack> {
    const first = await this.json({ service: 'orchestration', method: 'GET', path: `/stacks/${encodeURIComponent(nameOrId)}?resolve_outputs=false`, signal });
    if (first.location) {
      const res = await this.json({ service: 'orchestration', method: 'GET', path: first.location, signal });
      return this.parse(stackSchema, res.body, `stack ${nameOrId}`).stack;
    }
    return this.parse(stackSchema, first.body, `stack ${nameOrId}`).stack;
  }

  /** All resources of the stack, nested stacks down to `depth` included. */
  async resources(stack: Stack, depth: number, signal?: AbortSignal): Promise<HeatResource[]> {
    const res = await this.json({
      service: 'orchestration',
      method: 'GET',
      signal,
      path: `/stacks/${encodeURIComponent(stack.stack_name)}/${encodeURIComponent(stack.id)}/resources?nested_depth=${depth}`,
    });
    return this.parse(resourcesSchema, res.body, `resources of ${stack.stack_name}`).resources;
  }

  /**
   * PATCH /stacks/{name}/{id}: an update that keeps the template and every parameter not named
   * here (orchestration api-ref "Update stack (PATCH)", the `existing` update of
   * `openstack stack update --existing`).
   */
  async patchParameters(stack: Stack, parameters: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.json({ service: 'orchestration', method: 'PATCH', path: `/stacks/${encodeURIComponent(stack.stack_name)}/${encodeURIComponent(stack.id)}`, body: { parameters }, signal });
  }

  /** GET /servers/{id}; undefined when Nova no longer knows it. */
  async server(id: string, signal?: AbortSignal): Promise<NovaServer | undefined> {
    try {
      const res = await this.json({ service: 'compute', method: 'GET', path: `/servers/${encodeURIComponent(id)}`, signal });
      return this.parse(serverSchema, res.body, `server ${id}`).server;
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ProviderError(`${what}: unexpected answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`, 'unknown', false);
    return parsed.data;
  }

  /**
   * One call, retried while throttled or unavailable. A repeated PATCH sets the same parameters
   * again, which changes nothing once applied; if the first is still running, Heat answers 409.
   */
  private async json(call: Call): Promise<{ body: unknown; location?: string }> {
    return retryCloudCall(() => this.once(call, true), this.retry, undefined, call.signal);
  }

  private async once(call: Call, mayReauth: boolean): Promise<{ body: unknown; location?: string }> {
    const token = await this.keystone.token();
    const base = await this.keystone.endpoint(call.service);
    const url = /^https?:\/\//.test(call.path) ? call.path : `${base}${call.path}`;
    const what = `${call.method} ${url}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: call.method,
        headers: {
          'x-auth-token': token.reveal(),
          accept: 'application/json',
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(call.service === 'compute' ? { 'openstack-api-version': 'compute 2.1' } : {}),
        },
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(this.keystone.dispatcher ? { dispatcher: this.keystone.dispatcher } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
      });
    } catch (e) {
      throw transportError(what, e, this.keystone.secrets());
    }
    const text = await res.body.text();
    if (res.statusCode === 401 && mayReauth) {
      this.keystone.invalidate(token);
      return this.once(call, false);
    }
    if (res.statusCode === 302 || res.statusCode === 301 || res.statusCode === 303) {
      const location = res.headers['location'];
      const loc = Array.isArray(location) ? location[0] : location;
      if (!loc) throw new ProviderError(`${what}: redirect without Location`, 'unknown', false);
      return { body: undefined, location: new URL(loc, url).toString() };
    }
    if (res.statusCode === 429 || res.statusCode === 413) await waitRetryAfter(res.headers['retry-after'], call.signal);
    if (res.statusCode >= 400) throw httpError(what, res.statusCode, text, this.keystone.secrets());
    if (text.trim() === '') return { body: undefined };
    try {
      return { body: JSON.parse(text) as unknown };
    } catch {
      throw new ProviderError(`${what}: answer is not JSON`, 'unknown', false);
    }
  }
}

/** Longest Retry-After honoured; the backoff of the retries comes on top. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Waits as long as a throttling answer's Retry-After asks (seconds or an HTTP date, RFC 9110
 * section 10.2.3), at most 30 s, before the call is failed as throttled and retried.
 */
async function waitRetryAfter(header: string | string[] | undefined, signal: AbortSignal | undefined): Promise<void> {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (Number.isFinite(ms) && ms > 0) await pause(Math.min(ms, MAX_RETRY_AFTER_MS), signal);
}
