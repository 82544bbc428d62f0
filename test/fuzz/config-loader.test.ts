import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, mergeConfig, readConfigFile, validateConfig, type Overrides } from '../../src/config/load.js';
import { jsonLike, RUNS, textLike } from './arbitraries.js';

/**
 * The config loader, fed damaged configs, random flags and broken YAML: a valid config, or a
 * ConfigError whose every problem names where it is (a settings path, or the file) - never another throw.
 */
const VALID = {
  timer: 60,
  mesos: { masters: ['http://m1:5050', 'https://m2:5050'], username: 'ops', password: 'pw', api: 'auto', timeoutMs: 5000 },
  marathon: { url: 'http://marathon.mesos:8080', token: 't' },
  server: { host: '127.0.0.1', port: 8080, token: 's' },
  sanity: { maxAgentDrop: 0.3, confirmCycles: 3 },
  groups: [
    {
      name: 'pool',
      selector: { workload: 'stateless' },
      min: 1,
      max: 10,
      scaleUpCap: 80,
      scaleDownCap: 20,
      template: { cpus: 4, mem: 8192 },
      policies: ['threshold', 'pending'],
      provider: { kind: 'simulated' },
      scaleDown: { unneededTime: 600, maxParallel: 1, drainTimeout: 600 },
    },
  ],
};

/**
 * A problem line says where, then what: a settings path (`groups.0.min: ...`, whose keys may be any
 * text a file holds), `(root)`, a flag (`--listen (AS_LISTEN): ...`) or the config file.
 */
const NAMED = /^[^\n]*?: \S/;

function expectNamedError(e: unknown): void {
  expect(e).toBeInstanceOf(ConfigError);
  const problems = (e as ConfigError).problems;
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) expect(p, p).toMatch(NAMED);
}

function loads(input: unknown): void {
  try {
    validateConfig(input);
  } catch (e) {
    expectNamedError(e);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config loader under fuzzing', () => {
  it('accepts the valid config the damage starts from', () => {
    expect(() => validateConfig(VALID)).not.toThrow();
  });

  it('a damaged config is valid or a ConfigError naming each problem by path', () => {
    fc.assert(fc.property(jsonLike(VALID), loads), { ...RUNS, numRuns: 500 });
  });

  it('original flags and environment over a damaged file are valid or a ConfigError naming each problem', () => {
    const flags: fc.Arbitrary<Overrides> = fc.record(
      {
        timer: fc.oneof(fc.integer(), fc.double()),
        scaleMin: fc.integer({ min: -5, max: 50 }),
        scaleMax: fc.integer({ min: -5, max: 50 }),
        scaleUpCap: fc.double(),
        endpointPath: fc.oneof(fc.constantFrom('/slaves', 'slaves', '/master/slaves', ''), fc.string({ maxLength: 10 })),
        masters: fc.array(fc.oneof(fc.constantFrom('http://m1:5050', 'm1:5050', 'ftp://x', 'http://[::1', 'http://u:p@m:5050', ''), fc.webUrl(), fc.string({ maxLength: 12 })), { maxLength: 3 }),
        attributeKey: fc.string({ maxLength: 8 }),
        attributeValue: fc.string({ maxLength: 8 }),
        providerName: fc.constantFrom('Azure', 'aws', 'GCE', 'OpenStack', 'exec', 'nope', ''),
        marathonUrl: fc.oneof(fc.webUrl(), fc.string({ maxLength: 12 })),
        mesosApi: fc.constantFrom('auto', 'v1', 'v0'),
        verbosity: fc.integer({ min: -2, max: 9 }),
        listen: fc.oneof(fc.constantFrom('[::1]:8080', ':8080', '0.0.0.0:99999', 'localhost'), fc.string({ maxLength: 12 })),
        zk: fc.oneof(fc.constantFrom('zk://a:2181/x', 'localhost', ''), fc.string({ maxLength: 12 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(jsonLike(VALID), flags, (file, o) => {
        let merged: unknown;
        try {
          merged = mergeConfig(file, o);
        } catch (e) {
          expectNamedError(e);
          return;
        }
        loads(merged);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('a broken YAML file is read as a mapping or refused with a ConfigError naming the file', async () => {
    const yaml = stringify(VALID);
    const path = join(dir, 'config.yaml');
    await fc.assert(
      fc.asyncProperty(fc.oneof(textLike(yaml), fc.constantFrom('*x', '- a\n- b', 'just words', '&a [*a]', 'a: &a\n  b: *a\n', '{', '"unterminated')), async (text) => {
        writeFileSync(path, text);
        let v: unknown;
        try {
          v = await readConfigFile(path);
        } catch (e) {
          expectNamedError(e);
          return;
        }
        expect(typeof v).toBe('object');
        loads(v);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });
});
