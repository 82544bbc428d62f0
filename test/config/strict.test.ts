import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Command } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, mergeConfig, validateConfig } from '../../src/config/load.js';
import { LIMITS } from '../../src/config/limits.js';
import { configSchema } from '../../src/config/schema.js';
import { configWarnings } from '../../src/config/warnings.js';
import { addAutoscalerOptions, overridesFrom } from '../../src/cli/options.js';

const GROUP = { name: 'web', selector: { pool: 'web' }, provider: { kind: 'simulated' } };
const BASE = { mesos: { masters: ['http://m1:5050'] }, groups: [GROUP] };

/** Problems validation reports for this input, one "path: message" per line (empty when valid). */
function problems(input: unknown): string {
  try {
    validateConfig(input);
    return '';
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
}

const withGroup = (g: Record<string, unknown>): unknown => ({ ...BASE, groups: [{ ...GROUP, ...g }] });

describe('unknown settings', () => {
  it('are rejected at every level, each named by its path', () => {
    expect(problems({ ...BASE, timr: 30 })).toMatch(/^timr: unknown setting/m);
    expect(problems(withGroup({ scaleDownCapp: 10 }))).toMatch(/^groups\.0\.scaleDownCapp: unknown setting/m);
    expect(problems({ ...BASE, mesos: { masters: ['http://m1:5050'], tokne: 'x' } })).toMatch(/^mesos\.tokne: unknown setting/m);
    expect(problems(withGroup({ tempalte: { cpus: 4, mem: 1024 } }))).toMatch(/^groups\.0\.tempalte: unknown setting/m);
    expect(problems(withGroup({ template: { cpus: 4, mem: 1024, dsik: 1 } }))).toMatch(/^groups\.0\.template\.dsik/m);
    expect(problems(withGroup({ scaleDown: { unneddedTime: 1 } }))).toMatch(/^groups\.0\.scaleDown\.unneddedTime/m);
    expect(problems(withGroup({ provider: { kind: 'azure-vmss', vmssName: 'a', resourceGroup: 'rg', vmssNmae: 'b' } }))).toMatch(/^groups\.0\.provider\.vmssNmae/m);
    expect(problems(withGroup({ policies: ['prometheus'], prometheus: { url: 'http://p:9090', qurey: 'up' } }))).toMatch(/^groups\.0\.prometheus\.qurey/m);
    expect(problems({ ...BASE, marathon: { url: 'http://mt:8080', tokne: 'x' } })).toMatch(/^marathon\.tokne/m);
    expect(problems({ ...BASE, server: { prot: 1 } })).toMatch(/^server\.prot/m);
  });

  it('are answered with the setting they most likely meant', () => {
    expect(problems({ ...BASE, timr: 30 })).toMatch(/^timr: unknown setting \(did you mean timer\?\)/m);
    expect(problems(withGroup({ scaleDownCapp: 10 }))).toMatch(/did you mean scaleDownCap\?/);
    expect(problems(withGroup({ tempalte: { cpus: 4, mem: 1024 } }))).toMatch(/did you mean template\?/);
    expect(problems({ ...BASE, mesos: { masters: ['http://m1:5050'], tokne: 'x' } })).toMatch(/did you mean token\?/);
    expect(problems(withGroup({ provider: { kind: 'azure-vmss', vmssName: 'a', resourceGroup: 'rg', vmssNmae: 'b' } }))).toMatch(/vmssNmae: unknown setting \(did you mean vmssName\?\)/);
    expect(problems({ ...BASE, completelyDifferent: 1 })).toMatch(/completelyDifferent: unknown setting \(misspelt, or not valid here\)/);
  });

  it('have no way in: every object in the schema is strict', () => {
    type Def = Record<string, unknown> & { type?: string; catchall?: { _zod: { def: Def } } };
    const loose: string[] = [];
    let objects = 0;
    const seen = new Set<unknown>();
    const visit = (schema: unknown, path: string): void => {
      if (typeof schema !== 'object' || schema === null || seen.has(schema) || !('_zod' in schema)) return;
      seen.add(schema);
      const def = (schema as { _zod: { def: Def } })._zod.def;
      if (def.type === 'object') {
        objects++;
        if (def.catchall?._zod.def.type !== 'never') loose.push(path || '(root)');
      }
      for (const [k, v] of Object.entries(def)) {
        if (k === 'catchall') continue;
        const children = k === 'shape' && typeof v === 'object' && v !== null ? Object.entries(v) : Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : [[k, v] as const];
        for (const [name, child] of children) visit(child, k === 'shape' ? (path ? `${path}.${name}` : name) : path);
      }
    };
    visit(configSchema, '');
    expect(objects).toBeGreaterThan(10);
    expect(loose).toEqual([]);
  });
});

describe('bounds', () => {
  it('refuse durations and numbers past their maxima, naming the field', () => {
    expect(problems({ ...BASE, timer: 1e12 })).toMatch(/^timer:/m);
    expect(problems({ ...BASE, timer: 30 * 86_400 })).toMatch(/^timer:/m);
    expect(problems({ ...BASE, staleAfter: 1e10 })).toMatch(/^staleAfter:/m);
    expect(problems({ ...BASE, mesos: { masters: ['http://m1:5050'], timeoutMs: 3e9 } })).toMatch(/^mesos\.timeoutMs:/m);
    expect(problems({ ...BASE, mesos: { masters: ['http://m1:5050'], timeoutMs: 5e9 } })).toMatch(/^mesos\.timeoutMs:/m);
    expect(problems(withGroup({ provisionTimeout: 1e9 }))).toMatch(/^groups\.0\.provisionTimeout:/m);
    expect(problems(withGroup({ scaleDown: { drainTimeout: 1e9 } }))).toMatch(/^groups\.0\.scaleDown\.drainTimeout:/m);
    expect(problems(withGroup({ scaleDown: { unneededTime: 1e9 } }))).toMatch(/^groups\.0\.scaleDown\.unneededTime:/m);
    expect(problems(withGroup({ max: 1e12 }))).toMatch(/^groups\.0\.max:/m);
    expect(problems(withGroup({ price: Number.MAX_VALUE }))).toMatch(/^groups\.0\.price:/m);
    expect(problems({ ...BASE, maxTotalNodes: 1e15 })).toMatch(/^maxTotalNodes:/m);
  });

  it('exist for every number in the schema, and every duration fits a Node timer', () => {
    type Def = Record<string, unknown> & { type?: string };
    type Num = { _zod: { def: Def }; maxValue: number };
    const unbounded: string[] = [];
    const tooLong: string[] = [];
    let numbers = 0;
    const seen = new Set<unknown>();
    const visit = (schema: unknown, path: string): void => {
      if (typeof schema !== 'object' || schema === null || seen.has(schema) || !('_zod' in schema)) return;
      seen.add(schema);
      const def = (schema as { _zod: { def: Def } })._zod.def;
      if (def.type === 'number') {
        numbers++;
        const max = (schema as Num).maxValue;
        // Prometheus thresholds compare with whatever the query returns: any finite number.
        if (!Number.isFinite(max) && !/prometheus\.(up|down)$/.test(path)) unbounded.push(path);
        const ms = /Ms$/.test(path) ? max : /(timer|Time|Timeout|Seconds|After|delayAfterAdd)$/.test(path) ? max * 1000 : 0;
        if (ms > LIMITS.timerMs) tooLong.push(`${path} (${max})`);
        return;
      }
      for (const [k, v] of Object.entries(def)) {
        if (k === 'checks') continue;
        const children = k === 'shape' && typeof v === 'object' && v !== null ? Object.entries(v) : Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : [[k, v] as const];
        for (const [name, child] of children) visit(child, k === 'shape' ? (path ? `${path}.${name}` : name) : path);
      }
    };
    visit(configSchema, '');
    expect(numbers).toBeGreaterThan(15);
    expect(unbounded).toEqual([]);
    expect(tooLong).toEqual([]);
  });

  it('keep every accepted wait inside what a Node timer can hold', () => {
    const secondsArb = fc.double({ min: 0, max: 1e13, noNaN: true });
    fc.assert(
      fc.property(secondsArb, secondsArb, secondsArb, secondsArb, secondsArb, fc.double({ min: 0, max: 1e13, noNaN: true }), (timer, staleAfter, provision, drain, unneeded, timeoutMs) => {
        let c;
        try {
          c = validateConfig({ ...BASE, timer, staleAfter, mesos: { masters: ['http://m1:5050'], timeoutMs: Math.round(timeoutMs) }, groups: [{ ...GROUP, provisionTimeout: provision, scaleDown: { drainTimeout: drain, unneededTime: unneeded, delayAfterAdd: unneeded } }] });
        } catch (e) {
          if (e instanceof ConfigError) return;
          throw e;
        }
        const g = c.groups[0]!;
        for (const s of [c.timer, c.staleAfter, g.provisionTimeout, g.scaleDown.drainTimeout, g.scaleDown.unneededTime, g.scaleDown.delayAfterAdd]) expect(s * 1000).toBeLessThanOrEqual(LIMITS.timerMs);
        expect(c.mesos.timeoutMs).toBeLessThanOrEqual(LIMITS.timerMs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('addresses', () => {
  it('refuse masters without a scheme and URLs that are not http(s), naming the field', () => {
    expect(problems({ ...BASE, mesos: { masters: ['m1:5050'] } })).toMatch(/^mesos\.masters\.0: must be an http:\/\/ or https:\/\/ URL/m);
    expect(problems({ ...BASE, mesos: { masters: ['http://m1:5050', 'ftp://m2:5050'] } })).toMatch(/^mesos\.masters\.1:/m);
    expect(problems({ ...BASE, mesos: { masters: ['file:///etc/passwd'] } })).toMatch(/^mesos\.masters\.0:/m);
    expect(problems({ ...BASE, marathon: { url: 'ftp://marathon:8080' } })).toMatch(/^marathon\.url:/m);
    expect(problems({ ...BASE, azure: { subscriptionId: 's', resourceGroup: 'rg', armEndpoint: 'file:///x' } })).toMatch(/^azure\.armEndpoint:/m);
    expect(problems(withGroup({ policies: ['prometheus'], prometheus: { url: 'ftp://p:9090', query: 'up' } }))).toMatch(/^groups\.0\.prometheus\.url:/m);
  });

  it('refuse a zk address without zk://, naming zk', () => {
    expect(problems({ ...BASE, zk: 'localhost' })).toMatch(/^zk: "localhost" is not a zk:\/\/ URL/m);
    expect(problems({ ...BASE, zk: 'zk://z1:2181,z2:2181/mesos-autoscaler' })).toBe('');
  });

  it('take an IPv6 literal for --listen and refuse an address that is none', () => {
    const c = validateConfig(mergeConfig({ ...BASE }, { listen: '[::1]:9090' }));
    expect(c.server).toMatchObject({ host: '::1', port: 9090 });
    expect(() => mergeConfig({ ...BASE }, { listen: '::1:9090' })).toThrow(/--listen .*brackets/);
    expect(() => mergeConfig({ ...BASE }, { listen: 'web:99999' })).toThrow(/--listen/);
    expect(problems({ ...BASE, server: { host: '[::1]', port: 80 } })).toMatch(/^server\.host:/m);
  });
});

describe('rules across settings', () => {
  const azure = { subscriptionId: 'sub', resourceGroup: 'rg' };
  const vmss = (name: string, vmssName: string, extra: Record<string, unknown> = {}) => ({ name, selector: { pool: name }, provider: { kind: 'azure-vmss', vmssName, ...extra } });

  it('refuse a client secret without its tenant', () => {
    expect(problems({ ...BASE, azure: { ...azure, clientId: 'c', clientSecret: 's3cr3t' } })).toMatch(/^azure\.tenantId: a client secret needs the tenant id/m);
  });

  it('refuse two groups on one scale set, whatever the case of its name', () => {
    const p = problems({ ...BASE, azure, groups: [vmss('a', 'agents'), vmss('b', 'Agents', { resourceGroup: 'RG' })] });
    expect(p).toMatch(/^groups\.1\.provider: group "b" scales the same azure-vmss group as "a"/m);
    expect(problems({ ...BASE, azure, groups: [vmss('a', 'agents'), vmss('b', 'agents', { resourceGroup: 'other' })] })).toBe('');
  });

  it('refuse an empty selector beside other groups, and only warn when it is the only group', () => {
    expect(problems({ ...BASE, groups: [{ ...GROUP, selector: {} }, { ...GROUP, name: 'b', selector: { pool: 'b' } }] })).toMatch(/^groups\.0\.selector: an empty selector/m);
    const single = validateConfig({ ...BASE, groups: [{ ...GROUP, selector: {} }] });
    expect(configWarnings(single).join('\n')).toMatch(/^groups\.0\.selector: empty/m);
  });

  it('refuse minimums above the total limit, and warn about a max above it', () => {
    expect(problems(withGroup({ min: 30, max: 40 }) as object && { ...BASE, maxTotalNodes: 20, groups: [{ ...GROUP, min: 30, max: 40 }] })).toMatch(/^groups\.0\.min: min 30 is above maxTotalNodes 20/m);
    const two = { ...BASE, maxTotalNodes: 10, groups: [{ ...GROUP, min: 6, max: 8 }, { ...GROUP, name: 'b', selector: { pool: 'b' }, min: 6, max: 8 }] };
    expect(problems(two)).toMatch(/^maxTotalNodes: the groups' minimums add up to 12/m);
    expect(configWarnings(validateConfig({ ...BASE, maxTotalNodes: 10, groups: [{ ...GROUP, min: 1, max: 20 }] })).join('\n')).toMatch(/^groups\.0\.max: 20 is above maxTotalNodes 10/m);
  });
});

describe('credentials in a URL', () => {
  it('become basic auth and leave the URL, so nothing prints them', () => {
    const c = validateConfig({ ...BASE, mesos: { masters: ['http://ops:s3cret-pw@m1:5050', 'http://m2:5050'] }, marathon: { url: 'http://mt:mt-s3cret@marathon:8080' } });
    expect(c.mesos.masters).toEqual(['http://m1:5050', 'http://m2:5050']);
    expect(c.mesos.username).toBe('ops');
    expect(c.mesos.password?.reveal()).toBe('s3cret-pw');
    expect(c.marathon?.url).toBe('http://marathon:8080');
    expect(c.marathon?.password?.reveal()).toBe('mt-s3cret');
    for (const text of [JSON.stringify(c), inspect(c, { depth: 10 })]) {
      expect(text).not.toMatch(/s3cret/);
    }
  });

  it('are refused where the client has no basic auth (Prometheus), naming the field', () => {
    expect(problems(withGroup({ policies: ['prometheus'], prometheus: { url: 'http://u:p-s3cret@p:9090', query: 'up' } }))).toMatch(/^groups\.0\.prometheus\.url: no user:password@/m);
  });

  it('that disagree with the username given beside them are refused, naming the URL', () => {
    expect(problems({ ...BASE, mesos: { masters: ['http://ops:pw@m1:5050'], username: 'other' } })).toMatch(/^mesos\.masters\.0: the user in this URL differs/m);
  });

  it('are warned about over plain http', () => {
    const c = validateConfig({ ...BASE, mesos: { masters: ['http://ops:pw@m1:5050'] } });
    expect(configWarnings(c).join('\n')).toMatch(/^mesos\.masters: the password is sent over plain http/m);
  });
});

describe('files', () => {
  const file = (text: string): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'strict-')), 'c.yaml');
    writeFileSync(p, text);
    return p;
  };

  it('a file that is not a mapping of settings is refused, not read as empty', async () => {
    await expect(loadConfig(file('- timer: 30\n'), {})).rejects.toThrow(/must be a YAML mapping of settings \(key: value\), not a list/);
    await expect(loadConfig(file('timer=30\n'), {})).rejects.toThrow(/not string/);
  });

  it('a missing CA file is named before anything starts', async () => {
    const p = file('mesos: { masters: [http://m1:5050], caFile: /nonexistent/ca.pem }\ngroups: [{ name: web, provider: { kind: simulated } }]\n');
    await expect(loadConfig(p, {})).rejects.toThrow(/mesos\.caFile: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/);
  });

  it('a YAML syntax error shows line, column and the excerpt with a caret under the column', async () => {
    const p = file('mesos:\n  masters: [http://m1:5050]\ngroups:\n  - name: web\n   provider: { kind: simulated }\n');
    const e = await loadConfig(p, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as ConfigError).message;
    expect(message).toMatch(/at line \d+, column \d+:/);
    expect(message).toMatch(/- name: web/);
    const lines = message.split('\n');
    const caret = lines.findIndex((l) => /^\s*\^+\s*$/.test(l));
    expect(caret).toBeGreaterThan(0);
  });
});

describe('AS_DRY_RUN', () => {
  const parse = (env: NodeJS.ProcessEnv, argv: string[] = []) => {
    const cmd = addAutoscalerOptions(new Command().exitOverride());
    cmd.parse(argv, { from: 'user' });
    return overridesFrom(cmd.opts(), env);
  };

  it('false or 0 means dry run off, true or 1 on, the flag on', () => {
    expect(parse({ AS_DRY_RUN: 'false' }).dryRun).toBe(false);
    expect(parse({ AS_DRY_RUN: '0' }).dryRun).toBe(false);
    expect(parse({ AS_DRY_RUN: 'true' }).dryRun).toBe(true);
    expect(parse({ AS_DRY_RUN: '1' }).dryRun).toBe(true);
    expect(parse({}).dryRun).toBeUndefined();
    expect(parse({ AS_DRY_RUN: 'false' }, ['--dry-run']).dryRun).toBe(true);
    expect(validateConfig(mergeConfig({ ...BASE, dryRun: true }, parse({ AS_DRY_RUN: 'false' }))).dryRun).toBe(false);
  });

  it('anything else is a config error naming the variable', () => {
    expect(() => parse({ AS_DRY_RUN: 'maybe' })).toThrow(/AS_DRY_RUN: "maybe" is not a boolean/);
  });
});
