import { afterEach, describe, expect, it } from 'vitest';
import { OpenStackHeatProvider } from '../../../src/providers/openstack-heat/index.js';
import { ProviderError } from '../../../src/providers/provider.js';
import { capturedLogger } from '../azure/helpers.js';
import { heatGroup, openrc, PASSWORD, startOsHarness, type OsHarness } from './helpers.js';

let h: OsHarness | undefined;
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

describe('OpenStackHeatProvider throttling and failures', () => {
  it('retries 429 and 503 answers and succeeds', async () => {
    h = await startOsHarness();
    h.fake.injectError(1, 429, 'orchestration');
    h.fake.injectError(1, 503, 'compute');
    const state = await h.provider.describe(heatGroup());
    expect(state.instances).toHaveLength(3);
    expect(h.fake.requests.filter((r) => r.fault).map((r) => r.status)).toEqual([429, 503]);
  });

  it('waits as long as a 429 asks (Retry-After) before trying again', async () => {
    h = await startOsHarness();
    await h.provider.describe(heatGroup());
    h.fake.injectError(1, 429, 'orchestration', 1);
    const started = Date.now();
    await h.provider.setDesiredSize(heatGroup(), 4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(h.fake.stack().members).toHaveLength(4);
  });

  it('gives up on persistent throttling after a bounded number of tries, as throttled', async () => {
    h = await startOsHarness({}, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } });
    h.fake.injectError(20, 429);
    const e = await failure(h.provider.setDesiredSize(heatGroup(), 4));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true });
    expect(h.fake.requests.filter((r) => r.fault)).toHaveLength(3);
    expect(h.fake.calls('orchestration', 'PATCH').filter((r) => !r.fault)).toHaveLength(0);
  });

  it('answers busy, without retrying, while someone else updates the stack (Heat 409)', async () => {
    h = await startOsHarness();
    h.fake.startForeignUpdate();
    const e = await failure(h.provider.setDesiredSize(heatGroup(), 4));
    expect(e).toMatchObject({ kind: 'busy', retryable: true });
    expect(e.message).toContain('ActionInProgress');
    expect(h.fake.calls('orchestration', 'PATCH')).toHaveLength(1);
    h.fake.finishUpdate();
    await h.provider.setDesiredSize(heatGroup(), 4);
    expect(h.fake.stack().members).toHaveLength(4);
  });

  it('authenticates again once when Keystone revoked the token', async () => {
    h = await startOsHarness();
    await h.provider.describe(heatGroup());
    h.fake.revokeTokens();
    await h.provider.describe(heatGroup());
    expect(h.fake.calls('identity')).toHaveLength(2);
  });

  it('classifies an unknown stack as not-found and a stack without the count parameter as invalid', async () => {
    h = await startOsHarness();
    expect(await failure(h.provider.describe(heatGroup('nope')))).toMatchObject({ kind: 'not-found', retryable: false });
    const wrong = { name: 'private', target: { stack: 'mesos', resource: 'agents', countParameter: 'node_count' } };
    expect(await failure(h.provider.describe(wrong))).toMatchObject({ kind: 'invalid' });
    expect(await failure(h.provider.describe(heatGroup('mesos', 'network')))).toMatchObject({ kind: 'invalid', message: expect.stringContaining('not an OS::Heat::ResourceGroup') });
  });

  it('reports an update that ends UPDATE_FAILED for lack of quota as quota', async () => {
    h = await startOsHarness();
    h.fake.failNextUpdate('Resource CREATE failed: Forbidden: Quota exceeded for cores: Requested 8, but already used 40 of 40 cores');
    const e = await failure(h.provider.setDesiredSize(heatGroup(), 9));
    expect(e).toMatchObject({ kind: 'quota', retryable: false });
    expect(e.message).toContain('UPDATE_FAILED');
  });

  it('reports a template without the removal-policies parameter as invalid, deleting nothing', async () => {
    h = await startOsHarness({ stacks: [{ ips: ['10.1.0.4', '10.1.0.5'], removalPolicyParameter: null }] });
    const e = await failure(h.provider.deleteInstances(heatGroup(), ['0']));
    expect(e).toMatchObject({ kind: 'invalid' });
    expect(e.message).toContain('The Parameter (removal_policies) was not defined in template');
    expect(h.fake.stack().members).toHaveLength(2);
  });

  it('reports a wrong password as auth, and never shows the password or a token', async () => {
    h = await startOsHarness({}, {}, (fake) => openrc(fake, 'the-wrong-password-123'));
    const e1 = await failure(h.provider.describe(heatGroup()));
    expect(e1).toMatchObject({ kind: 'auth', retryable: false });
    const { logger, lines } = capturedLogger();
    const good = new OpenStackHeatProvider(logger, { env: openrc(h.fake), retry: { retries: 0 } });
    await good.describe(heatGroup());
    h.fake.injectError(1, 500);
    const e2 = await failure(good.describe(heatGroup()));
    expect(e2.kind).toBe('unavailable');
    const everything = [e1, e2].map((e) => `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`).concat(h.lines, lines).join('\n');
    expect(everything).not.toContain('the-wrong-password-123');
    expect(everything).not.toContain(PASSWORD);
    expect(h.fake.issuedTokens.size).toBeGreaterThan(0);
    for (const t of h.fake.issuedTokens) expect(everything).not.toContain(t);
  });

  it('says which OS_* variables are missing', async () => {
    const { logger } = capturedLogger();
    const p = new OpenStackHeatProvider(logger, { env: { OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'u' } });
    const e = await failure(p.describe(heatGroup()));
    expect(e.kind).toBe('auth');
    expect(e.message).toContain('OS_PASSWORD');
    expect(e.message).toContain('OS_PROJECT_NAME');
  });

  it('stops waiting for a stack update when the call\'s deadline signal aborts', async () => {
    h = await startOsHarness({ updatePolls: 10_000 });
    const started = Date.now();
    const e = await failure(h.provider.setDesiredSize(heatGroup(), 6, { signal: AbortSignal.timeout(400) }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    // A poll already on the wire when the signal fired may still reach the server: let it land, then no more come.
    await new Promise((r) => setTimeout(r, 100));
    const polls = h.fake.calls('orchestration', 'GET').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.calls('orchestration', 'GET').length).toBe(polls);
  });

  it('reports an unreachable Keystone as unavailable', async () => {
    const { logger } = capturedLogger();
    const p = new OpenStackHeatProvider(logger, { env: { OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'u', OS_PASSWORD: PASSWORD, OS_PROJECT_NAME: 'mesos' }, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } });
    const e = await failure(p.describe(heatGroup()));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
  });
});
