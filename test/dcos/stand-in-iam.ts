/**
 * A stand-in of the DC/OS IAM login endpoint (adminrouter /acs/api/v1/auth/login) on 127.0.0.1:
 * it accepts `{uid, token}` where `token` is a JWT signed RS256 with the private key of a known
 * service account and carrying that uid and an `exp`, and answers `{token}`, an authentication
 * token (HS256, `uid`, `exp`) that `verify` checks the way adminrouter checks `Authorization: token=`.
 * (DC/OS docs, "Authentication tokens for services"; marathon-lb's DCOSAuth is the client side.)
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { startServer, type TestServer } from '../mesos/servers.js';

export interface StandInIam {
  readonly loginUrl: string;
  /** Successful logins so far, and the login tokens presented. */
  readonly logins: { uid: string; loginTokenExp: number }[];
  /** True when `header` is `token=<an authentication token this IAM issued, unexpired and not revoked>`. */
  verify(header: string | undefined): Promise<boolean>;
  /** Tokens issued before now are refused from now on. */
  revokeAll(): void;
  close(): Promise<void>;
}

export async function startStandInIam(accounts: Record<string, KeyObject>, opts: { lifetimeSeconds: number }): Promise<StandInIam> {
  const secret = randomBytes(32);
  const logins: { uid: string; loginTokenExp: number }[] = [];
  let revokedUpTo = 0;
  let serial = 0;
  const server: TestServer = await startServer(async (req, res, body) => {
    if (req.method !== 'POST' || req.url !== '/acs/api/v1/auth/login') return res.writeHead(404).end();
    let parsed: { uid?: unknown; token?: unknown };
    try {
      parsed = JSON.parse(body) as { uid?: unknown; token?: unknown };
    } catch {
      return res.writeHead(400).end('{"code":"ERR_INVALID_DATA"}');
    }
    const uid = typeof parsed.uid === 'string' ? parsed.uid : '';
    const key = accounts[uid];
    if (!key || typeof parsed.token !== 'string') return res.writeHead(401).end('{"code":"ERR_INVALID_CREDENTIALS"}');
    try {
      const { payload, protectedHeader } = await jwtVerify(parsed.token, key, { algorithms: ['RS256'], requiredClaims: ['exp'] });
      if (protectedHeader.alg !== 'RS256' || payload['uid'] !== uid) throw new Error('uid mismatch');
      logins.push({ uid, loginTokenExp: payload.exp ?? 0 });
    } catch {
      return res.writeHead(401).end('{"code":"ERR_INVALID_CREDENTIALS"}');
    }
    serial += 1;
    const token = await new SignJWT({ uid, n: serial })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + opts.lifetimeSeconds)
      .sign(secret);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
  });
  return {
    loginUrl: `${server.url}/acs/api/v1/auth/login`,
    logins,
    verify: async (header) => {
      const m = /^token=(.+)$/.exec(header ?? '');
      if (!m?.[1]) return false;
      try {
        const { payload } = await jwtVerify(m[1], secret, { algorithms: ['HS256'] });
        return typeof payload['n'] === 'number' && payload['n'] > revokedUpTo;
      } catch {
        return false;
      }
    },
    revokeAll: () => {
      revokedUpTo = serial;
    },
    close: () => server.close(),
  };
}
