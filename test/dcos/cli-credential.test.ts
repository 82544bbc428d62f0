import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const CONFIG = 'mesos: { masters: [http://m1:5050] }\ngroups:\n  - { name: sim, provider: { kind: simulated } }\n';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'sa-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

describe('DCOS_SERVICE_ACCOUNT_CREDENTIAL on the command line', () => {
  it('validate refuses a credential that is not JSON, naming the setting and quoting none of it (exit 2)', async () => {
    const r = await runCli(['validate', '--config', file(CONFIG)], {
      env: { DCOS_SERVICE_ACCOUNT_CREDENTIAL: '{"uid": "sa", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhk' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mesos\.serviceAccount/);
    expect(r.stderr).toMatch(/is not JSON/);
    expect(r.stderr + r.stdout).not.toContain('MIIEvQIBADANBgkqhk');
  });

  it('validate accepts the JSON DC/OS stores for a service account and never prints its key', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const credential = JSON.stringify({ scheme: 'RS256', uid: 'mesos-autoscaler', private_key: pem, login_endpoint: 'https://leader.mesos/acs/api/v1/auth/login' });
    const r = await runCli(['validate', '--config', file(CONFIG)], { env: { DCOS_SERVICE_ACCOUNT_CREDENTIAL: credential } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(pem.split('\n')[1] ?? 'unused');
  });
});
