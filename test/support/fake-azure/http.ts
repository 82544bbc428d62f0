import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler sees of one request. */
export interface FakeRequest {
  readonly method: string;
  /** Path without the query string, as sent (not lower-cased). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Serialized as JSON unless a string. */
  readonly body?: unknown;
}

export async function readRequest(req: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'https://fake.invalid');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: Buffer.concat(chunks).toString('utf8'),
  };
}

export function writeResponse(res: ServerResponse, r: FakeResponse): void {
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const headers: Record<string, string> = { ...r.headers };
  if (r.body !== undefined && typeof r.body !== 'string') headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(r.status, headers);
  res.end(body);
}

export function armError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}
