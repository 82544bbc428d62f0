import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { AzureVmssProvider } from '../../../src/providers/azure-vmss/index.js';
import { retryAfterMs } from '../../../src/providers/azure-vmss/throttle.js';
import { withCloudDeadlines } from '../../../src/providers/deadline.js';
import { ProviderError } from '../../../src/providers/provider.js';
import { Secret } from '../../../src/util/secret.js';
import { createTestTls, type TestTls } from '../../support/tls.js';
import { capturedLogger, group, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
  for (const c of cleanups.splice(0)) await c();
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

/** An HTTPS server that accepts connections and requests and never answers: a silent ARM endpoint. */
async function silentArm(): Promise<{ url: string; tls: TestTls; requests: () => number; openSockets: () => number }> {
  const tls = createTestTls();
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, () => {
    requests++;
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    tls.cleanup();
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tls, requests: () => requests, openSockets: () => sockets.size };
}

const staticToken: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 'opaque-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure calls against a slow or throttling cloud', () => {
  it('fails a 429 with Retry-After: 3600 at once as throttled, carrying the wait, instead of sleeping through it', async () => {
    h = await startHarness();
    await h.provider.describe(group()); // token warm: the fault hits the PATCH
    const before = h.fake.armCalls().length;
    h.fake.inject429(1, 3600);
    const started = Date.now();
    const e = await failure(h.provider.setDesiredSize(group(), 6));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e.kind).toBe('throttled');
    expect(e.retryAfterMs).toBe(3_600_000);
    expect(e.message).toMatch(/^setDesiredSize rg-mesos\/agents: HTTP 429: Azure asked to wait 3600 s/);
    expect(h.fake.armCalls().slice(before).map((c) => `${c.method} ${c.status}`)).toEqual(['PATCH 429']);
    expect(h.fake.state.vmss('rg-mesos', 'agents').capacity).toBe(3);
  });

  it('makes at most three requests per call against a persistent 500 by default (one try, two SDK retries)', async () => {
    h = await startHarness({}, { retry: { retryDelayMs: 5, maxRetryDelayMs: 20 } });
    await h.provider.describe(group());
    const before = h.fake.armCalls().length;
    h.fake.injectError(50, 500);
    const e = await failure(h.provider.setDesiredSize(group(), 4));
    expect(e.kind).toBe('unavailable');
    expect(h.fake.armCalls().slice(before)).toHaveLength(3);
  });

  it('gives a describe against a silent ARM endpoint up at its deadline, aborting the SDK requests, and counts it', async () => {
    const arm = await silentArm();
    const { logger, lines } = capturedLogger();
    const provider = new AzureVmssProvider(
      { subscriptionId: 'sub', clientSecret: new Secret('never-used-secret'), resourceGroup: 'rg', armEndpoint: arm.url },
      logger,
      { credential: staticToken, tlsCa: arm.tls.caPem, retry: { retryDelayMs: 5, maxRetryDelayMs: 20 } },
    );
    const counted: string[] = [];
    const bounded = withCloudDeadlines(provider, { readMs: 1_500, writeMs: 1_500 }, { logger, onDeadline: (p, op) => counted.push(`${p} ${op}`) });
    const started = Date.now();
    const e = await failure(bounded.describe(group('agents', 'rg')));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_000);
    expect(e.kind).toBe('unavailable');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('no answer within 1.5 s');
    expect(counted).toEqual(['azure-vmss describe']);
    expect(lines.some((l) => l.includes('cloud call deadline passed'))).toBe(true);
    expect(arm.requests()).toBeGreaterThan(0);
    // The deadline's signal reached the SDK: its connections are closed, nothing keeps waiting.
    await expect.poll(() => arm.openSockets(), { timeout: 2_000 }).toBe(0);
  });

  it('keeps its own read deadline when the token endpoint is silent too (the identity SDK takes no abort signal)', async () => {
    const arm = await silentArm();
    const { logger } = capturedLogger();
    const provider = new AzureVmssProvider(
      { subscriptionId: 'sub', tenantId: 'tenant', clientId: 'client', clientSecret: new Secret('silent-test-secret'), resourceGroup: 'rg', armEndpoint: arm.url },
      logger,
      { authorityHost: arm.url, tlsCa: arm.tls.caPem, readTimeoutMs: 1_000 },
    );
    const started = Date.now();
    const e = await failure(provider.describe(group('agents', 'rg')));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e).toMatchObject({ kind: 'unavailable', retryable: false });
    expect(e.message).toBe('describe rg/agents: no answer within 1 s (retries included); given up');
  });

  it('gives a scale-up against a silent ARM endpoint up at its deadline too', async () => {
    const arm = await silentArm();
    const { logger } = capturedLogger();
    const provider = new AzureVmssProvider({ subscriptionId: 'sub', resourceGroup: 'rg', armEndpoint: arm.url }, logger, { credential: staticToken, tlsCa: arm.tls.caPem });
    const bounded = withCloudDeadlines(provider, { readMs: 1_000, writeMs: 1_000 });
    const started = Date.now();
    const e = await failure(bounded.setDesiredSize(group('agents', 'rg'), 5));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e.message).toMatch(/azure-vmss setDesiredSize private: no answer within 1 s/);
  });
});

describe('retryAfterMs', () => {
  const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] });
  it('reads Retry-After as seconds or as an HTTP date, and the millisecond headers first, only for 429 and 503', () => {
    expect(retryAfterMs(429, headers({ 'retry-after': '3600' }))).toBe(3_600_000);
    expect(retryAfterMs(503, headers({ 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }), Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(60_000);
    expect(retryAfterMs(429, headers({ 'retry-after-ms': '250', 'retry-after': '10' }))).toBe(250);
    expect(retryAfterMs(500, headers({ 'retry-after': '10' }))).toBeUndefined();
    expect(retryAfterMs(429, headers({}))).toBeUndefined();
  });
});
