import { describe, expect, it } from 'vitest';
import { mapLimit, redact, retryCloudCall } from '../../src/providers/cloud-call.js';
import { ProviderError } from '../../src/providers/provider.js';
import { Secret } from '../../src/util/secret.js';

describe('cloud-call helpers', () => {
  it('redacts given secrets, bearer tokens, JWTs, private keys, OpenStack tokens and password fields', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const text = `pw=hunter22 Authorization: Bearer ya29.abc-def eyJhbGciOi.eyJpc3Mi.c2lnbmF0dXJl ${pem} X-Auth-Token: gAAAAAtok {"password": "p@ss", "secret":"s3"}`;
    const out = redact(text, [new Secret('hunter22')]);
    for (const leaked of ['hunter22', 'ya29.abc-def', 'eyJhbGciOi', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'gAAAAAtok', 'p@ss', 's3"']) expect(out).not.toContain(leaked);
  });

  it('keeps at most the given number of calls in flight and the order of the items', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n * 3));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('retries throttled and unavailable failures but not busy, invalid or foreign errors', async () => {
    const tries = (kind: ProviderError['kind'] | 'plain') => {
      let n = 0;
      return retryCloudCall(
        async () => {
          n++;
          throw kind === 'plain' ? new Error('x') : new ProviderError('x', kind, true);
        },
        { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
      ).catch(() => n);
    };
    expect(await tries('throttled')).toBe(3);
    expect(await tries('unavailable')).toBe(3);
    expect(await tries('busy')).toBe(1);
    expect(await tries('invalid')).toBe(1);
    expect(await tries('plain')).toBe(1);
  });
});
