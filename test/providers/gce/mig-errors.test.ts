import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/provider.js';
import { COMPUTE_BASE } from '../../support/fake-gce/index.js';
import { startGceHarness, zonal, type GceHarness } from './helpers.js';

let h: GceHarness | undefined;
afterEach(async () => {
  await h?.provider.close();
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

describe('GceMigProvider throttling and failures', () => {
  it('retries a 429 and a 403 rateLimitExceeded with the same request id, then succeeds', async () => {
    h = await startGceHarness();
    h.fake.injectError(1, 429, 'rateLimitExceeded', "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'");
    h.fake.injectError(1, 403, 'rateLimitExceeded', 'Rate Limit Exceeded');
    await h.provider.setDesiredSize(zonal(), 4);
    const resizes = h.fake.calls('POST').filter((r) => r.path.endsWith('/resize'));
    expect(resizes.map((r) => r.status)).toEqual([429, 403, 200]);
    expect(new Set(resizes.map((r) => r.query['requestId'])).size).toBe(1);
    expect(h.fake.state.mig('agents').targetSize).toBe(4);
  });

  it('retries a transient 503 of a read and succeeds', async () => {
    h = await startGceHarness();
    h.fake.injectError(2, 503);
    const state = await h.provider.describe(zonal());
    expect(state.desired).toBe(3);
    expect(h.fake.requests.filter((r) => r.fault)).toHaveLength(2);
  });

  it('gives up on persistent throttling after a bounded number of tries, as throttled', async () => {
    h = await startGceHarness({}, { retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 } });
    h.fake.injectError(10, 429);
    const e = await failure(h.provider.describe(zonal()));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true });
    expect(e.message).toMatch(/^describe mesos-test-project\/us-central1-a\/agents: throttled/);
    expect(h.fake.requests).toHaveLength(3);
  });

  it('classifies an unknown group as not-found, a bad request as invalid, a denied call as auth, a conflict as busy', async () => {
    h = await startGceHarness({}, { retry: { retries: 0 } });
    expect(await failure(h.provider.describe(zonal('nope')))).toMatchObject({ kind: 'not-found', retryable: false });
    h.fake.injectError(1, 400, 'invalid', "Invalid value for field 'size'");
    expect(await failure(h.provider.setDesiredSize(zonal(), 4))).toMatchObject({ kind: 'invalid', retryable: false });
    h.fake.injectError(1, 403, 'forbidden', "Required 'compute.instanceGroupManagers.update' permission");
    expect(await failure(h.provider.setDesiredSize(zonal(), 4))).toMatchObject({ kind: 'auth', retryable: false });
    h.fake.injectError(1, 400, 'resourceNotReady', "The resource 'projects/p/zones/z/instanceGroupManagers/agents' is not ready");
    expect(await failure(h.provider.setDesiredSize(zonal(), 4))).toMatchObject({ kind: 'busy', retryable: true });
    h.fake.injectError(1, 409, 'conflict', 'Conflict');
    expect(await failure(h.provider.setDesiredSize(zonal(), 4))).toMatchObject({ kind: 'busy' });
    expect(h.fake.state.mig('agents').targetSize).toBe(3);
  });

  it('reports an operation that ends with a quota error as quota', async () => {
    h = await startGceHarness();
    h.fake.failNextOperation('QUOTA_EXCEEDED', "Quota 'CPUS' exceeded. Limit: 24.0 in region us-central1.");
    const e = await failure(h.provider.setDesiredSize(zonal(), 9));
    expect(e).toMatchObject({ kind: 'quota', retryable: false });
    expect(e.message).toContain("QUOTA_EXCEEDED: Quota 'CPUS' exceeded");
  });

  it('refuses to delete an instance of another group, deleting nothing', async () => {
    h = await startGceHarness({
      migs: [
        { zone: 'us-central1-a', name: 'agents', instances: ['10.1.0.4', '10.1.0.5', '10.1.0.6'] },
        { zone: 'us-central1-a', name: 'other', instances: ['10.9.0.4'] },
      ],
    });
    const e = await failure(h.provider.deleteInstances(zonal(), [`${COMPUTE_BASE}/projects/mesos-test-project/zones/us-central1-a/instances/other-0000`]));
    expect(e.kind).toBe('invalid');
    expect(e.message).toContain('is not a member of mesos-test-project/us-central1-a/agents');
    expect(h.fake.state.mig('agents').instances).toHaveLength(3);
    expect(h.fake.state.mig('other').instances).toHaveLength(1);
    expect(h.fake.calls('POST').filter((r) => r.path.endsWith('/deleteInstances'))).toHaveLength(0);
  });

  it('stops waiting for an operation when the call\'s deadline signal aborts', async () => {
    h = await startGceHarness({ opPolls: 10_000 }, { pollIntervalMs: 20 });
    const started = Date.now();
    const e = await failure(h.provider.setDesiredSize(zonal(), 6, { signal: AbortSignal.timeout(400) }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e.kind).toBe('unavailable');
    const waits = h.fake.requests.filter((r) => r.path.endsWith('/wait')).length;
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.requests.filter((r) => r.path.endsWith('/wait')).length).toBe(waits);
  });

  it('reports an unreachable endpoint as unavailable', async () => {
    h = await startGceHarness({}, { apiEndpoint: 'http://127.0.0.1:9', retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 } });
    const e = await failure(h.provider.describe(zonal()));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
  });

  it('reports a missing key file as auth, and never shows the private key or a token', async () => {
    h = await startGceHarness({}, { retry: { retries: 0 } });
    await h.provider.describe(zonal());
    h.fake.injectError(1, 401, 'authError', `Request had invalid authentication credentials: ${h.fake.account.privateKeyPem}`);
    const e1 = await failure(h.provider.describe(zonal()));
    expect(e1.kind).toBe('auth');
    const { GceMigProvider } = await import('../../../src/providers/gce-mig/index.js');
    const { capturedLogger } = await import('../azure/helpers.js');
    const { logger, lines } = capturedLogger();
    const missing = new GceMigProvider({ apiEndpoint: h.fake.apiEndpoint }, logger, { keyFilename: '/nonexistent/key.json', retry: { retries: 0 } }, {});
    const e2 = await failure(missing.describe(zonal()));
    expect(e2.kind).toBe('auth');
    await missing.close();
    const everything = [e1, e2].map((e) => `${e.message}\n${e.stack ?? ''}`).concat(h.lines, lines).join('\n');
    const keyBody = h.fake.account.privateKeyPem.split('\n')[1] ?? 'unreachable';
    expect(everything).not.toContain(keyBody);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });
});
