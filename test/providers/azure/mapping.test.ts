import { describe, expect, it } from 'vitest';
import { instanceState, privateIpsFromNics, sanitize, toProviderError } from '../../../src/providers/azure-vmss/index.js';
import { Secret } from '../../../src/util/secret.js';

describe('instanceState', () => {
  it.each([
    ['Creating', 'creating'],
    ['Succeeded', 'running'],
    ['Updating', 'running'],
    ['Deleting', 'deleting'],
    ['Failed', 'failed'],
    ['succeeded', 'running'],
    ['Migrating', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('%s -> %s', (azure, ours) => {
    expect(instanceState(azure)).toBe(ours);
  });
});

describe('privateIpsFromNics', () => {
  const vm = (id: string): string =>
    `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/v/virtualMachines/${id}`;
  it('takes the primary IP configuration of the primary NIC, keyed by instance id', () => {
    const ips = privateIpsFromNics([
      {
        properties: {
          primary: false,
          ipConfigurations: [{ properties: { privateIPAddress: '10.9.9.9' } }],
          virtualMachine: { id: vm('4') },
        },
      },
      {
        properties: {
          primary: true,
          ipConfigurations: [
            { properties: { primary: false, privateIPAddress: '10.0.0.99' } },
            { properties: { primary: true, privateIPAddress: '10.0.0.5' } },
          ],
          virtualMachine: { id: vm('4') },
        },
      },
      { properties: { ipConfigurations: [], virtualMachine: { id: vm('5') } } },
      { properties: { ipConfigurations: [{ properties: { privateIPAddress: '10.0.0.6' } }] } },
    ]);
    expect([...ips]).toEqual([['4', '10.0.0.5']]);
  });
});

describe('error messages', () => {
  const secret = new Secret('s3cr3t-Value~xyz');
  it('removes the secret, bearer tokens, JWTs and token fields', () => {
    const text =
      'bad s3cr3t-Value~xyz; Authorization: Bearer abc.def-ghi; jwt eyJhbGciOi.eyJzdWIiOiIx.sig_nat-ure; ' +
      '{"access_token":"tok123","x":1} client_secret=s3cr3t';
    const out = sanitize(text, [secret]);
    expect(out).not.toContain('s3cr3t-Value~xyz');
    expect(out).not.toContain('abc.def-ghi');
    expect(out).not.toContain('eyJzdWIiOiIx');
    expect(out).not.toContain('tok123');
    expect(out).not.toMatch(/client_secret=s3cr3t/);
    expect(out).toContain('Bearer [redacted]');
  });

  it('maps REST status codes to kinds', () => {
    const rest = (statusCode: number | undefined): Error =>
      Object.assign(new Error(`status ${statusCode}`), { name: 'RestError', statusCode, code: 'Code' });
    const kinds = [429, 401, 403, 404, 409, 400, 500, 503, undefined].map((s) => {
      const e = toProviderError('op', rest(s), []);
      return [s, e.kind, e.retryable];
    });
    expect(kinds).toEqual([
      [429, 'throttled', true],
      [401, 'auth', false],
      [403, 'auth', false],
      [404, 'not-found', false],
      [409, 'unavailable', true],
      [400, 'invalid', false],
      [500, 'unavailable', true],
      [503, 'unavailable', true],
      [undefined, 'unavailable', true],
    ]);
  });

  it('scrubs the secret from unexpected errors too', () => {
    const e = toProviderError('op', new Error('boom s3cr3t-Value~xyz'), [secret]);
    expect(e.kind).toBe('unknown');
    expect(e.message).toBe('op: boom [redacted]');
  });
});
