import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { basicAuth, dcosTokenAuth, HttpClient } from '../../src/util/http.js';
import { Secret } from '../../src/util/secret.js';
import { deadUrl, json, makeCa, startServer, startTlsServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(...args: Parameters<typeof startServer>) {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}
function client(opts: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  const c = new HttpClient({ timeoutMs: 2000, maxResponseBytes: 1024 * 1024, ...opts });
  clients.push(c);
  return c;
}

describe('HttpClient', () => {
  it('sends basic auth and never puts the password in errors', async () => {
    const password = new Secret('hunter2-very-secret');
    let seen = '';
    const s = await server((req, res) => {
      seen = req.headers.authorization ?? '';
      res.writeHead(401);
      res.end('bad credentials for hunter2-very-secret'); // a server echoing the secret back
    });
    const c = client({ baseUrl: s.url, auth: basicAuth('ops', password), secrets: [password] });
    const r = await c.json({ url: '/x' }, z.object({}));
    expect(seen).toBe(`Basic ${Buffer.from('ops:hunter2-very-secret').toString('base64')}`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ kind: 'http', status: 401 });
      expect(JSON.stringify(r.error)).not.toContain('hunter2');
    }
  });

  it('sends a DC/OS token as "token=<value>"', async () => {
    let seen = '';
    const s = await server((req, res) => {
      seen = req.headers.authorization ?? '';
      json(res, 200, { fine: true });
    });
    const r = await client({ auth: dcosTokenAuth(new Secret('abc.def.ghi')) }).json({ url: `${s.url}/y` }, z.object({ fine: z.boolean() }));
    expect(r).toEqual({ ok: true, value: { fine: true } });
    expect(seen).toBe('token=abc.def.ghi');
  });

  it('strips user info from URLs in errors', async () => {
    const url = (await deadUrl()).replace('http://', 'http://ops:pa55word@');
    const r = await client().send({ url: `${url}/z` });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('network');
      expect(JSON.stringify(r.error)).not.toContain('pa55word');
    }
  });

  it('times out', async () => {
    const s = await server(() => undefined); // never answers
    const started = Date.now();
    const r = await client({ timeoutMs: 200 }).send({ url: `${s.url}/slow` });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out when the body stalls after the headers', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200);
      res.write('{"partial":');
    });
    const r = await client({ timeoutMs: 200 }).send({ url: `${s.url}/stall` });
    expect(!r.ok && r.error.kind).toBe('timeout');
  });

  it('aborts bodies above the size limit, with or without content-length', async () => {
    const big = 'x'.repeat(5000);
    const s = await server((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(big.length) });
        res.end(big);
      } else {
        res.writeHead(200); // chunked
        res.write(big.slice(0, 2000));
        setTimeout(() => res.end(big.slice(2000)), 20);
      }
    });
    const c = client({ maxResponseBytes: 1000, baseUrl: s.url });
    for (const path of ['/declared', '/chunked']) {
      const r = await c.send({ url: path });
      expect(!r.ok && r.error.kind).toBe('too-large');
    }
  });

  it('does not follow redirects', async () => {
    const s = await server((_req, res) => {
      res.writeHead(307, { location: '//10.0.0.5:5050' });
      res.end();
    });
    const r = await client().send({ url: `${s.url}/master/redirect` });
    expect(r.ok && r.value.status).toBe(307);
    expect(r.ok && r.value.headers.location).toBe('//10.0.0.5:5050');
  });

  it('reports non-JSON and wrongly shaped bodies as malformed', async () => {
    const s = await server((req, res) => {
      if (req.url === '/html') res.end('<html>');
      else json(res, 200, { n: 'one' });
    });
    const c = client({ baseUrl: s.url });
    expect(await c.json({ url: '/html' }, z.object({}))).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    const shaped = await c.json({ url: '/shape' }, z.object({ n: z.number() }));
    expect(shaped).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    if (!shaped.ok) expect(shaped.error.message).toContain('n:');
  });

  it('trusts a CA bundle given as a file, and refuses the server without it', async () => {
    const tls = makeCa();
    const s = await startTlsServer((_req, res) => json(res, 200, { tls: true }), tls);
    servers.push(s);
    const trusted = await client({ caFile: tls.caFile }).json({ url: `${s.url}/` }, z.object({ tls: z.boolean() }));
    expect(trusted).toEqual({ ok: true, value: { tls: true } });
    const untrusted = await client().send({ url: `${s.url}/` });
    expect(!untrusted.ok && untrusted.error.kind).toBe('network');
    const missing = await client({ caFile: '/nonexistent/ca.pem' }).send({ url: `${s.url}/` });
    expect(!missing.ok && missing.error.message).toContain('cannot read CA file');
  });
});
