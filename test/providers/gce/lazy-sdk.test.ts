import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { startFakeGce } from '../../support/fake-gce/index.js';

const run = promisify(execFile);

it('loads @google-cloud/compute only when a gce-mig group makes its first call, with ADC from GOOGLE_APPLICATION_CREDENTIALS and the endpoint from GCE_API_ENDPOINT', async () => {
  const fake = await startFakeGce({ migs: [{ zone: 'us-central1-a', name: 'agents', targetSize: 4 }] });
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/providers/gce/child-bindings.ts'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: '/nonexistent',
        GOOGLE_APPLICATION_CREDENTIALS: fake.account.keyFile,
        GCE_API_ENDPOINT: fake.apiEndpoint,
      },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ afterImport: false, afterBindings: false, afterDescribe: true, desired: 4 });
    expect(fake.requests.every((r) => r.claims !== undefined)).toBe(true);
  } finally {
    await fake.close();
  }
}, 60_000);
