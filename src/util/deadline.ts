/** A call given up because its overall deadline passed. */
export class DeadlineError extends Error {
  constructor(
    message: string,
    readonly deadlineMs: number,
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `fn` with a signal that aborts after `ms` (or when `parent` aborts), and settles by then
 * whatever `fn` does. Why: SDKs retry behind our back (the Azure pipeline's retry policy sleeps
 * through a Retry-After, MSAL's token requests take no signal at all), so a timeout handed to the
 * SDK alone cannot promise the caller an answer; this race can. A result arriving after the
 * deadline is dropped, its rejection swallowed.
 */
export function withDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, what: string, parent?: AbortSignal): Promise<T> {
  const ac = new AbortController();
  const onParent = (): void => ac.abort(parent?.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(`${what}: no answer within ${formatMs(ms)} (retries included); given up`, ms);
      ac.abort(error);
      reject(error);
    }, ms);
  });
  const call = Promise.resolve().then(() => fn(ac.signal));
  call.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  return Promise.race([call, expired]).finally(() => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
