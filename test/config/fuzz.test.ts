import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, mergeConfig, readConfigFile, validateConfig } from '../../src/config/load.js';
import { displayUrl, parseListen, splitCredentials } from '../../src/util/url.js';

const BASE = { mesos: { masters: ['http://m1:5050'] }, groups: [{ name: 'web', selector: { pool: 'web' }, provider: { kind: 'simulated' } }] };

/** Runs `f`; anything thrown other than a ConfigError fails the property. */
function onlyConfigErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) expect(p).toMatch(/: \S/);
  }
}

/** Sets `value` at `path` inside a copy of `root`, creating objects on the way. */
function setAt(root: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const obj = typeof root === 'object' && root !== null ? { ...(root as Record<string, unknown>) } : {};
  obj[head] = setAt(obj[head], rest, value);
  return obj;
}

const KEYS = ['timer', 'mesos', 'masters', 'groups', '0', 'provider', 'kind', 'selector', 'min', 'max', 'scaleDown', 'drainTimeout', 'server', 'port', 'host', 'zk', 'marathon', 'url', 'azure', 'clientSecret', 'template', 'cpus', 'prometheus', 'timeoutMs', 'maxTotalNodes'];

describe('the config loader under arbitrary input', () => {
  it('validates or names what is wrong, never throws anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        onlyConfigErrors(() => validateConfig(setAt(BASE, path, value)));
      }),
      { numRuns: 500 },
    );
  });

  it('merges any flag values and validates or names the problem', () => {
    const text = fc.string({ maxLength: 30 });
    fc.assert(
      fc.property(text, text, text, fc.option(fc.double(), { nil: undefined }), (listen, master, zk, timer) => {
        onlyConfigErrors(() => validateConfig(mergeConfig(BASE, { listen, masters: [master], zk, ...(timer === undefined ? {} : { timer }) })));
      }),
      { numRuns: 300 },
    );
  });

  it('reads any file text as YAML or names the file and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const p = join(dir, 'c.yaml');
        writeFileSync(p, text);
        try {
          await readConfigFile(p);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          expect((e as ConfigError).problems.every((x) => x.startsWith(`config file ${p}`))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('URL helpers take any text without throwing and never keep a password', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true }), fc.string().map((s) => `http://user:pw-${s}@${s}`)), (s) => {
        const shown = displayUrl(s);
        const split = splitCredentials(s);
        parseListen(s);
        if (split.password) expect(shown).not.toContain(`:${split.password}@`);
        expect(split.url).not.toMatch(/^https?:\/\/[^/?#]*:[^/?#]*@/);
      }),
      { numRuns: 500 },
    );
  });
});
