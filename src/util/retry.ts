import pRetry from 'p-retry';
import { ProviderError } from '../providers/provider.js';

export interface RetryOptions {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 8_000 };

/**
 * Retries a cloud call with exponential backoff while its error says it may
 * succeed later (throttling, 5xx); other errors fail at once.
 */
export function withRetry<T>(fn: () => Promise<T>, options: RetryOptions, onRetry?: (error: Error, attempt: number) => void): Promise<T> {
  return pRetry(fn, {
    retries: options.retries,
    minTimeout: options.minTimeoutMs,
    maxTimeout: options.maxTimeoutMs,
    randomize: true,
    shouldRetry: ({ error }) => !(error instanceof ProviderError) || error.retryable,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0) onRetry?.(error, attemptNumber);
    },
  });
}
