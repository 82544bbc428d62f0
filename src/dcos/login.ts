import { createPrivateKey } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import type { ServiceAccount } from '../config/service-account.js';
import type { HttpClient } from '../util/http.js';
import { err, ok, type Result } from '../util/result.js';
import { Secret } from '../util/secret.js';

/** An authentication token from the IAM service, and when it stops being accepted (epoch ms). */
export interface IssuedToken {
  readonly token: Secret;
  readonly expiresAt: number;
}

/** Why a login failed; `retryable` is false when trying again cannot help (wrong key, unknown uid). */
export interface LoginError {
  readonly message: string;
  readonly retryable: boolean;
}

/** How long a login token may be presented: it is a one-time password (marathon-lb uses 60 s). */
const LOGIN_TOKEN_SECONDS = 60;
/** Lifetime assumed when the IAM's token carries no readable `exp` (marathon-lb assumes one hour). */
const ASSUMED_LIFETIME_MS = 3_600_000;

/**
 * The service login token: a JWT `{uid, exp}` signed RS256 with the account's private key
 * (DC/OS docs, "Authentication tokens for services"; marathon-lb `DCOSAuth.refresh_auth_header`).
 */
export async function loginToken(account: ServiceAccount, nowMs: number): Promise<string> {
  const key = createPrivateKey(account.privateKey.reveal());
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ uid: account.uid }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setExpirationTime(now + LOGIN_TOKEN_SECONDS).sign(key);
}

/** When an IAM token expires: its `exp` claim, else an hour from now. */
export function expiryOf(token: string, nowMs: number): number {
  try {
    const { exp } = decodeJwt(token);
    if (typeof exp === 'number' && Number.isFinite(exp)) return exp * 1000;
  } catch {
    // Not a JWT we can read: the IAM is the judge of its own tokens; assume the usual lifetime.
  }
  return nowMs + ASSUMED_LIFETIME_MS;
}

/**
 * Logs in: POST `{uid, token}` to the account's login endpoint (adminrouter's
 * /acs/api/v1/auth/login), which answers `{token}`. Messages never quote a body or a token.
 */
export async function login(http: HttpClient, account: ServiceAccount, nowMs: number): Promise<Result<IssuedToken, LoginError>> {
  let token: string;
  try {
    token = await loginToken(account, nowMs);
  } catch (e) {
    return err({ message: `cannot sign the login token for ${account.uid}: ${e instanceof Error ? e.message : String(e)}`, retryable: false });
  }
  const where = `DC/OS login for service account ${account.uid} at ${account.loginEndpoint}`;
  const res = await http.send({ method: 'POST', url: account.loginEndpoint, json: { uid: account.uid, token } });
  if (!res.ok) return err({ message: `${where}: ${res.error.message}`, retryable: true });
  const status = res.value.status;
  if (status === 401 || status === 403 || status === 400)
    return err({ message: `${where}: refused (HTTP ${status}); check the uid and that the account's public key matches private_key`, retryable: false });
  if (status < 200 || status >= 300) return err({ message: `${where}: HTTP ${status}`, retryable: true });
  let body: unknown;
  try {
    body = JSON.parse(res.value.body.toString('utf8'));
  } catch {
    return err({ message: `${where}: the answer is not JSON`, retryable: true });
  }
  const issued = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['token'] : undefined;
  if (typeof issued !== 'string' || issued === '') return err({ message: `${where}: the answer has no token`, retryable: true });
  return ok({ token: new Secret(issued), expiresAt: expiryOf(issued, nowMs) });
}
