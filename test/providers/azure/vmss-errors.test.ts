import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/provider.js';
import { CLIENT_SECRET, group, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

describe('AzureVmssProvider throttling and failures', () => {
  it('retries a 429 after its Retry-After, then succeeds', async () => {
    h = await startHarness();
    await h.provider.describe(group()); // warm the token so the faults hit ARM calls in a known order
    const before = h.fake.armCalls().length;
    h.fake.inject429(2, 1);
    const started = Date.now();
    await h.provider.setDesiredSize(group(), 6);
    const elapsed = Date.now() - started;
    const calls = h.fake.armCalls().slice(before);
    expect(calls.map((c) => `${c.method} ${c.status}`).slice(0, 3)).toEqual(['PATCH 429', 'PATCH 429', 'PATCH 200']);
    expect(calls.filter((c) => c.fault)).toHaveLength(2);
    // Two waits of Retry-After: 1 s each, not the 10 ms backoff configured for other errors.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(h.fake.state.vmss('rg-mesos', 'agents').capacity).toBe(6);
  });

  it('retries a transient 500 with backoff and succeeds', async () => {
    h = await startHarness();
    h.fake.injectError(2, 500);
    const state = await h.provider.describe(group());
    expect(state.desired).toBe(3);
    expect(h.fake.requests.filter((r) => r.fault && r.status === 500)).toHaveLength(2);
  });

  it('turns a persistent 500 into a retryable ProviderError after a bounded number of tries', async () => {
    h = await startHarness({}, { retry: { maxRetries: 2, retryDelayMs: 5, maxRetryDelayMs: 20 } });
    await h.provider.describe(group());
    const before = h.fake.armCalls().length;
    h.fake.injectError(50, 500);
    const e = await failure(h.provider.setDesiredSize(group(), 4));
    expect(e.kind).toBe('unavailable');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/^setDesiredSize rg-mesos\/agents: HTTP 500/);
    // One try plus two retries, then it gave up.
    expect(h.fake.armCalls().slice(before)).toHaveLength(3);
    expect(h.fake.state.vmss('rg-mesos', 'agents').capacity).toBe(3);
  });

  it('turns persistent throttling into a throttled ProviderError', async () => {
    h = await startHarness({}, { retry: { maxRetries: 1, retryDelayMs: 5, maxRetryDelayMs: 20 } });
    await h.provider.describe(group());
    h.fake.inject429(10, 0);
    const e = await failure(h.provider.deleteInstances(group(), ['1']));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true });
  });

  it('reports a rejected client secret as an auth error that names no secret', async () => {
    h = await startHarness({ leakyErrors: true }, {}, 'the-wrong-secret-value');
    const e = await failure(h.provider.describe(group()));
    expect(e.kind).toBe('auth');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('invalid_client');
    // The careless server echoed the secret it got; it must not travel on.
    expect(e.message).not.toContain('the-wrong-secret-value');
    expect(h.lines.join('\n')).not.toContain('the-wrong-secret-value');
    expect(h.fake.armCalls()).toHaveLength(0);
  });

  it('reports an unreachable token endpoint as a retryable outage, not as bad credentials', async () => {
    h = await startHarness({}, { retry: { maxRetries: 1, retryDelayMs: 5, maxRetryDelayMs: 20 } });
    h.fake.injectError(20, 500, 'identity');
    const e = await failure(h.provider.describe(group()));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(h.fake.armCalls()).toHaveLength(0);
  });

  it('never puts the client secret or an access token in errors or log lines', async () => {
    h = await startHarness({ leakyErrors: true }, { retry: { maxRetries: 0 } });
    await h.provider.describe(group());
    await h.provider.setDesiredSize(group(), 4);
    h.fake.injectError(1, 400);
    const e1 = await failure(h.provider.setDesiredSize(group(), 5));
    h.fake.injectError(1, 503);
    const e2 = await failure(h.provider.deleteInstances(group(), ['0']));
    h.fake.inject429(3, 0);
    const e3 = await failure(h.provider.describe(group()));

    const texts = [e1, e2, e3].map((e) => `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`);
    const everything = [...texts, ...h.lines].join('\n');
    // The leaky fake did put the bearer token in its error bodies...
    expect(e1.message).toContain('Authorization: Bearer [redacted]');
    // ...and neither the secret nor any token got through.
    expect(everything).not.toContain(CLIENT_SECRET);
    expect(everything).not.toMatch(/fake-access-token-[0-9a-f]+/);
    expect(h.fake.issuedTokens.size).toBeGreaterThan(0);
    for (const token of h.fake.issuedTokens) expect(everything).not.toContain(token);
    // The pino output has the failures, with the mapped kinds.
    const failures = h.lines.map((l) => JSON.parse(l) as { msg: string; kind?: string }).filter((l) => l.msg === 'azure call failed');
    expect(failures.map((f) => f.kind)).toEqual(['invalid', 'unavailable', 'throttled']);
  });
});
