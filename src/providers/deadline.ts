import type { Logger } from '../util/logger.js';
import { DeadlineError, withDeadline } from '../util/deadline.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef } from './provider.js';

/** How long one cloud call may take, the SDK's own retries and operation polls included. */
export interface CloudDeadlines {
  /** describe (default 60 s). */
  readonly readMs: number;
  /**
   * setDesiredSize and deleteInstances (default 120 s). An operation still running in the cloud
   * when it passes goes on there; the next cycle reads what happened (nothing is assumed done).
   */
  readonly writeMs: number;
}

export const DEFAULT_DEADLINES: CloudDeadlines = { readMs: 60_000, writeMs: 120_000 };

export interface DeadlineHooks {
  readonly logger?: Logger;
  /** Counts each call given up (the service's `errors_total{kind="cloud-deadline"}`). */
  readonly onDeadline?: (provider: string, operation: string) => void;
}

/**
 * The provider with an overall deadline on every call. Why: a silent endpoint behind an SDK's retry
 * policy held the loop for minutes (issue 12); now the call's signal aborts, the call fails as an
 * `unavailable` ProviderError that is not retried in this cycle, it is logged and counted, and
 * the cycle goes on with the other groups.
 */
export function withCloudDeadlines(inner: NodeGroupProvider, deadlines: CloudDeadlines = DEFAULT_DEADLINES, hooks: DeadlineHooks = {}): NodeGroupProvider {
  const run = <T>(op: string, group: NodeGroupRef, ms: number, options: CallOptions | undefined, fn: (o: CallOptions) => Promise<T>): Promise<T> =>
    withDeadline((signal) => fn({ ...options, signal }), ms, `${inner.kind} ${op} ${group.name}`, options?.signal).catch((e: unknown) => {
      if (!(e instanceof DeadlineError)) throw e;
      hooks.logger?.warn({ provider: inner.kind, op, group: group.name, deadlineMs: ms }, 'cloud call deadline passed: call aborted, the cycle goes on');
      hooks.onDeadline?.(inner.kind, op);
      throw new ProviderError(`${e.message}; tried again next cycle`, 'unavailable', false);
    });
  return {
    kind: inner.kind,
    describe: (g, o) => run('describe', g, deadlines.readMs, o, (opts) => inner.describe(g, opts)),
    setDesiredSize: (g, size, o) => run('setDesiredSize', g, deadlines.writeMs, o, (opts) => inner.setDesiredSize(g, size, opts)),
    deleteInstances: (g, ids, o) => run('deleteInstances', g, deadlines.writeMs, o, (opts) => inner.deleteInstances(g, ids, opts)),
  };
}

/** Every distinct provider of a set of bindings wrapped once by `withCloudDeadlines` (simulated ones excepted: no network). */
export function bindingsWithDeadlines<B extends { readonly provider: NodeGroupProvider }>(
  bindings: ReadonlyMap<string, B>,
  deadlines: CloudDeadlines = DEFAULT_DEADLINES,
  hooks: DeadlineHooks = {},
): Map<string, B> {
  const wrapped = new Map<NodeGroupProvider, NodeGroupProvider>();
  const out = new Map<string, B>();
  for (const [name, b] of bindings) {
    if (b.provider.kind === 'simulated') {
      out.set(name, b);
      continue;
    }
    let p = wrapped.get(b.provider);
    if (!p) {
      p = withCloudDeadlines(b.provider, deadlines, hooks);
      wrapped.set(b.provider, p);
    }
    out.set(name, { ...b, provider: p });
  }
  return out;
}
