import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Plan } from '../model/plan.js';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import { scrub, type Secret } from '../util/secret.js';
import { Assets } from './assets.js';
import { authorize } from './auth.js';
import type { AutoscalerHandle } from './handle.js';
import type { Metrics } from './metrics.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

export interface HttpServerOptions {
  readonly handle: AutoscalerHandle;
  readonly metrics: Metrics;
  /** Default 127.0.0.1: exposing the server is a deliberate choice. */
  readonly host?: string;
  /** Default 8080; 0 lets the OS choose (tests). */
  readonly port?: number;
  /** Bearer token for state-changing calls; without one they are refused. */
  readonly token?: Secret;
  /** Every configured secret: scrubbed from response bodies as a last line of defence. */
  readonly secrets?: readonly (Secret | undefined)[];
  readonly logger?: Logger;
  /** Time to receive a request's headers (default 10 s); slower clients are disconnected. */
  readonly headersTimeoutMs?: number;
  /** Time to receive a request's body once its headers are in (default 5 s): a client that declares 100 bytes and sends 10 is answered 408 and disconnected. */
  readonly bodyTimeoutMs?: number;
  /** Largest request body accepted (default 16 KiB: no route takes one); larger ones get 413. */
  readonly maxBodyBytes?: number;
}

/** Host, port and token from the `server` section of the config (all optional there). */
export function serverOptionsFromConfig(server: Config['server']): Pick<HttpServerOptions, 'host' | 'port' | 'token'> {
  return {
    host: server?.host ?? DEFAULT_HOST,
    port: server?.port ?? DEFAULT_PORT,
    ...(server?.token ? { token: server.token } : {}),
  };
}

const GROUP_ACTION = /^\/api\/groups\/([^/]+)\/(pause|resume)$/;
const GROUP_NAME = /^[A-Za-z0-9_.-]+$/;

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The service's HTTP face on node:http (a handful of fixed routes needs no framework):
 * health, readiness, metrics, status, a dry-run plan, pause/resume and the status page.
 */
export class HttpServer {
  readonly #opts: HttpServerOptions;
  readonly #server: Server;
  readonly #assets = new Assets();
  #planInFlight: Promise<Plan> | undefined;

  constructor(options: HttpServerOptions) {
    this.#opts = options;
    const headersTimeout = options.headersTimeoutMs ?? 10_000;
    const bodyTimeout = options.bodyTimeoutMs ?? 5_000;
    // Node checks both timeouts every connectionsCheckingInterval (30 s by default): check often enough to honour them.
    const connectionsCheckingInterval = Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 2)));
    this.#server = createServer({ connectionsCheckingInterval, headersTimeout, requestTimeout: headersTimeout + bodyTimeout }, (req, res) => {
      this.#receive(req, res)
        .then((received) => (received ? this.#route(req, res) : undefined))
        .catch((e: unknown) => this.#fail(res, e));
    });
    this.#server.keepAliveTimeout = 5_000;
  }

  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  listen(): Promise<{ host: string; port: number; url: string }> {
    const host = this.#opts.host ?? DEFAULT_HOST;
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#opts.port ?? DEFAULT_PORT, host, () => {
        this.#server.off('error', reject);
        const addr = this.#server.address() as AddressInfo;
        const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        resolve({ host: addr.address, port: addr.port, url: `http://${urlHost}:${addr.port}` });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /**
   * Reads (and drops: no route takes one) the request body within the size and time limits; false
   * when the request was refused for it (413, 408) and the connection is being closed.
   */
  async #receive(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const limit = this.#opts.maxBodyBytes ?? 16 * 1024;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!req.headers['transfer-encoding'] && !(declared > 0)) return true;
    if (declared > limit) return this.#refuse(req, res, 413, `request body over ${limit} bytes`);
    const timeoutMs = this.#opts.bodyTimeoutMs ?? 5_000;
    const outcome = await new Promise<'ok' | 'large' | 'slow' | 'gone'>((resolve) => {
      let size = 0;
      const timer = setTimeout(() => resolve('slow'), timeoutMs);
      const done = (o: 'ok' | 'large' | 'slow' | 'gone'): void => {
        clearTimeout(timer);
        req.removeAllListeners('data');
        resolve(o);
      };
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) done('large');
      });
      req.once('end', () => done('ok'));
      req.once('error', () => done('gone'));
      req.once('close', () => done(req.complete ? 'ok' : 'gone'));
    });
    if (outcome === 'ok') return true;
    if (outcome === 'large') return this.#refuse(req, res, 413, `request body over ${limit} bytes`);
    if (outcome === 'slow') return this.#refuse(req, res, 408, `request body not received within ${timeoutMs} ms`);
    req.socket.destroy();
    return false;
  }

  /** Answers with `status` and closes the connection: the rest of the body is never read. */
  #refuse(req: IncomingMessage, res: ServerResponse, status: 408 | 413, why: string): false {
    this.#opts.logger?.warn({ method: req.method, status, why }, 'HTTP request refused');
    res.once('finish', () => req.socket.destroy());
    this.#json(res, status, { error: why }, { connection: 'close' });
    return false;
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const { handle, metrics } = this.#opts;

    const action = GROUP_ACTION.exec(path);
    if (action) {
      if (method !== 'POST') return this.#methodNotAllowed(res, 'POST');
      const auth = authorize(req.headers.authorization, this.#opts.token);
      if (!auth.ok) {
        const headers: Record<string, string> = auth.status === 401 ? { 'www-authenticate': 'Bearer realm="mesos-autoscaler"' } : {};
        return this.#json(res, auth.status, { error: auth.message }, headers);
      }
      const group = decodeName(action[1] ?? '');
      if (group === undefined) return this.#json(res, 400, { error: 'bad group name' });
      const pause = action[2] === 'pause';
      const done = pause ? handle.pause(group) : handle.resume(group);
      if (!done) return this.#json(res, 404, { error: `no node group named "${group}"` });
      this.#opts.logger?.warn({ group, paused: pause }, pause ? 'group paused over HTTP' : 'group resumed over HTTP');
      return this.#json(res, 200, { group, paused: pause });
    }

    const isRead = method === 'GET' || method === 'HEAD';
    switch (path) {
      case '/healthz':
        if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
        return this.#json(res, 200, { status: 'ok' });
      case '/readyz': {
        if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
        const ready = handle.isReady();
        const { leader, lastCycle } = handle.status();
        return this.#json(res, ready ? 200 : 503, {
          ready,
          role: leader.role,
          term: leader.term,
          ...(lastCycle?.lastSuccessAt !== undefined ? { lastSuccessAt: lastCycle.lastSuccessAt } : {}),
        });
      }
      case '/metrics':
        if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
        return this.#send(res, 200, metrics.contentType, this.#scrub(await metrics.text()));
      case '/status':
        if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
        return this.#json(res, 200, handle.status());
      case '/api/plan': {
        if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
        try {
          return this.#json(res, 200, await this.#dryRun());
        } catch (e) {
          this.#opts.logger?.warn({ err: this.#scrub(errorMessage(e)) }, 'dry run failed');
          return this.#json(res, 502, { error: `dry run failed: ${errorMessage(e)}` });
        }
      }
    }

    const asset = this.#assets.get(path);
    if (asset) {
      if (!isRead) return this.#methodNotAllowed(res, 'GET, HEAD');
      const { body, contentType } = await asset;
      const headers: Record<string, string> = path === '/' ? { 'content-security-policy': PAGE_CSP } : {};
      return this.#send(res, 200, contentType, body, headers);
    }
    return this.#json(res, 404, { error: `no route ${path}` });
  }

  /** Concurrent /api/plan requests share one dry cycle instead of each hitting the masters. */
  #dryRun(): Promise<Plan> {
    if (!this.#planInFlight) {
      this.#planInFlight = this.#opts.handle.dryRun().finally(() => {
        this.#planInFlight = undefined;
      });
    }
    return this.#planInFlight;
  }

  #json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.#send(res, status, 'application/json; charset=utf-8', this.#scrub(JSON.stringify(value)), headers);
  }

  #send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...COMMON_HEADERS, ...headers, 'content-type': contentType, 'content-length': buf.length });
    res.end(res.req.method === 'HEAD' ? undefined : buf);
  }

  #methodNotAllowed(res: ServerResponse, allow: string): void {
    this.#json(res, 405, { error: 'method not allowed' }, { allow });
  }

  #fail(res: ServerResponse, e: unknown): void {
    this.#opts.logger?.error({ err: this.#scrub(errorMessage(e)) }, 'HTTP handler failed');
    if (res.headersSent) return void res.destroy();
    this.#json(res, 500, { error: 'internal error' });
  }

  #scrub(text: string): string {
    return scrub(text, [this.#opts.token, ...(this.#opts.secrets ?? [])]);
  }
}

function decodeName(raw: string): string | undefined {
  try {
    const name = decodeURIComponent(raw);
    return GROUP_NAME.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
