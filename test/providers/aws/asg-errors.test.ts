import { afterEach, describe, expect, it, vi } from 'vitest';
import { AwsAsgProvider } from '../../../src/providers/aws-asg/index.js';
import { ProviderError } from '../../../src/providers/provider.js';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, capturedLogger, group, startHarness, stubAwsEnv, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
  vi.unstubAllEnvs();
});

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

describe('AwsAsgProvider throttling and failures (real SDK retries)', () => {
  it('retries Auto Scaling Throttling and succeeds', async () => {
    h = await startHarness();
    h.fake.fail(2, { code: 'Throttling', status: 400, message: 'Rate exceeded', action: 'SetDesiredCapacity' });
    await h.provider.setDesiredSize(group(), 4);
    expect(h.fake.callsOf('SetDesiredCapacity').map((c) => `${c.status}${c.fault ? ' fault' : ''}`)).toEqual(['400 fault', '400 fault', '200']);
    expect(h.fake.state.group('mesos-agents').desired).toBe(4);
  });

  it('retries EC2 RequestLimitExceeded and ServiceUnavailable, then describes', async () => {
    h = await startHarness();
    h.fake.fail(1, { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.', action: 'DescribeInstances' });
    h.fake.fail(1, { code: 'ServiceUnavailable', status: 503, message: 'Service is unavailable.', action: 'DescribeAutoScalingGroups' });
    const state = await h.provider.describe(group());
    expect(state.instances.every((i) => i.privateIp !== undefined)).toBe(true);
    expect(h.fake.calls.filter((c) => c.fault).map((c) => c.action).sort()).toEqual(['DescribeAutoScalingGroups', 'DescribeInstances']);
  });

  it('gives up on persistent throttling after the bounded attempts, as a retryable throttled error', async () => {
    h = await startHarness({}, { maxAttempts: 3 });
    h.fake.fail(100, { code: 'Throttling', status: 400, message: 'Rate exceeded' });
    const e = await failure(h.provider.describe(group()));
    expect(e).toMatchObject({ kind: 'throttled', retryable: true });
    expect(e.message).toBe('describe mesos-agents: Throttling (HTTP 400, 3 attempts): Rate exceeded');
    expect(h.fake.calls).toHaveLength(3);
  });

  it.each([
    ['ScalingActivityInProgress', 400, 'Scaling activity 9f0c is in progress and blocks this action.', 'busy', true],
    ['ResourceContention', 500, 'You already have a pending update to an Auto Scaling resource.', 'busy', true],
    ['LimitExceeded', 400, 'You have reached the limit for the number of Auto Scaling groups.', 'quota', false],
    ['InternalFailure', 500, 'An internal error occurred.', 'unavailable', true],
    ['AccessDenied', 403, 'User: arn:aws:iam::123456789012:user/x is not authorized to perform: autoscaling:SetDesiredCapacity', 'auth', false],
    ['SomethingNew', 400, 'A code this provider has not seen.', 'invalid', false],
  ] as const)('classifies %s (HTTP %i) as %s', async (code, status, message, kind, retryable) => {
    h = await startHarness({}, { maxAttempts: 2 });
    h.fake.fail(10, { code, status, message, action: 'SetDesiredCapacity' });
    const e = await failure(h.provider.setDesiredSize(group(), 4));
    expect(e).toMatchObject({ kind, retryable });
    expect(e.message).toContain(`${code} (HTTP ${status}`);
    expect(e.message).toContain(message);
  });

  it('reports an access key AWS does not know as auth, not retried', async () => {
    h = await startHarness({ accessKeyId: 'AKIASOMEONEELSE00000' });
    const e = await failure(h.provider.describe(group()));
    expect(e).toMatchObject({ kind: 'auth', retryable: false });
    expect(e.message).toBe('describe mesos-agents: InvalidClientTokenId (HTTP 403): The security token included in the request is invalid.');
    expect(h.fake.calls).toHaveLength(1);
  });

  it('reports a wrong secret key (SignatureDoesNotMatch) as auth, naming no secret', async () => {
    h = await startHarness();
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wrongSecretKeyValue0000000000000000000000');
    const e = await failure(h.provider.describe(group()));
    expect(e).toMatchObject({ kind: 'auth', retryable: false });
    expect(e.message).toMatch(/^describe mesos-agents: SignatureDoesNotMatch \(HTTP 403\): The request signature we calculated does not match/);
    expect(e.message).not.toContain('wrongSecretKeyValue');
    expect(h.fake.calls).toHaveLength(1);
  });

  it('reports missing credentials as auth, naming no secret', async () => {
    h = await startHarness();
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    const e = await failure(h.provider.describe(group()));
    expect(e).toMatchObject({ kind: 'auth', retryable: false });
    expect(h.fake.calls).toHaveLength(0);
  });

  it('reports an endpoint that does not answer as unavailable and retryable', async () => {
    const { logger } = capturedLogger();
    stubAwsEnv('http://127.0.0.1:9');
    const provider = new AwsAsgProvider({ region: 'us-east-1' }, logger, { maxAttempts: 2 });
    const e = await failure(provider.describe(group()));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(e.message).toMatch(/^describe mesos-agents: no answer from AWS: ECONNREFUSED/);
  });

  it('stops a call, SDK retries included, when the caller\'s deadline signal aborts', async () => {
    h = await startHarness({}, { maxAttempts: 5 });
    h.fake.stall(10);
    const started = Date.now();
    const e = await failure(h.provider.describe(group(), { signal: AbortSignal.timeout(300) }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(e.message).toMatch(/^describe mesos-agents: no answer from AWS: AbortError/);
    expect(h.fake.calls).toHaveLength(1); // aborted, not retried
  });

  it('never puts the secret access key or a request signature in errors or log lines', async () => {
    h = await startHarness({ leakyErrors: true }, { maxAttempts: 1 });
    await h.provider.describe(group());
    h.fake.fail(1, { code: 'ValidationError', status: 400, message: `bad value; secret_access_key=${SECRET_ACCESS_KEY}` });
    const e1 = await failure(h.provider.setDesiredSize(group(), 5));
    h.fake.fail(1, { code: 'ServiceUnavailable', status: 503 });
    const e2 = await failure(h.provider.deleteInstances(group(), [h.fake.state.group('mesos-agents').instances[0]?.id ?? '']));
    h.fake.fail(1, { code: 'Throttling', status: 400 });
    const e3 = await failure(h.provider.describe(group()));
    const texts = [e1, e2, e3].map((e) => `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`);
    const everything = [...texts, ...h.lines].join('\n');
    // The careless fake did echo the Authorization header...
    expect(e1.message).toContain(`Credential=${ACCESS_KEY_ID}/`);
    expect(e1.message).toContain('Signature=[redacted]');
    // ...and neither the secret nor a signature got through.
    expect(everything).not.toContain(SECRET_ACCESS_KEY);
    expect(everything).not.toMatch(/Signature=[0-9a-f]{16,}/);
    const failures = h.lines.map((l) => JSON.parse(l) as { msg: string; kind?: string }).filter((l) => l.msg === 'aws call failed');
    expect(failures.map((f) => f.kind)).toEqual(['invalid', 'unavailable', 'throttled']);
  });
});
