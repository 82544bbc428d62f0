import type { Instance as AsgInstance } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { ec2DetailsById, lifecycleState, toInstance } from '../../../src/providers/aws-asg/index.js';
import { isSecretName, redactCredentials, secretsFromEnv } from '../../../src/providers/redact.js';
import { Secret } from '../../../src/util/secret.js';

describe('lifecycleState', () => {
  it.each([
    ['Pending', 'Healthy', 'creating'],
    ['Pending:Wait', 'Healthy', 'creating'],
    ['Pending:Proceed', 'Healthy', 'creating'],
    ['InService', 'Healthy', 'running'],
    ['InService', 'Unhealthy', 'failed'],
    ['Terminating', 'Healthy', 'deleting'],
    ['Terminating:Wait', 'Healthy', 'deleting'],
    ['Terminated', 'Healthy', 'deleting'],
    ['Detaching', 'Healthy', 'deleting'],
    ['Standby', 'Healthy', 'unknown'],
    ['EnteringStandby', 'Healthy', 'unknown'],
    ['Warmed:Running', 'Healthy', 'unknown'],
    [undefined, undefined, 'unknown'],
  ] as const)('%s (%s) -> %s', (lifecycle, health, ours) => {
    expect(lifecycleState(lifecycle, health)).toBe(ours);
  });
});

describe('toInstance', () => {
  const member = (id: string): AsgInstance => ({ InstanceId: id, AvailabilityZone: 'us-east-1a', LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: false });
  const details = ec2DetailsById([
    { InstanceId: 'i-1', PrivateIpAddress: '10.0.0.1', PrivateDnsName: 'ip-10-0-0-1.ec2.internal', LaunchTime: new Date(Date.UTC(2026, 1, 2)), State: { Name: 'running' } },
    { InstanceId: 'i-2', PrivateIpAddress: '10.0.0.2', PrivateDnsName: '', State: { Name: 'shutting-down' } },
  ]);

  it('joins the ASG member with its EC2 addresses and launch time', () => {
    expect(toInstance(member('i-1'), details)).toEqual({
      id: 'i-1',
      state: 'running',
      hostname: 'ip-10-0-0-1.ec2.internal',
      privateIp: '10.0.0.1',
      createdAt: Date.UTC(2026, 1, 2),
    });
  });

  it('lets EC2 say an instance is going away, and leaves out an empty DNS name', () => {
    expect(toInstance(member('i-2'), details)).toEqual({ id: 'i-2', state: 'deleting', privateIp: '10.0.0.2' });
  });
});

describe('redactCredentials', () => {
  it('removes given secrets, SigV4 signatures and values under credential-like names', () => {
    const out = redactCredentials(
      'denied: Authorization: AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0123abcdef0123abcdef; ' +
        'aws_secret_access_key=wJalr/K7MDENG X-Amz-Security-Token: FQoGZXIvYXdzE1; VSPHERE_PASSWORD=hunter22 the-given-secret',
      [new Secret('the-given-secret')],
    );
    expect(out).toContain('Credential=AKIAX/'); // an access key id is not a secret, and helps find the principal
    for (const leaked of ['0123abcdef0123abcdef', 'wJalr/K7MDENG', 'FQoGZXIvYXdzE1', 'hunter22', 'the-given-secret']) expect(out).not.toContain(leaked);
  });

  it('bounds the length', () => {
    expect(redactCredentials('x'.repeat(5000), []).length).toBeLessThanOrEqual(601);
  });
});

describe('credential-like names', () => {
  it('takes secrets, passwords, tokens and keys, not their ids, files or URLs', () => {
    expect(['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'OS_PASSWORD', 'VSPHERE_PASSWORD', 'password', 'apiKey', 'OS_APPLICATION_CREDENTIAL_SECRET'].every(isSecretName)).toBe(true);
    expect(['AWS_ACCESS_KEY_ID', 'GOOGLE_APPLICATION_CREDENTIALS_FILE', 'OS_AUTH_URL', 'OS_APPLICATION_CREDENTIAL_ID', 'datacenter', 'AWS_REGION'].some(isSecretName)).toBe(false);
  });

  it('collects the values of such environment variables', () => {
    expect(secretsFromEnv({ AWS_SECRET_ACCESS_KEY: 'abcdefgh12345', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', SHORT_TOKEN: 'x' }).map((s) => s.reveal())).toEqual(['abcdefgh12345']);
  });
});
