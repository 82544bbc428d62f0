import { describe, expect, it } from 'vitest';
import { bindingsWithDeadlines, withCloudDeadlines } from '../../src/providers/deadline.js';
import { ProviderError, type NodeGroupProvider } from '../../src/providers/provider.js';
import { DeadlineError, withDeadline } from '../../src/util/deadline.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** A provider whose calls never settle and ignore any signal, like an SDK stuck in a token request. */
function stuck(kind = 'stuck-cloud'): NodeGroupProvider & { signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const keep = <T>(o?: { signal?: AbortSignal }): Promise<T> => {
    if (o?.signal) signals.push(o.signal);
    return never<T>();
  };
  return { kind, signals, describe: (_g, o) => keep(o), setDesiredSize: (_g, _s, o) => keep(o), deleteInstances: (_g, _i, o) => keep(o) };
}

describe('withDeadline', () => {
  it('settles at the deadline even when the call ignores its signal, and aborts that signal', async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const e = await withDeadline((signal) => ((seen = signal), never<number>()), 100, 'read x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeadlineError);
    expect((e as Error).message).toBe('read x: no answer within 100 ms (retries included); given up');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen?.aborted).toBe(true);
  });

  it('returns the result of a call that answers in time', async () => {
    await expect(withDeadline(() => Promise.resolve(7), 1_000, 'x')).resolves.toBe(7);
  });

  it('passes on the call’s own failure unchanged', async () => {
    await expect(withDeadline(() => Promise.reject(new Error('boom')), 1_000, 'x')).rejects.toThrow('boom');
  });
});

describe('withCloudDeadlines', () => {
  it('turns a stuck cloud call into an unavailable ProviderError that is not retried this cycle, logged and counted', async () => {
    const inner = stuck();
    const counted: string[] = [];
    const p = withCloudDeadlines(inner, { readMs: 50, writeMs: 80 }, { onDeadline: (k, op) => counted.push(`${k}/${op}`) });
    const ref = { name: 'web', target: {} };
    for (const call of [p.describe(ref), p.setDesiredSize(ref, 3), p.deleteInstances(ref, ['i-1'])]) {
      const e = await call.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e).toMatchObject({ kind: 'unavailable', retryable: false });
    }
    expect(counted).toEqual(['stuck-cloud/describe', 'stuck-cloud/setDesiredSize', 'stuck-cloud/deleteInstances']);
    expect(inner.signals.every((s) => s.aborted)).toBe(true);
  });

  it('wraps each real provider once and leaves simulated ones alone', () => {
    const cloud = stuck();
    const sim = stuck('simulated');
    const ref = { name: 'a', target: {} };
    const out = bindingsWithDeadlines(new Map([['a', { provider: cloud, ref }], ['b', { provider: cloud, ref }], ['c', { provider: sim, ref }]]));
    expect(out.get('a')?.provider).not.toBe(cloud);
    expect(out.get('a')?.provider).toBe(out.get('b')?.provider);
    expect(out.get('c')?.provider).toBe(sim);
  });
});
