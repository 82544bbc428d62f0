import type { Secret } from '../../util/secret.js';
import { errorMessage } from '../../util/result.js';
import { ProviderError, type ProviderErrorKind } from '../provider.js';
import { redactCredentials } from '../redact.js';

/**
 * Error codes of the Auto Scaling and EC2 Query APIs, by what they mean for us. Sources: the
 * "Common Errors" pages of the EC2 Auto Scaling and EC2 API references, each action's "Errors"
 * section (SetDesiredCapacity: ScalingActivityInProgress, ResourceContention), and the SDK's own
 * THROTTLING_ERROR_CODES (@smithy/core retry/service-error-classification/constants.js).
 */
const THROTTLED = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'RequestLimitExceeded', 'TooManyRequestsException', 'EC2ThrottledException', 'SlowDown', 'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);
const AUTH = new Set([
  'InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'AccessDenied',
  'AccessDeniedException', 'UnauthorizedOperation', 'AuthFailure', 'ExpiredToken', 'ExpiredTokenException',
  'UnrecognizedClientException', 'InvalidAccessKeyId', 'OptInRequired', 'Blocked', 'CredentialsProviderError',
]);
const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);
const INVALID = new Set(['ValidationError', 'InvalidParameterValue', 'InvalidParameterCombination', 'MissingParameter', 'InvalidAction', 'InvalidQueryParameter', 'MalformedQueryString']);
const BUSY = new Set(['ScalingActivityInProgress', 'ScalingActivityInProgressFault', 'ResourceContention', 'ResourceContentionFault', 'ResourceInUse']);
const QUOTA = new Set(['LimitExceeded', 'LimitExceededFault', 'InstanceLimitExceeded', 'InsufficientInstanceCapacity', 'ServiceLinkedRoleFailure']);
const UNAVAILABLE = new Set(['ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', 'Unavailable', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up/i;

/** The parts of an SDK `ServiceException` we read, checked structurally. */
interface AwsErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** The wire error code (`ScalingActivityInProgress`); `name` is the SDK's class (`...Fault`). */
  readonly Code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

function kindOf(code: string, status: number | undefined, fault: string | undefined): ProviderErrorKind {
  if (THROTTLED.has(code)) return 'throttled';
  if (AUTH.has(code)) return 'auth';
  if (NOT_FOUND.has(code)) return 'not-found';
  if (BUSY.has(code)) return 'busy';
  if (QUOTA.has(code)) return 'quota';
  if (INVALID.has(code)) return 'invalid';
  if (UNAVAILABLE.has(code)) return 'unavailable';
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && status >= 500) return 'unavailable';
  if (fault === 'client' || (status !== undefined && status >= 400)) return 'invalid';
  return 'unknown';
}

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['throttled', 'busy', 'unavailable']);

/**
 * Maps anything the AWS SDK throws (after its own bounded retries) to a ProviderError whose
 * message names the call, the AWS error code, the HTTP status and the attempts, and carries no
 * credential.
 */
export function toProviderError(what: string, e: unknown, secrets: readonly (Secret | undefined)[]): ProviderError {
  if (e instanceof ProviderError) return e;
  const clean = (m: string): string => redactCredentials(m, secrets);
  if (!(e instanceof Error)) return new ProviderError(clean(`${what}: ${errorMessage(e)}`), 'unknown', false);
  const err = e as AwsErrorLike;
  if (/region is missing|region not accepted/i.test(err.message)) {
    return new ProviderError(clean(`${what}: no AWS region: set the group's provider.region, aws.region or AWS_REGION`), 'invalid', false);
  }
  const status = err.$metadata?.httpStatusCode;
  const nodeCode = typeof err.code === 'string' ? err.code : undefined;
  if (status === undefined && (NETWORK.test(`${nodeCode ?? ''} ${err.message}`) || err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new ProviderError(clean(`${what}: no answer from AWS: ${nodeCode ?? err.name}: ${err.message}`), 'unavailable', true);
  }
  const code = typeof err.Code === 'string' && err.Code ? err.Code : err.name;
  const kind = kindOf(code, status, err.$fault);
  const attempts = err.$metadata?.attempts;
  const where = [status === undefined ? undefined : `HTTP ${status}`, attempts && attempts > 1 ? `${attempts} attempts` : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
  return new ProviderError(clean(`${what}: ${code}${where ? ` (${where})` : ''}: ${err.message}`), kind, RETRYABLE.has(kind));
}
