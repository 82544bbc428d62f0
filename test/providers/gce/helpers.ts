import { GceMigProvider, type GceMigProviderOptions } from '../../../src/providers/gce-mig/index.js';
import type { NodeGroupRef } from '../../../src/providers/provider.js';
import { startFakeGce, DEFAULT_PROJECT, type FakeGce, type StartFakeGceOptions } from '../../support/fake-gce/index.js';
import { capturedLogger } from '../azure/helpers.js';

export function zonal(name = 'agents', zone = 'us-central1-a'): NodeGroupRef {
  return { name: 'private', target: { project: DEFAULT_PROJECT, zone, name } };
}

export function regional(name = 'agents', region = 'us-central1'): NodeGroupRef {
  return { name: 'private', target: { project: DEFAULT_PROJECT, region, name } };
}

export interface GceHarness {
  readonly fake: FakeGce;
  readonly provider: GceMigProvider;
  readonly lines: string[];
}

/** The fake Compute API and a provider on the real client pointed at it with the fake's throwaway key. */
export async function startGceHarness(fakeOptions: StartFakeGceOptions = {}, providerOptions: GceMigProviderOptions = {}): Promise<GceHarness> {
  const fake = await startFakeGce({ migs: [{ zone: 'us-central1-a', name: 'agents', instances: ['10.1.0.4', '10.1.0.5', '10.1.0.6'] }], ...fakeOptions });
  const { logger, lines } = capturedLogger();
  const provider = new GceMigProvider({ apiEndpoint: fake.apiEndpoint }, logger, {
    keyFilename: fake.account.keyFile,
    pollIntervalMs: 10,
    retry: { retries: 3, minDelayMs: 10, maxDelayMs: 50 },
    ...providerOptions,
  }, {});
  return { fake, provider, lines };
}
