import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/util/logger.js';
import { Secret } from '../../../src/util/secret.js';
import { AzureVmssProvider, type AzureVmssProviderOptions } from '../../../src/providers/azure-vmss/index.js';
import type { AzureSettings } from '../../../src/providers/azure-vmss/credential.js';
import type { NodeGroupRef } from '../../../src/providers/provider.js';
import { startFakeAzure, type FakeAzure, type StartFakeAzureOptions } from '../../support/fake-azure/index.js';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = '99999999-8888-7777-6666-555555555555';
export const CLIENT_SECRET = 'Sup3r~Secret.Value_that-must-never-leak';

/** A pino logger whose JSON lines are kept in memory. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      cb();
    },
  });
  return { logger: createLogger('trace', sink), lines };
}

export function group(vmssName = 'agents', resourceGroup = 'rg-mesos'): NodeGroupRef {
  return { name: 'private', target: { resourceGroup, vmssName } };
}

export interface Harness {
  readonly fake: FakeAzure;
  readonly provider: AzureVmssProvider;
  readonly lines: string[];
  readonly settings: AzureSettings;
}

export async function startHarness(
  fakeOptions: StartFakeAzureOptions = {},
  providerOptions: AzureVmssProviderOptions = {},
  secret = CLIENT_SECRET,
): Promise<Harness> {
  const fake = await startFakeAzure({
    vmss: [{ resourceGroup: 'rg-mesos', name: 'agents', capacity: 3 }],
    servicePrincipal: { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    lroPolls: 1,
    ...fakeOptions,
  });
  const settings: AzureSettings = {
    subscriptionId: fake.subscriptionId,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: new Secret(secret),
    resourceGroup: 'rg-mesos',
    armEndpoint: fake.armEndpoint,
  };
  const { logger, lines } = capturedLogger();
  const provider = new AzureVmssProvider(settings, logger, {
    authorityHost: fake.authorityHost,
    tlsCa: fake.caPem,
    pollIntervalMs: 10,
    retry: { maxRetries: 3, retryDelayMs: 10, maxRetryDelayMs: 50 },
    ...providerOptions,
  });
  return { fake, provider, lines, settings };
}
