import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { startFakeAws } from '../../support/fake-aws/index.js';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './helpers.js';

const run = promisify(execFile);

it('loads the AWS SDK only when an aws-asg group makes its first call, and finds the endpoint through AWS_ENDPOINT_URL', async () => {
  const fake = await startFakeAws({ groups: [{ name: 'mesos-agents', desired: 4 }], secretAccessKey: SECRET_ACCESS_KEY });
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/providers/aws/child-bindings.ts'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: '/nonexistent',
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        AWS_ENDPOINT_URL: fake.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ afterImport: false, afterBindings: false, afterDescribe: true, desired: 4 });
  } finally {
    await fake.close();
  }
}, 60_000);
