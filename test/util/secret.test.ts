import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicCredential, encodingsOf, Scrubber, scrub, Secret, secretsIn } from '../../src/util/secret.js';

const PASSWORD = new Secret('pa:ss/w+rd?&=1');
const basic = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64');

describe('scrub', () => {
  it('removes a secret raw, inside token=, percent-encoded, form-encoded and JSON-escaped', () => {
    const token = new Secret('tok"en\\value');
    const text = [
      `raw ${PASSWORD.reveal()}`,
      `header token=${token.reveal()}`,
      `query ?p=${encodeURIComponent(PASSWORD.reveal())}`,
      `form ${new URLSearchParams({ p: PASSWORD.reveal() }).toString()}`,
      `json ${JSON.stringify({ t: token.reveal() })}`,
    ].join('\n');
    const out = scrub(text, [PASSWORD, token]);
    expect(out).not.toContain('pa:ss');
    expect(out).not.toContain('w%2Brd');
    expect(out).not.toContain('tok"en');
    expect(out).not.toContain('tok\\"en');
    expect(out).toContain('token=[redacted]');
  });

  it('removes the base64 of user:password that a Basic header carries', () => {
    const pair = basicCredential('ops', PASSWORD);
    const echoed = `401 Unauthorized: you sent Authorization: Basic ${basic('ops', PASSWORD.reveal())}`;
    expect(scrub(echoed, [pair])).toBe('401 Unauthorized: you sent Authorization: Basic [redacted]');
  });

  it('removes a secret base64-encoded inside a longer base64 text at any alignment', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 5 }), fc.string({ minLength: 8, maxLength: 30 }), fc.string({ maxLength: 5 }), (before, value, after) => {
        const encoded = Buffer.from(`${before}${value}${after}`).toString('base64');
        const out = scrub(encoded, [new Secret(value)]);
        // At most one 4-character group on each side survives; the value's own groups are gone.
        const core = Buffer.from(`${before}${value}${after}`).toString('base64').length;
        expect(out.includes('[redacted]') || core < 16).toBe(true);
        expect(Buffer.from(out.replace('[redacted]', ''), 'base64').toString('utf8')).not.toContain(value);
      }),
    );
  });

  it('leaves values shorter than four characters alone, so ordinary words survive', () => {
    expect(encodingsOf('abc')).toEqual([]);
    expect(scrub('abc abc', [new Secret('abc')])).toBe('abc abc');
  });
});

describe('secretsIn and Scrubber', () => {
  it('collects every Secret of a config and the user:password pair of each basic-auth section', () => {
    const config = {
      mesos: { username: 'ops', password: PASSWORD, token: new Secret('mesos-token-1') },
      azure: { clientSecret: new Secret('azure-secret-1') },
      server: { token: new Secret('server-token-1') },
    };
    const scrubber = new Scrubber(secretsIn(config));
    const text = `Basic ${basic('ops', PASSWORD.reveal())} token=mesos-token-1 azure-secret-1 Bearer server-token-1`;
    expect(scrubber.scrub(text)).toBe('Basic [redacted] token=[redacted] [redacted] Bearer [redacted]');
  });

  it('also takes plain strings under keys the caller names as secret (an exec group settings)', () => {
    const found = secretsIn({ settings: { vsphere_password: 'vs-pass-1234', host: 'vc.local' } }, (k) => k.endsWith('password'));
    expect(found.map((s) => s.reveal())).toEqual(['vs-pass-1234']);
  });

  it('scrubs secrets added after it was made (e.g. credential-like environment variables)', () => {
    const scrubber = new Scrubber();
    scrubber.add([new Secret('late-secret-value')]);
    expect(scrubber.scrub('x late-secret-value y')).toBe('x [redacted] y');
  });
});
