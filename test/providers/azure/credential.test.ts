import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { AzureVmssProvider } from '../../../src/providers/azure-vmss/index.js';
import { createCredential, credentialKindFor, singleFlight, type AzureSettings } from '../../../src/providers/azure-vmss/credential.js';
import { Secret } from '../../../src/util/secret.js';
import { startFakeAzure } from '../../support/fake-azure/index.js';
import { capturedLogger, CLIENT_ID, CLIENT_SECRET, TENANT } from './helpers.js';

const base: AzureSettings = { subscriptionId: 'sub', armEndpoint: 'https://management.azure.com' };

describe('credential choice', () => {
  it('uses the service principal when a client secret is configured', () => {
    const s: AzureSettings = { ...base, tenantId: TENANT, clientId: CLIENT_ID, clientSecret: new Secret(CLIENT_SECRET) };
    expect(credentialKindFor(s)).toBe('client-secret');
    expect(createCredential(s, {}, {}).credential).toBeInstanceOf(ClientSecretCredential);
  });

  it('uses the user-assigned managed identity when only a client id is given', () => {
    const s: AzureSettings = { ...base, clientId: CLIENT_ID };
    expect(credentialKindFor(s)).toBe('managed-identity');
    expect(createCredential(s, {}, {}).credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('falls back to the default chain when neither is given', () => {
    expect(credentialKindFor(base)).toBe('default');
    expect(createCredential(base, {}, {}).credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it('refuses a secret without tenant and client ids', () => {
    expect(() => createCredential({ ...base, clientSecret: new Secret(CLIENT_SECRET) }, {}, {})).toThrow(/tenantId and azure.clientId/);
  });

  it('the provider reports which credential it chose, and never logs the secret', () => {
    const { logger, lines } = capturedLogger();
    const mi = new AzureVmssProvider({ ...base, clientId: CLIENT_ID }, logger);
    expect(mi.credentialKind).toBe('managed-identity');
    const sp = new AzureVmssProvider(
      { ...base, tenantId: TENANT, clientId: CLIENT_ID, clientSecret: new Secret(CLIENT_SECRET) },
      logger,
    );
    expect(sp.credentialKind).toBe('client-secret');
    expect(lines.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('takes the authority host from AZURE_AUTHORITY_HOST', async () => {
    const fake = await startFakeAzure({ servicePrincipal: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    try {
      const s: AzureSettings = { ...base, tenantId: TENANT, clientId: CLIENT_ID, clientSecret: new Secret(CLIENT_SECRET) };
      const { credential } = createCredential(s, { tlsCa: fake.caPem }, { AZURE_AUTHORITY_HOST: fake.authorityHost });
      const token = await credential.getToken(`${fake.armEndpoint}/.default`);
      expect(fake.issuedTokens.has(token?.token ?? '')).toBe(true);
      expect(fake.tokenRequests.map((t) => t.tenant)).toEqual([TENANT]);
    } finally {
      await fake.close();
    }
  });
});

describe('singleFlight', () => {
  it('shares one token request among concurrent callers with the same scopes', async () => {
    let calls = 0;
    const inner = {
      getToken: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        return { token: `t${calls}`, expiresOnTimestamp: Date.now() + 60_000 };
      },
    };
    const shared = singleFlight(inner);
    const [a, b] = await Promise.all([shared.getToken('s/.default'), shared.getToken(['s/.default'])]);
    expect(calls).toBe(1);
    expect(a?.token).toBe(b?.token);
    await shared.getToken('s/.default');
    expect(calls).toBe(2); // not a cache: finished requests are not reused
    await Promise.all([shared.getToken('x/.default'), shared.getToken('y/.default')]);
    expect(calls).toBe(4);
  });
});
