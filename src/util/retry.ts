import pRetry from 'p-retry';

export interface RetryOptions {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 8_000 };

/**
 * Retries after the first try of a cloud call in one cycle. Why so few: every cloud SDK already
 * retries inside the call (the Azure pipeline, the AWS SDK), so each retry here multiplies theirs;
 * what still fails is tried again next cycle.
 */
export const CLOUD_RETRIES = 1;

/** What an error may say about retrying (ProviderError has both fields; util knows no provider types). */
interface RetryHints {
  readonly retryable?: unknown;
  readonly retryAfterMs?: unknown;
}

/**
 * True when an error may succeed if tried again now: it says it is retryable (or says nothing),
 * and it does not ask for a wait longer than our own longest backoff (a 429 with `Retry-After:
 * 3600` fails fast, so the caller can back the group off instead of blocking the loop).
 */
export function retryNow(error: Error, options: RetryOptions): boolean {
  const hints = error as Error & RetryHints;
  if (hints.retryable === false) return false;
  return !(typeof hints.retryAfterMs === 'number' && hints.retryAfterMs > options.maxTimeoutMs);
}

/**
 * Retries a call with exponential backoff while its error says it may succeed later
 * (throttling, 5xx; see `retryNow`); other errors fail at once.
 */
export function withRetry<T>(fn: () => Promise<T>, options: RetryOptions, onRetry?: (error: Error, attempt: number) => void): Promise<T> {
  return pRetry(fn, {
    retries: options.retries,
    minTimeout: options.minTimeoutMs,
    maxTimeout: options.maxTimeoutMs,
    randomize: true,
    shouldRetry: ({ error }) => retryNow(error, options),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && retryNow(error, options)) onRetry?.(error, attemptNumber);
    },
  });
}
