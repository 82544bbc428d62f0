import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { startFakeAzure } from '../../support/fake-azure/index.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT } from './helpers.js';

const run = promisify(execFile);

it('a child process trusts the fake through NODE_EXTRA_CA_CERTS and finds it through AZURE_AUTHORITY_HOST', async () => {
  const fake = await startFakeAzure({
    vmss: [{ resourceGroup: 'rg-mesos', name: 'agents', capacity: 2 }],
    servicePrincipal: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/providers/azure/child-describe.ts'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        NODE_EXTRA_CA_CERTS: fake.caFile,
        AZURE_AUTHORITY_HOST: fake.authorityHost,
        TEST_AZURE_SUBSCRIPTION: fake.subscriptionId,
        TEST_AZURE_TENANT: TENANT,
        TEST_AZURE_CLIENT_ID: CLIENT_ID,
        TEST_AZURE_CLIENT_SECRET: CLIENT_SECRET,
        TEST_AZURE_ARM: fake.armEndpoint,
      },
      timeout: 60_000,
    });
    const state = JSON.parse(stdout.trim()) as { desired: number; instances: unknown[] };
    expect(state.desired).toBe(4);
    expect(state.instances).toHaveLength(4);
    expect(fake.armCalls('PATCH').map((r) => r.body)).toEqual([{ sku: { capacity: 4 } }]);
    expect(fake.tokenRequests.every((t) => t.granted)).toBe(true);
  } finally {
    await fake.close();
  }
});
