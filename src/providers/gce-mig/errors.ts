import { errorMessage } from '../../util/result.js';
import { redact } from '../cloud-call.js';
import { ProviderError, type ProviderErrorKind } from '../provider.js';

/**
 * gRPC status codes as google-gax sets them on a GoogleError, also on the REST transport
 * (google-gax src/status.ts, `HttpCodeToRpcCodeMap`: 400 -> INVALID_ARGUMENT, 401 ->
 * UNAUTHENTICATED, 403 -> PERMISSION_DENIED, 404 -> NOT_FOUND, 409 -> ABORTED, 412 ->
 * FAILED_PRECONDITION, 429 -> RESOURCE_EXHAUSTED, 5xx -> INTERNAL/UNAVAILABLE/DEADLINE_EXCEEDED).
 */
const Code = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * Compute Engine answers some rate limits with 403 `rateLimitExceeded` / `userRateLimitExceeded`
 * rather than 429 (cloud.google.com/compute/docs/api-rate-limits); quota errors say "Quota".
 */
const RATE_LIMIT = /rate ?limit ?exceeded|too many requests|quota exceeded for quota metric/i;
const QUOTA = /quota|ZONE_RESOURCE_POOL_EXHAUSTED|resource pool exhausted|stockout/i;
/** 400 `resourceNotReady`: another operation on the group is still running. */
const NOT_READY = /resourceNotReady|is not ready|operation in progress/i;
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up|fetch failed|network/i;

function classify(code: number | undefined, message: string): { kind: ProviderErrorKind; retryable: boolean } {
  switch (code) {
    case Code.RESOURCE_EXHAUSTED:
      return { kind: 'throttled', retryable: true };
    case Code.PERMISSION_DENIED:
      if (RATE_LIMIT.test(message)) return { kind: 'throttled', retryable: true };
      if (QUOTA.test(message)) return { kind: 'quota', retryable: false };
      return { kind: 'auth', retryable: false };
    case Code.UNAUTHENTICATED:
      return { kind: 'auth', retryable: false };
    case Code.NOT_FOUND:
      return { kind: 'not-found', retryable: false };
    case Code.ABORTED:
      return { kind: 'busy', retryable: true };
    case Code.INVALID_ARGUMENT:
    case Code.FAILED_PRECONDITION:
    case Code.OUT_OF_RANGE:
    case Code.ALREADY_EXISTS:
      if (NOT_READY.test(message)) return { kind: 'busy', retryable: true };
      if (QUOTA.test(message)) return { kind: 'quota', retryable: false };
      return { kind: 'invalid', retryable: false };
    case Code.UNAVAILABLE:
    case Code.INTERNAL:
    case Code.DEADLINE_EXCEEDED:
      return { kind: 'unavailable', retryable: true };
    default:
      break;
  }
  if (/default credentials|could not load the default|invalid_grant|private key|DECODER routines|ENOENT|EACCES|key ?file|credential/i.test(message))
    return { kind: 'auth', retryable: false };
  if (NETWORK.test(message) || /timed? ?out|aborted/i.test(message)) return { kind: 'unavailable', retryable: true };
  return { kind: 'unknown', retryable: false };
}

/**
 * On the REST transport an HTTP error surfaces as the GaxiosError of the auth client's fetch
 * (gaxios src/gaxios.ts: non-2xx fails `validateStatus`), with `status` and the body as text;
 * google-gax only turns it into a GoogleError with a gRPC code on some paths. Both are read.
 */
function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const status = (e as { status?: unknown; response?: { status?: unknown } }).status ?? (e as { response?: { status?: unknown } }).response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** `{"error":{"code":429,"message":"...","errors":[{"reason":"rateLimitExceeded"}]}}` -> "rateLimitExceeded: ...". */
function computeErrorText(message: string): string {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown; errors?: { reason?: unknown }[] } };
    const m = body.error?.message;
    const reason = body.error?.errors?.[0]?.reason;
    if (typeof m === 'string') return typeof reason === 'string' ? `${reason}: ${m}` : m;
  } catch {
    // not JSON: the text as it is
  }
  return message;
}

const HTTP_TO_GRPC: Record<number, number> = {
  400: Code.INVALID_ARGUMENT,
  401: Code.UNAUTHENTICATED,
  403: Code.PERMISSION_DENIED,
  404: Code.NOT_FOUND,
  409: Code.ABORTED,
  412: Code.FAILED_PRECONDITION,
  429: Code.RESOURCE_EXHAUSTED,
  408: Code.DEADLINE_EXCEEDED,
  504: Code.DEADLINE_EXCEEDED,
};

/** The numeric gRPC code of a GoogleError, checked structurally (google-gax is loaded lazily). */
function grpcCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Maps anything the Compute client throws to a ProviderError whose message is safe to log and show. */
export function toProviderError(what: string, e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const status = httpStatus(e);
  const message = computeErrorText(errorMessage(e));
  const code = status !== undefined ? (HTTP_TO_GRPC[status] ?? (status >= 500 ? Code.UNAVAILABLE : Code.INVALID_ARGUMENT)) : grpcCode(e);
  const { kind, retryable } = classify(code, message);
  const codeText = status !== undefined ? ` (HTTP ${status})` : code !== undefined ? ` (gRPC code ${code})` : '';
  return new ProviderError(redact(`${what}: ${kind}${codeText}: ${message}`), kind, retryable);
}

/** An `Operation.error.errors[]` entry (compute/v1 Operation). */
export interface OperationErrorEntry {
  readonly code?: string | null;
  readonly message?: string | null;
}

/**
 * A DONE operation that carries errors. Codes are Compute's (e.g. QUOTA_EXCEEDED,
 * ZONE_RESOURCE_POOL_EXHAUSTED, RESOURCE_NOT_FOUND, RESOURCE_NOT_READY); see
 * cloud.google.com/compute/docs/troubleshooting/troubleshooting-vm-creation.
 */
export function operationError(what: string, errors: readonly OperationErrorEntry[], httpStatus?: number | null): ProviderError {
  const codes = errors.map((x) => x.code ?? '').join(' ');
  const text = errors.map((x) => `${x.code ?? 'ERROR'}: ${x.message ?? ''}`).join('; ');
  let kind: ProviderErrorKind = 'unknown';
  let retryable = false;
  if (/QUOTA|RESOURCE_POOL_EXHAUSTED|STOCKOUT/.test(codes)) kind = 'quota';
  else if (/RESOURCE_NOT_FOUND/.test(codes)) kind = 'not-found';
  else if (/NOT_READY|RESOURCE_IN_USE/.test(codes)) [kind, retryable] = ['busy', true];
  else if (/INVALID|CONDITION_NOT_MET/.test(codes)) kind = 'invalid';
  else if (httpStatus !== undefined && httpStatus !== null && httpStatus >= 500) [kind, retryable] = ['unavailable', true];
  return new ProviderError(redact(`${what}: operation failed: ${text}`), kind, retryable);
}
