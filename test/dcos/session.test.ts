import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseServiceAccount, type ServiceAccount } from '../../src/config/service-account.js';
import { ServiceAccountSession } from '../../src/dcos/session.js';
import { mesosSchema } from '../../src/config/schema.js';
import { MarathonClient } from '../../src/marathon/client.js';
import { MesosClient } from '../../src/mesos/client.js';
import { createLogger, type Logger } from '../../src/util/logger.js';
import { startServer, type TestServer } from '../mesos/servers.js';
import { startStandInIam, type StandInIam } from './stand-in-iam.js';

const UID = 'mesos-autoscaler';
let privatePem: string;
let publicKey: KeyObject;
let otherPem: string;

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  publicKey = pair.publicKey;
  otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

function account(loginUrl: string, pem = privatePem): ServiceAccount {
  const parsed = parseServiceAccount(JSON.stringify({ scheme: 'RS256', uid: UID, private_key: pem, login_endpoint: loginUrl }));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** A logger whose lines are kept, to show what reaches the log. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

/** A stand-in Marathon whose /v2/queue answers only requests carrying a token the IAM issued. */
async function protectedMarathon(iam: StandInIam): Promise<TestServer & { seen: string[] }> {
  const seen: string[] = [];
  const server = await startServer(async (req, res) => {
    const header = req.headers.authorization;
    seen.push(header ?? '');
    if (!(await iam.verify(header))) return res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"invalid token"}');
    return res.writeHead(200, { 'content-type': 'application/json' }).end('{"queue":[]}');
  });
  return Object.assign(server, { seen });
}

async function setUp(lifetimeSeconds: number, pem = privatePem) {
  const iam = await startStandInIam({ [UID]: publicKey }, { lifetimeSeconds });
  open.push(iam);
  const marathonServer = await protectedMarathon(iam);
  open.push(marathonServer);
  const { logger, lines } = capturingLogger();
  const session = new ServiceAccountSession({ account: account(iam.loginUrl, pem), logger, retryAfterMs: 200 });
  open.push(session);
  const marathon = new MarathonClient({ url: marathonServer.url }, logger, { tokenSource: session });
  open.push(marathon);
  return { iam, marathonServer, session, marathon, lines };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('DC/OS service-account session (strict mode)', () => {
  it('logs in with an RS256 login token signed by the account key and sends the issued token to Marathon', async () => {
    const { iam, marathonServer, marathon, lines } = await setUp(3600);
    const queue = await marathon.getQueue();
    expect(queue.ok).toBe(true);
    expect(iam.logins).toHaveLength(1);
    // The login token is short-lived, as a one-time password should be.
    const login = iam.logins[0];
    expect(login?.loginTokenExp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 61);
    expect(marathonServer.seen[0]).toMatch(/^token=ey/);
    // Further calls reuse the token.
    await marathon.getQueue();
    expect(iam.logins).toHaveLength(1);
    const issued = (marathonServer.seen[0] ?? '').slice('token='.length);
    const log = lines.join('');
    expect(log).toContain('DC/OS service-account login');
    expect(log).not.toContain(issued);
    expect(log).not.toContain('PRIVATE KEY');
  });

  it('renews the token before it expires, so requests never carry an expired one', async () => {
    const { iam, marathonServer, session, marathon } = await setUp(3);
    expect((await marathon.getQueue()).ok).toBe(true);
    const firstExpiry = session.expiresAt ?? 0;
    // Renewal is due at four fifths of the token's life, before it expires; no request triggers it.
    // Waits for the session to hold the new token: the IAM counts a login before it answers, so
    // two logins counted can still mean the first token held (a flake under load, session 8).
    await until(() => (session.expiresAt ?? 0) > firstExpiry, 6_000);
    expect(Date.now()).toBeLessThan(firstExpiry);
    expect(iam.logins.length).toBeGreaterThanOrEqual(2);
    const result = await marathon.getQueue();
    expect(result.ok).toBe(true);
    const tokens = new Set(marathonServer.seen);
    expect(tokens.size).toBe(2);
    for (const t of tokens) expect(decodeJwt(t.slice('token='.length))['uid']).toBe(UID);
  });

  it('logs in again after a 401 (a token revoked or expired early) and the next call succeeds', async () => {
    const { iam, marathon } = await setUp(3600);
    expect((await marathon.getQueue()).ok).toBe(true);
    iam.revokeAll();
    const refused = await marathon.getQueue();
    expect(refused.ok).toBe(false);
    await until(() => iam.logins.length >= 2, 5_000);
    expect((await marathon.getQueue()).ok).toBe(true);
  });

  it('reports a refused login (wrong key) with the uid and what to check, never the key or a token, and keeps trying', async () => {
    const { iam, marathon, lines } = await setUp(3600, otherPem);
    const result = await marathon.getQueue();
    expect(result.ok).toBe(false);
    expect(iam.logins).toHaveLength(0);
    const log = lines.join('');
    expect(log).toContain(`service account ${UID}`);
    expect(log).toContain('public key');
    expect(log).not.toContain('PRIVATE KEY');
    expect(log).not.toContain(otherPem.split('\n')[1] ?? 'unused');
    // Renewal is retried on its own after retryAfterMs.
    const before = lines.length;
    await until(() => lines.length > before, 5_000);
  });
});

describe('token in errors', () => {
  it('a server that echoes the issued token in an error body never gets it into the error message', async () => {
    const iam = await startStandInIam({ [UID]: publicKey }, { lifetimeSeconds: 3600 });
    open.push(iam);
    const echo = await startServer((req, res) => res.writeHead(500).end(`upstream failed for ${(req.headers.authorization ?? '').replace('token=', '')}`));
    open.push(echo);
    const { logger } = capturingLogger();
    const session = new ServiceAccountSession({ account: account(iam.loginUrl), logger });
    open.push(session);
    const marathon = new MarathonClient({ url: echo.url }, logger, { tokenSource: session });
    open.push(marathon);
    const r = await marathon.getQueue();
    expect(r.ok).toBe(false);
    const issued = ((await session.auth()) ?? '').slice('token='.length);
    expect(issued.length).toBeGreaterThan(20);
    expect(!r.ok && r.error.message).toContain('upstream failed for');
    expect(!r.ok && r.error.message).not.toContain(issued);
  });
});

describe('Mesos in strict mode', () => {
  it('sends the session token to the master behind adminrouter (operator and maintenance endpoints)', async () => {
    const iam = await startStandInIam({ [UID]: publicKey }, { lifetimeSeconds: 3600 });
    open.push(iam);
    const seen: string[] = [];
    const master = await startServer(async (req, res) => {
      seen.push(`${req.url ?? ''} ${req.headers.authorization ? 'with token' : 'without'}`);
      if (!(await iam.verify(req.headers.authorization))) return res.writeHead(401).end();
      if (req.url === '/mesos/master/maintenance/schedule') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return res.writeHead(404).end();
    });
    open.push(master);
    const { logger } = capturingLogger();
    const session = new ServiceAccountSession({ account: account(iam.loginUrl), logger });
    open.push(session);
    const mesos = new MesosClient(mesosSchema.parse({ masters: [`${master.url}/mesos`] }), logger, { tokenSource: session });
    open.push(mesos);
    const schedule = await mesos.getMaintenanceSchedule();
    expect(schedule.ok).toBe(true);
    expect(seen).toEqual(['/mesos/master/maintenance/schedule with token']);
    expect(iam.logins).toHaveLength(1);
  });
});

describe('service-account credential', () => {
  it('is read from the JSON DC/OS stores, RS256 by default and the login endpoint of the masters when none is given', () => {
    const parsed = parseServiceAccount(JSON.stringify({ uid: 'sa', private_key: privatePem }));
    expect(parsed.ok && parsed.value.loginEndpoint).toBe('https://leader.mesos/acs/api/v1/auth/login');
    expect(parsed.ok && String(parsed.value.privateKey)).toBe('[redacted]');
  });

  it('is refused with the field at fault and never quoted back', () => {
    const notJson = parseServiceAccount(`{"uid": "sa", "private_key": "${privatePem.slice(0, 60)}`);
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.error).toMatch(/is not JSON/);
    expect(!notJson.ok && notJson.error).not.toContain('PRIVATE');
    const noUid = parseServiceAccount(JSON.stringify({ private_key: privatePem }));
    expect(!noUid.ok && noUid.error).toMatch(/^uid:/);
    const badKey = parseServiceAccount(JSON.stringify({ uid: 'sa', private_key: 'not a key' }));
    expect(!badKey.ok && badKey.error).toBe('private_key is not a PEM private key');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ecKey = parseServiceAccount(JSON.stringify({ uid: 'sa', private_key: ec }));
    expect(!ecKey.ok && ecKey.error).toMatch(/RS256 needs an RSA key/);
    const badScheme = parseServiceAccount(JSON.stringify({ uid: 'sa', private_key: privatePem, scheme: 'HS256' }));
    expect(badScheme.ok).toBe(false);
  });
});
