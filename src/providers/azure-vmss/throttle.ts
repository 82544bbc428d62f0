import type { ComputeManagementClientOptionalParams } from '@azure/arm-compute';
import { ProviderError } from '../provider.js';

type PipelinePolicy = NonNullable<ComputeManagementClientOptionalParams['additionalPolicies']>[number]['policy'];

/** Headers as the Azure pipeline gives them. */
interface HeaderReader {
  get(name: string): string | undefined;
}

/**
 * How long a 429 or 503 asks us to wait, in ms, or undefined. Read the way the SDK's own
 * throttling strategy reads it (@typespec/ts-http-runtime retryStrategies/throttlingRetryStrategy.ts
 * `getRetryAfterInMs`): `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds), then `Retry-After`
 * as seconds or as an HTTP date (RFC 9110 section 10.2.3).
 */
export function retryAfterMs(status: number, headers: HeaderReader, now: number = Date.now()): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * A pipeline policy (placed per retry, so it sees each attempt's response before the retry policy)
 * that fails a call at once when the service asks to wait longer than `maxWaitMs`. Why: the SDK's
 * retry policy would sleep through `Retry-After: 3600` inside our call and hold the loop; failing
 * fast as `throttled` with the wait lets the controller back the group off instead. A non-RestError
 * thrown here is not retried by the SDK (ts-http-runtime policies/retryPolicy.ts `sendRequest`).
 */
export function failFastOnLongRetryAfter(maxWaitMs: number): PipelinePolicy {
  return {
    name: 'mesosAutoscalerFailFastOnLongRetryAfter',
    async sendRequest(request, next) {
      const response = await next(request);
      const wait = retryAfterMs(response.status, response.headers);
      if (wait !== undefined && wait > maxWaitMs) {
        throw new ProviderError(`HTTP ${response.status}: Azure asked to wait ${Math.ceil(wait / 1000)} s (Retry-After); not waiting inside this call`, 'throttled', true, wait);
      }
      return response;
    },
  };
}
