import { Writable } from 'node:stream';
import { vi } from 'vitest';
import { AwsAsgProvider, type AwsAsgProviderOptions, type AwsSettings } from '../../../src/providers/aws-asg/index.js';
import type { NodeGroupRef } from '../../../src/providers/provider.js';
import { createLogger, type Logger } from '../../../src/util/logger.js';
import { startFakeAws, type FakeAws, type StartFakeAwsOptions } from '../../support/fake-aws/index.js';

export const ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKE0001';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEFAKEKEY';

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

export function group(asgName = 'mesos-agents', region?: string): NodeGroupRef {
  return { name: 'private', target: { asgName, ...(region ? { region } : {}) } };
}

/**
 * The SDK's own configuration, through the environment only: static keys for its default
 * credential chain, the endpoint variable, and no shared files or instance metadata to fall back on.
 */
export function stubAwsEnv(endpoint: string, extra: Record<string, string> = {}): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET_ACCESS_KEY);
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', undefined);
  vi.stubEnv('AWS_DEFAULT_REGION', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  for (const [k, v] of Object.entries(extra)) vi.stubEnv(k, v);
}

export interface Harness {
  readonly fake: FakeAws;
  readonly provider: AwsAsgProvider;
  readonly lines: string[];
}

export async function startHarness(
  fakeOptions: StartFakeAwsOptions = {},
  providerOptions: AwsAsgProviderOptions = {},
  settings: AwsSettings | undefined = { region: 'us-east-1' },
): Promise<Harness> {
  const fake = await startFakeAws({ secretAccessKey: SECRET_ACCESS_KEY, ...fakeOptions });
  stubAwsEnv(fake.endpoint);
  const { logger, lines } = capturedLogger();
  const provider = new AwsAsgProvider(settings, logger, { maxAttempts: 3, ...providerOptions });
  return { fake, provider, lines };
}
