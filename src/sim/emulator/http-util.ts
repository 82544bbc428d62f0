import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Secret } from '../../util/secret.js';
import { stringifyExact } from './exact-json.js';

/** Credentials an emulated server demands; none means open. */
export interface EmulatorAuth {
  readonly basic?: { readonly username: string; readonly password: Secret };
  /** DC/OS ACS token, sent as `Authorization: token=<t>` (or `Bearer <t>`). */
  readonly token?: Secret;
}

/**
 * Faults to inject, consumed one per request (counts) or applied to all (slowMs).
 * Mutable at run time: `server.faults.serverErrors = 2`.
 */
export interface EmulatorFaults {
  /** Next N responses are cut-off JSON with status 200. */
  malformedJson: number;
  /** Next N responses are 500s. */
  serverErrors: number;
  /** Every response waits this long (real milliseconds) first. */
  slowMs: number;
}

export function newFaults(initial: Partial<EmulatorFaults> = {}): EmulatorFaults {
  return { malformedJson: 0, serverErrors: 0, slowMs: 0, ...initial };
}

export function isAuthorized(req: IncomingMessage, auth: EmulatorAuth | undefined): boolean {
  if (!auth || (!auth.basic && !auth.token)) return true;
  const header = req.headers.authorization ?? '';
  if (auth.basic && header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep >= 0 && decoded.slice(0, sep) === auth.basic.username && decoded.slice(sep + 1) === auth.basic.password.reveal()) {
      return true;
    }
  }
  if (auth.token) {
    const t = auth.token.reveal();
    if (header === `token=${t}` || header === `Bearer ${t}`) return true;
  }
  return false;
}

export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** The raw request body (a protobuf-encoded call is not text). */
export function readBodyBytes(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body; undefined for an empty one, an Error for bad JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, faults?: EmulatorFaults): void {
  let text = stringifyExact(body);
  if (faults && faults.malformedJson > 0) {
    faults.malformedJson--;
    text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Common request preamble: slowness, injected 500s and authentication.
 * Returns false when the response has already been sent.
 */
export async function admit(req: IncomingMessage, res: ServerResponse, auth: EmulatorAuth | undefined, faults: EmulatorFaults): Promise<boolean> {
  if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
  if (faults.serverErrors > 0) {
    faults.serverErrors--;
    sendText(res, 500, 'Injected failure');
    return false;
  }
  if (!isAuthorized(req, auth)) {
    sendText(res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="mesos"' });
    return false;
  }
  return true;
}

/** Host and port a listening server is reachable at, for URLs. */
export function hostPortOf(address: string | { address: string; port: number } | null): { host: string; port: number } {
  if (address && typeof address === 'object') {
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    return { host, port: address.port };
  }
  return { host: '127.0.0.1', port: 0 };
}

/** Ends open event streams (SUBSCRIBE, SSE) so the server can close, then closes it. */
export function closeServer(server: Server, streams: Iterable<ServerResponse>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const s of streams) s.end();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
