import type { ServiceAccount } from '../config/service-account.js';
import { HttpClient, type TokenSource } from '../util/http.js';
import type { Logger } from '../util/logger.js';
import { err, ok, type Result } from '../util/result.js';
import { withRetry } from '../util/retry.js';
import type { Secret } from '../util/secret.js';
import { login, type IssuedToken, type LoginError } from './login.js';

/** What a session needs: the account, where to log, and how to reach the login endpoint. */
export interface SessionOptions {
  readonly account: ServiceAccount;
  readonly logger: Logger;
  /** CA bundle for an https login endpoint (the cluster's CA, as for Mesos). */
  readonly caFile?: string;
  /** Wall clock in epoch ms: token expiry (`exp`) is wall time. */
  readonly now?: () => number;
  readonly timeoutMs?: number;
  /** Renew this long before expiry (default 5 min), or at four fifths of a shorter-lived token's life. */
  readonly renewBeforeMs?: number;
  /** Wait after a failed renewal before the next try (default 10 s). */
  readonly retryAfterMs?: number;
}

/** Tries of one login (p-retry through util/retry) before the session waits `retryAfterMs`. */
const LOGIN_RETRY = { retries: 2, minTimeoutMs: 250, maxTimeoutMs: 2_000 };
/** A 401 renews at most this often, so a refused permission does not become a login storm. */
const MIN_401_RENEWAL_MS = 10_000;

class LoginFailure extends Error {
  readonly retryable: boolean;
  constructor(e: LoginError) {
    super(e.message);
    this.retryable = e.retryable;
  }
}

/**
 * DC/OS strict mode: logs in as a service account, hands the token to the Mesos and Marathon
 * clients (`Authorization: token=...`), renews it before it expires and after a 401. The first
 * request waits for the first login; a failed renewal keeps the old token while it is valid.
 */
export class ServiceAccountSession implements TokenSource {
  readonly #opts: SessionOptions;
  readonly #http: HttpClient;
  readonly #now: () => number;
  #current: { token: Secret; expiresAt: number; obtainedAt: number } | undefined;
  #pending: Promise<Result<void, string>> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #last401Renewal = -Infinity;
  #closed = false;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#http = new HttpClient({
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxResponseBytes: 1024 * 1024,
      ...(opts.caFile ? { caFile: opts.caFile } : {}),
      secrets: [opts.account.privateKey],
    });
  }

  /** The header value for the next request; waits for a login when there is no valid token. */
  readonly auth = async (): Promise<string | undefined> => {
    if (!this.#valid()) await this.renew();
    return this.#valid() ? `token=${this.#current?.token.reveal() ?? ''}` : undefined;
  };

  /** A 401 means the token was not accepted (expired early, revoked): log in again. */
  readonly onUnauthorized = (): void => {
    const now = this.#now();
    if (now - this.#last401Renewal < MIN_401_RENEWAL_MS) return;
    this.#last401Renewal = now;
    this.#current = undefined;
    void this.renew();
  };

  /** When the current token expires (epoch ms), if there is one. */
  get expiresAt(): number | undefined {
    return this.#current?.expiresAt;
  }

  /** Logs in now (one login at a time; callers during a login share it). */
  renew(): Promise<Result<void, string>> {
    this.#pending ??= this.#login().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Stops renewing; the token is forgotten. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#current = undefined;
    await this.#pending;
    await this.#http.close();
  }

  #valid(): boolean {
    return this.#current !== undefined && this.#now() < this.#current.expiresAt - 1_000;
  }

  async #login(): Promise<Result<void, string>> {
    const { account, logger } = this.#opts;
    let issued: IssuedToken;
    try {
      issued = await withRetry(async () => {
        const r = await login(this.#http, account, this.#now());
        if (!r.ok) throw new LoginFailure(r.error);
        return r.value;
      }, LOGIN_RETRY);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      logger.error({ uid: account.uid }, message);
      this.#schedule(this.#opts.retryAfterMs ?? 10_000);
      return err(message);
    }
    if (this.#closed) return ok(undefined);
    const now = this.#now();
    this.#current = { token: issued.token, expiresAt: issued.expiresAt, obtainedAt: now };
    const life = Math.max(0, issued.expiresAt - now);
    const before = Math.min(this.#opts.renewBeforeMs ?? 300_000, life * 0.2);
    logger.info({ uid: account.uid, expiresAt: new Date(issued.expiresAt).toISOString() }, 'DC/OS service-account login');
    this.#schedule(Math.max(life - before, 0));
    return ok(undefined);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    // Long-lived tokens (DC/OS: 5 days) outgrow a 32-bit timer; waking early just re-plans.
    this.#timer = setTimeout(() => void this.renew(), Math.min(ms, 2_000_000_000));
    this.#timer.unref();
  }
}
