import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';
import { scrub, type Secret } from '../util/secret.js';
import { ProviderError } from './provider.js';

const MAX_MESSAGE = 600;

/**
 * Removes credentials from text that came back from a cloud SDK or server before it reaches an
 * error or a log line: the given secrets, bearer tokens, JWTs, PEM private keys, OpenStack
 * `X-Auth-Token`/`X-Subject-Token` values and `password`/`secret`/`access_token` fields. Shared
 * by the GCE and OpenStack providers so that both redact alike.
 */
export function redact(text: string, secrets: readonly (Secret | undefined)[] = []): string {
  const out = scrub(text, secrets)
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted]')
    .replace(/(x-(?:auth|subject)-token"?\s*[:=]\s*"?)[^"\s,}]+/gi, '$1[redacted]')
    .replace(/("?(?:access_token|private_key|client_secret|refresh_token|password|secret)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

/** How often and how long a cloud call is retried while the cloud says "later". */
export interface CallRetry {
  /** Retries after the first try (default 4). */
  readonly retries?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Runs one cloud call, retrying with exponential backoff while it fails with a ProviderError of
 * kind `throttled` or `unavailable` (a 429, a 5xx, no answer). `busy` is not retried here: a
 * stack or group being changed by someone else takes minutes, which is the controller's backoff.
 * `fn` must map failures to ProviderError and be safe to repeat (idempotent or request-id keyed).
 * `signal` (the call's deadline, provider.ts `CallOptions`) stops the retrying.
 */
export function retryCloudCall<T>(fn: () => Promise<T>, retry: CallRetry = {}, onRetry?: (e: ProviderError, attempt: number) => void, signal?: AbortSignal): Promise<T> {
  return pRetry(fn, {
    ...(signal ? { signal } : {}),
    retries: retry.retries ?? 4,
    minTimeout: retry.minDelayMs ?? 500,
    maxTimeout: retry.maxDelayMs ?? 8_000,
    randomize: true,
    shouldRetry: ({ error }) => error instanceof ProviderError && (error.kind === 'throttled' || error.kind === 'unavailable'),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && error instanceof ProviderError) onRetry?.(error, attemptNumber);
    },
  });
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight: a describe of a large group
 * reads one VM per instance, which must not open hundreds of requests at once. Fails with the
 * first failure; results keep the order of `items`.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Waits `ms`, or fails as soon as `signal` aborts (a poll loop stops at the call's deadline). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms > 0) await delay(ms, undefined, signal ? { signal } : {});
  signal?.throwIfAborted();
}
