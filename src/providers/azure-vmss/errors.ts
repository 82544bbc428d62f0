import {
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
} from '@azure/identity';
import { DeadlineError } from '../../util/deadline.js';
import type { Secret } from '../../util/secret.js';
import { redact } from '../cloud-call.js';
import { errorMessage } from '../../util/result.js';
import { ProviderError } from '../provider.js';

const TRANSIENT_AUTH = /endpoints_resolution_error|network|ECONN|ETIMEDOUT|EAI_AGAIN|socket|timed? ?out|status code 5\d\d/i;

/** The shape of `RestError` from @azure/core-rest-pipeline, checked structurally (no import of a transitive package). */
interface RestErrorLike {
  readonly name: string;
  readonly message: string;
  readonly statusCode?: number;
  readonly code?: string;
}

function isRestErrorLike(e: unknown): e is RestErrorLike {
  return e instanceof Error && e.name === 'RestError';
}

/**
 * Removes credentials from text that came back from the SDK or a server: the given secrets in
 * every encoding we send them, bearer tokens, JWTs and token/secret fields, with the length
 * bounded. The rules are `redact` (providers/cloud-call.ts), shared by every provider.
 */
export function sanitize(text: string, secrets: readonly (Secret | undefined)[]): string {
  return redact(text, secrets);
}

function kindForStatus(status: number | undefined): { kind: ProviderError['kind']; retryable: boolean } {
  if (status === undefined) return { kind: 'unavailable', retryable: true }; // transport error, no answer
  if (status === 429) return { kind: 'throttled', retryable: true };
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not-found', retryable: false };
  // 409: another operation on the scale set is still running; it clears by itself.
  if (status === 409) return { kind: 'unavailable', retryable: true };
  if (status === 408 || status >= 500) return { kind: 'unavailable', retryable: true };
  if (status >= 400) return { kind: 'invalid', retryable: false };
  return { kind: 'unknown', retryable: false };
}

/** Maps anything the SDK throws to a ProviderError whose message is safe to log and show. */
export function toProviderError(what: string, e: unknown, secrets: readonly (Secret | undefined)[]): ProviderError {
  if (e instanceof ProviderError) {
    // Ours, from a pipeline policy (throttle.ts) deep in the SDK: add which call it was.
    return e.message.startsWith(what) ? e : new ProviderError(sanitize(`${what}: ${e.message}`, secrets), e.kind, e.retryable, e.retryAfterMs);
  }
  const clean = (m: string): string => sanitize(m, secrets);

  if (e instanceof AuthenticationError) {
    const status = e.statusCode;
    const transient = status === 429 || status >= 500;
    const detail = e.errorResponse?.error ? `${e.errorResponse.error}: ${e.errorResponse.errorDescription}` : e.message;
    return new ProviderError(
      clean(`${what}: authentication failed (HTTP ${status}): ${detail}`),
      transient ? 'unavailable' : 'auth',
      transient,
    );
  }
  // MSAL failures (a rejected secret among them) surface as AuthenticationRequiredError.
  if (e instanceof AuthenticationRequiredError) {
    return new ProviderError(clean(`${what}: authentication failed: ${e.message}`), 'auth', false);
  }
  if (e instanceof CredentialUnavailableError || e instanceof AggregateAuthenticationError) {
    // The identity SDK also says "unavailable" when the token endpoint cannot be reached or answers 5xx.
    const transient = TRANSIENT_AUTH.test(e.message);
    return new ProviderError(
      clean(`${what}: ${transient ? 'token endpoint unavailable' : 'no usable Azure credential'}: ${e.message}`),
      transient ? 'unavailable' : 'auth',
      transient,
    );
  }
  if (isRestErrorLike(e)) {
    const { kind, retryable } = kindForStatus(e.statusCode);
    const status = e.statusCode === undefined ? 'no response' : `HTTP ${e.statusCode}`;
    const code = e.code ? ` ${e.code}` : '';
    return new ProviderError(clean(`${what}: ${status}${code}: ${e.message}`), kind, retryable);
  }
  if (e instanceof DeadlineError) {
    // The whole call, SDK retries included, took its deadline: trying again at once would double the wait.
    return new ProviderError(clean(e.message), 'unavailable', false);
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new ProviderError(clean(`${what}: timed out: ${e.message}`), 'unavailable', true);
  }
  return new ProviderError(clean(`${what}: ${errorMessage(e)}`), 'unknown', false);
}
