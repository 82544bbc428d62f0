import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { AzureVmssProvider } from '../../../src/providers/azure-vmss/index.js';
import { ProviderError } from '../../../src/providers/provider.js';
import { Secret, secretsIn } from '../../../src/util/secret.js';
import { createTestTls } from '../../support/tls.js';
import { capturedLogger, group } from './helpers.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const staticToken: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 'opaque-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure errors', () => {
  it('are scrubbed of every configured secret, not only the client secret (here an echoed Mesos basic-auth pair)', async () => {
    const config = { mesos: { username: 'ops', password: new Secret('mesos-pass-4e1d') }, server: { token: new Secret('server-token-77aa') } };
    const basic = Buffer.from('ops:mesos-pass-4e1d').toString('base64');
    const tls = createTestTls();
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadRequest', message: `odd proxy saw Basic ${basic}, mesos-pass-4e1d and server-token-77aa` } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)), () => tls.cleanup());
    const { logger, lines } = capturedLogger();
    const provider = new AzureVmssProvider(
      { subscriptionId: 'sub', resourceGroup: 'rg', armEndpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}` },
      logger,
      { credential: staticToken, tlsCa: tls.caPem, retry: { maxRetries: 0 }, secrets: secretsIn(config) },
    );
    const e = await provider.describe(group('agents', 'rg')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    const text = `${(e as Error).message}\n${lines.join('\n')}`;
    expect(text).toContain('odd proxy saw Basic [redacted]');
    for (const leak of [basic, 'mesos-pass-4e1d', 'server-token-77aa']) expect(text).not.toContain(leak);
  });
});
