import { describe, expect, it } from 'vitest';
import { processSecrets } from '../../src/cli/secrets.js';
import { validateConfig } from '../../src/config/load.js';
import { Scrubber } from '../../src/util/secret.js';

describe('processSecrets', () => {
  it('gathers config secrets, basic-auth pairs, exec settings under secret-like keys and credential-like env vars', () => {
    const config = validateConfig({
      mesos: { masters: ['http://127.0.0.1:5050'], username: 'ops', password: 'mesos-pass-1', token: 'mesos-token-1' },
      azure: { subscriptionId: 's', tenantId: 't', clientId: 'c', clientSecret: 'azure-secret-1' },
      server: { token: 'server-token-1' },
      groups: [{ name: 'vs', selector: { pool: 'vs' }, provider: { kind: 'exec', command: '/bin/true', settings: { vsphere_password: 'vsphere-pass-1', host: 'vc.example' } } }],
    });
    const scrubber = new Scrubber(processSecrets(config, { AWS_SECRET_ACCESS_KEY: 'aws-secret-key-1', HOME: '/root' }));
    const basic = Buffer.from('ops:mesos-pass-1').toString('base64');
    const text = `${basic} mesos-pass-1 token=mesos-token-1 azure-secret-1 server-token-1 vsphere-pass-1 aws-secret-key-1 vc.example /root`;
    expect(scrubber.scrub(text)).toBe('[redacted] [redacted] token=[redacted] [redacted] [redacted] [redacted] [redacted] vc.example /root');
  });
});
