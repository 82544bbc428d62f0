import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { MesosClient } from '../../src/mesos/client.js';
import { findLeader, leaderFromLocation } from '../../src/mesos/leader.js';
import { HttpClient } from '../../src/util/http.js';
import { silentLogger, startServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const config = (masters: string[]) =>
  validateConfig({ mesos: { masters, api: 'v1' }, groups: [{ name: 'web', selector: { pool: 'web' }, provider: { kind: 'simulated' } }] }).mesos;

describe('a bad Location header from a Mesos master', () => {
  it('is an error value from leaderFromLocation, never an exception', () => {
    expect(leaderFromLocation('http://[::1', 'http://m1:5050')).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(leaderFromLocation('file:///etc/passwd', 'http://m1:5050')).toMatchObject({ ok: false });
    expect(leaderFromLocation('//m2:5050', 'https://m1:5050')).toEqual({ ok: true, value: 'https://m2:5050' });
  });

  it('from /master/redirect leaves that master out of leader discovery', async () => {
    const bad = await startServer((_req, res) => res.writeHead(307, { location: 'http://[::1' }).end());
    servers.push(bad);
    const http = new HttpClient({ timeoutMs: 2_000, maxResponseBytes: 1024 });
    const found = await findLeader(http, [bad.url]);
    await http.close();
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.error.message).toMatch(/invalid Location/);
  });

  it('on a call to the leader fails that call, and the client goes on', async () => {
    const master = await startServer((req, res) => {
      if (req.url === '/master/redirect') return res.writeHead(404).end();
      return res.writeHead(307, { location: 'http://[::1' }).end();
    });
    servers.push(master);
    const client = new MesosClient(config([master.url]), silentLogger());
    const first = await client.getAgents();
    expect(first).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    // Nothing crashed and nothing is remembered: the next call asks again.
    const second = await client.getAgents();
    expect(second.ok).toBe(false);
    await client.close();
  });
});

describe('credentials in a master URL', () => {
  it('are sent as basic auth to a master addressed without them', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const master = await startServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(404).end();
    });
    servers.push(master);
    const withCreds = master.url.replace('http://', 'http://ops:s3cret-pw@');
    const mesos = config([withCreds]);
    expect(mesos.masters).toEqual([master.url]);
    const client = new MesosClient(mesos, silentLogger());
    const res = await client.getAgents();
    await client.close();
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).not.toMatch(/s3cret|ops:/);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.auth).toBe(`Basic ${Buffer.from('ops:s3cret-pw').toString('base64')}`);
  });
});
