import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { basicAuth, dcosTokenAuth, HttpClient } from '../../src/util/http.js';
import { Secret } from '../../src/util/secret.js';

const servers: Server[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that answers every request with `status` and a body echoing the Authorization header it got. */
async function echoing(status: number): Promise<string> {
  const s = createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`denied; you sent Authorization: ${req.headers.authorization ?? ''}`);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function client(url: string, auth: ReturnType<typeof basicAuth>): HttpClient {
  // No `secrets` given: the client must still keep what it sent out of its errors.
  const c = new HttpClient({ baseUrl: url, timeoutMs: 2000, maxResponseBytes: 65536, auth });
  clients.push(c);
  return c;
}

const PASSWORD = 'pass-word-42';
const BASE64 = Buffer.from(`ops:${PASSWORD}`).toString('base64');

describe('HttpClient errors after an auth failure', () => {
  it.each([401, 403, 407])('never quote the body of a %i (it may echo the credentials)', async (status) => {
    const url = await echoing(status);
    const r = await client(url, basicAuth('ops', new Secret(PASSWORD))).json({ url: '/master/state' }, z.object({}));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ kind: 'http', status });
    expect(r.error.message).toContain(`HTTP ${status}`);
    expect(r.error.message).toContain('response body not shown');
    expect(r.error.message).not.toContain('Authorization');
    expect(r.error.message).not.toContain(BASE64);
  });

  it('scrubs its own Authorization value from other errors even when nobody listed it as a secret', async () => {
    const url = await echoing(500);
    const token = 'dcos-acs-token-value';
    const r = await client(url, dcosTokenAuth(new Secret(token))).json({ url: '/x' }, z.object({}));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain('HTTP 500');
    expect(r.error.message).not.toContain(token);
    const basic = await client(url, basicAuth('ops', new Secret(PASSWORD))).json({ url: '/x' }, z.object({}));
    if (basic.ok) throw new Error('expected an error');
    expect(basic.error.message).toContain('Authorization: [redacted]');
    expect(basic.error.message).not.toContain(BASE64);
  });
});
