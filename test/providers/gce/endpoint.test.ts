import { describe, expect, it } from 'vitest';
import { endpointParts, instanceState, parseInstanceUrl } from '../../../src/providers/gce-mig/index.js';

describe('gce-mig helpers', () => {
  it('splits an endpoint into the host, port and protocol the client takes separately', () => {
    expect(endpointParts('http://127.0.0.1:8089')).toEqual({ apiEndpoint: '127.0.0.1', port: 8089, protocol: 'http' });
    expect(endpointParts('https://compute.example.internal')).toEqual({ apiEndpoint: 'compute.example.internal', port: 443, protocol: 'https' });
    expect(endpointParts('private.googleapis.com:8443')).toEqual({ apiEndpoint: 'private.googleapis.com', port: 8443, protocol: 'https' });
  });

  it('reads zone and name from an instance URL, and nothing from anything else', () => {
    expect(parseInstanceUrl('https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/instances/agent-7')).toEqual({ zone: 'europe-west1-b', name: 'agent-7' });
    expect(parseInstanceUrl('agent-7')).toBeUndefined();
  });

  it('lets what the group does to an instance win over the VM status', () => {
    expect(instanceState('DELETING', 'RUNNING')).toBe('deleting');
    expect(instanceState('CREATING', undefined)).toBe('creating');
    expect(instanceState('NONE', 'RUNNING')).toBe('running');
    expect(instanceState('NONE', 'TERMINATED')).toBe('failed');
    expect(instanceState(undefined, 'STAGING')).toBe('creating');
  });
});
