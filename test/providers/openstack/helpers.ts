import { OpenStackHeatProvider, openStackAuthFromEnv, type OpenStackHeatProviderOptions } from '../../../src/providers/openstack-heat/index.js';
import type { NodeGroupRef } from '../../../src/providers/provider.js';
import { startFakeOpenStack, type FakeOpenStack, type StartFakeOpenStackOptions } from '../../support/fake-openstack/index.js';
import { capturedLogger } from '../azure/helpers.js';

export const PASSWORD = 'S3cret-OpenStack-Pa55word!';
export const AC_SECRET = 'app-cred-secret-value-9c1f';

export function heatGroup(stack = 'mesos', resource = 'agents'): NodeGroupRef {
  return { name: 'private', target: { stack, resource, countParameter: 'agent_count', removalPolicyParameter: 'removal_policies' } };
}

/** The OS_* variables of an openrc file for the fake's user. */
export function openrc(fake: FakeOpenStack, password = PASSWORD): NodeJS.ProcessEnv {
  return {
    OS_AUTH_URL: fake.authUrl,
    OS_USERNAME: 'autoscaler',
    OS_PASSWORD: password,
    OS_PROJECT_NAME: 'mesos',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: fake.region,
    OS_INTERFACE: 'public',
  };
}

export interface OsHarness {
  readonly fake: FakeOpenStack;
  readonly provider: OpenStackHeatProvider;
  readonly lines: string[];
}

export async function startOsHarness(
  fakeOptions: StartFakeOpenStackOptions = {},
  providerOptions: OpenStackHeatProviderOptions = {},
  env?: (fake: FakeOpenStack) => NodeJS.ProcessEnv,
): Promise<OsHarness> {
  const fake = await startFakeOpenStack({
    stacks: [{ ips: ['10.1.0.4', '10.1.0.5', '10.1.0.6'] }],
    users: { user: { name: 'autoscaler', password: PASSWORD, project: 'mesos' }, applicationCredential: { id: 'ac-1', secret: AC_SECRET } },
    ...fakeOptions,
  });
  const { logger, lines } = capturedLogger();
  const r = openStackAuthFromEnv(env ? env(fake) : openrc(fake));
  if (!r.ok) throw new Error(r.message);
  const provider = new OpenStackHeatProvider(logger, { auth: r.auth, pollIntervalMs: 10, retry: { retries: 3, minDelayMs: 5, maxDelayMs: 20 }, ...providerOptions });
  return { fake, provider, lines };
}
