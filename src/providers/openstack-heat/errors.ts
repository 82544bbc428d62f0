import type { Secret } from '../../util/secret.js';
import { redact } from '../cloud-call.js';
import { ProviderError, type ProviderErrorKind } from '../provider.js';

/**
 * The message inside an OpenStack error body. Heat (heat/api/middleware/fault.py, `FaultWrapper`):
 * `{"code", "title", "explanation", "error": {"type", "message"}}`; Keystone:
 * `{"error": {"code", "title", "message"}}`; Nova: `{"itemNotFound": {"code", "message"}}`.
 */
export function openStackErrorText(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json['error'];
    if (error && typeof error === 'object') {
      const e = error as { type?: unknown; message?: unknown };
      if (typeof e.message === 'string') return typeof e.type === 'string' ? `${e.type}: ${e.message}` : e.message;
    }
    if (typeof json['explanation'] === 'string') return json['explanation'];
    for (const value of Object.values(json)) {
      if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') return (value as { message: string }).message;
    }
  } catch {
    // not JSON
  }
  return body;
}

/**
 * HTTP status to kind. 409 is Heat's `ActionInProgress` (a stack update while another runs;
 * heat/api/middleware/fault.py, `FaultWrapper.error_map`): busy, retry later. 413 with
 * Retry-After is Nova's legacy rate limit, 429 everyone's.
 */
export function kindForStatus(status: number, text: string): { kind: ProviderErrorKind; retryable: boolean } {
  if (status === 429 || status === 413) return { kind: 'throttled', retryable: true };
  if (status === 401) return { kind: 'auth', retryable: false };
  if (status === 403) return /quota/i.test(text) ? { kind: 'quota', retryable: false } : { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not-found', retryable: false };
  if (status === 409) return { kind: 'busy', retryable: true };
  if (status === 408 || status >= 500) return { kind: 'unavailable', retryable: true };
  if (status >= 400) return /quota/i.test(text) ? { kind: 'quota', retryable: false } : { kind: 'invalid', retryable: false };
  return { kind: 'unknown', retryable: false };
}

/** An HTTP failure as a ProviderError whose message carries no password, secret or token. */
export function httpError(what: string, status: number, body: string, secrets: readonly (Secret | undefined)[]): ProviderError {
  const text = openStackErrorText(body);
  const { kind, retryable } = kindForStatus(status, text);
  return new ProviderError(redact(`${what}: HTTP ${status}: ${text}`, secrets), kind, retryable);
}

/** A failure without an answer (refused, reset, timed out). */
export function transportError(what: string, e: unknown, secrets: readonly (Secret | undefined)[]): ProviderError {
  if (e instanceof ProviderError) return e;
  const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}${causeOf(e)}` : String(e);
  return new ProviderError(redact(`${what}: no answer: ${message}`, secrets), 'unavailable', true);
}

function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
