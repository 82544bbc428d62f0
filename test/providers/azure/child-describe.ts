/**
 * Run in a child process by child-process.test.ts: builds the provider from the environment only
 * (no in-process CA), as the CLI would, and prints describe's result as JSON.
 */
import { AzureVmssProvider } from '../../../src/providers/azure-vmss/index.js';
import { createLogger } from '../../../src/util/logger.js';
import { Secret } from '../../../src/util/secret.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`missing ${name}`);
  return v;
};

const provider = new AzureVmssProvider(
  {
    subscriptionId: env('TEST_AZURE_SUBSCRIPTION'),
    tenantId: env('TEST_AZURE_TENANT'),
    clientId: env('TEST_AZURE_CLIENT_ID'),
    clientSecret: new Secret(env('TEST_AZURE_CLIENT_SECRET')),
    resourceGroup: 'rg-mesos',
    armEndpoint: env('TEST_AZURE_ARM'),
  },
  createLogger('warn'),
  { pollIntervalMs: 10 },
);
const group = { name: 'private', target: { vmssName: 'agents' } };
await provider.setDesiredSize(group, 4);
process.stdout.write(`${JSON.stringify(await provider.describe(group))}\n`);
