import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { Scrubber, Secret, secretsIn } from '../../src/util/secret.js';

describe('createLogger with the process scrubber', () => {
  it('writes no configured secret in any encoding, in messages or in fields', () => {
    const config = { mesos: { username: 'ops', password: new Secret('mesos-pass-1') }, azure: { clientSecret: new Secret('azure/secret+9') } };
    let out = '';
    const logger = createLogger('info', { write: (line: string) => void (out += line) }, new Scrubber(secretsIn(config)));
    const basic = Buffer.from('ops:mesos-pass-1').toString('base64');
    logger.warn({ err: `HTTP 500: you sent Basic ${basic}`, body: `client_id=x&client_secret=${encodeURIComponent('azure/secret+9')}` }, 'call failed: mesos-pass-1 / azure/secret+9');
    expect(out).toContain('call failed');
    for (const leak of ['mesos-pass-1', basic, 'azure/secret+9', 'azure%2Fsecret%2B9']) expect(out).not.toContain(leak);
    expect(JSON.parse(out)).toMatchObject({ err: 'HTTP 500: you sent Basic [redacted]' });
  });
});
