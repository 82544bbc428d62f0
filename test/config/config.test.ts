import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, mergeConfig, splitEndpoint, validateConfig } from '../../src/config/load.js';
import { addAutoscalerOptions, overridesFrom } from '../../src/cli/options.js';
import { Secret } from '../../src/util/secret.js';

function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const cmd = addAutoscalerOptions(new Command().exitOverride());
    cmd.parse(argv, { from: 'user' });
    return overridesFrom(cmd.opts(), process.env);
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const AZURE = ['--provider-name', 'Azure', '--azure-subscription-id', 'sub', '--azure-tenant-id', 't', '--azure-client-id', 'c', '--azure-client-secret', 's3cr3t-value', '--azure-resource-group', 'rg', '--azure-vmss-name', 'agents'];

describe('the original dcos-autoscaler flags', () => {
  it('keep their defaults: 60 s, 80/20, 3..20, +2/-1, workload:stateless, leader.mesos /slaves', () => {
    const c = validateConfig(mergeConfig({}, parseArgs(AZURE)));
    expect(c.timer).toBe(60);
    expect(c.mesos.masters).toEqual(['http://leader.mesos:5050']);
    expect(c.mesos.slavesPath).toBe('/slaves');
    const g = c.groups[0];
    expect(g).toMatchObject({ scaleUpCap: 80, scaleDownCap: 20, min: 3, max: 20, scaleUpStep: 2, scaleDownStep: 1, selector: { workload: 'stateless' }, resources: ['cpus'] });
    expect(g?.provider).toEqual({ kind: 'azure-vmss', vmssName: 'agents', resourceGroup: 'rg' });
    expect(c.azure?.armEndpoint).toBe('https://management.azure.com');
    expect(c.azure?.clientSecret).toBeInstanceOf(Secret);
    expect(c.verbosity).toBe(2);
  });

  it('reads every AS_* and AZURE_* variable, including AZURE_SECRET_ID for the secret', () => {
    const o = parseArgs([], {
      AS_PROVIDER_NAME: 'azure', AS_TIMER: '30', AS_SCALE_UP_MAX: '70', AS_SCALE_DOWN_MAX: '10', AS_SCALE_MAX: '9', AS_SCALE_MIN: '2',
      AS_ENDPOINT: 'http://m1:5050/master/slaves', AS_VERBOSE: '3', AZURE_SUBSCRIPTION_ID: 'sub', AZURE_TENANT_ID: 'ten', AZURE_CLIENT_ID: 'cli',
      AZURE_SECRET_ID: 'from-dcos-package', AZURE_LOCATION: 'westeurope', AZURE_RG: 'rg1', AZURE_VMSS: 'vmss1', AZURE_ARM_ENDPOINT: 'https://management.local.azurestack.external',
    });
    const c = validateConfig(mergeConfig({}, o));
    expect(c).toMatchObject({ timer: 30, verbosity: 3 });
    expect(c.groups[0]).toMatchObject({ scaleUpCap: 70, scaleDownCap: 10, max: 9, min: 2, provider: { vmssName: 'vmss1', resourceGroup: 'rg1' } });
    expect(c.mesos).toMatchObject({ masters: ['http://m1:5050'], slavesPath: '/master/slaves' });
    expect(c.azure).toMatchObject({ subscriptionId: 'sub', tenantId: 'ten', clientId: 'cli', location: 'westeurope', armEndpoint: 'https://management.local.azurestack.external' });
    expect(c.azure?.clientSecret?.reveal()).toBe('from-dcos-package');
  });

  it('AZURE_CLIENT_SECRET wins over AZURE_SECRET_ID, and the flag over both', () => {
    expect(parseArgs([], { AZURE_CLIENT_SECRET: 'a', AZURE_SECRET_ID: 'b' }).azureClientSecret).toBe('a');
    expect(parseArgs(['--azure-client-secret', 'c'], { AZURE_CLIENT_SECRET: 'a' }).azureClientSecret).toBe('c');
  });

  it('counts -v, -vv and -vvv and accepts several resource trackers', () => {
    expect(parseArgs(['-vvv']).verbosity).toBe(3);
    expect(parseArgs(['-v']).verbosity).toBe(1);
    expect(parseArgs(['--resource-tracker', 'cpus', '--resource-tracker', 'mem,gpus']).resourceTrackers).toEqual(['cpus', 'mem', 'gpus']);
    expect(() => parseArgs(['--resource-tracker', 'ram'])).toThrow(/not one of/);
  });

  it('accepts the provider name case-insensitively', () => {
    for (const name of ['Azure', 'azure', 'AZURE']) {
      const c = validateConfig(mergeConfig({}, parseArgs([...AZURE.slice(2), '--provider-name', name])));
      expect(c.groups[0]?.provider.kind).toBe('azure-vmss');
    }
  });

  it('splits the endpoint path', () => {
    expect(splitEndpoint('http://leader.mesos:5050/slaves')).toEqual({ master: 'http://leader.mesos:5050', slavesPath: '/slaves' });
    expect(splitEndpoint('https://m:5050/')).toEqual({ master: 'https://m:5050' });
  });
});

describe('config file', () => {
  const file = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const p = join(dir, 'c.yaml');
    writeFileSync(p, text);
    return p;
  };

  it('declares several node groups, each with selectors, resources, thresholds, limits and target; flags override', async () => {
    const path = file(`
mesos: { masters: [http://m1:5050, http://m2:5050] }
azure: { subscriptionId: sub, resourceGroup: rg }
groups:
  - name: web
    selector: { workload: stateless, zone: a }
    resources: [cpus, mem]
    scaleUpCap: 75
    min: 1
    max: 10
    provider: { kind: azure-vmss, vmssName: web }
  - name: gpu
    selector: { gpu: "true" }
    resources: [gpus]
    scaleUpStep: 1
    min: 0
    max: 4
    provider: { kind: azure-vmss, vmssName: gpu, resourceGroup: other }
`);
    const c = await loadConfig(path, { scaleMax: 8 });
    expect(c.mesos.masters).toHaveLength(2);
    expect(c.groups.map((g) => [g.name, g.max])).toEqual([['web', 8], ['gpu', 8]]);
    expect(c.groups[0]?.selector).toEqual({ workload: 'stateless', zone: 'a' });
    expect(c.groups[1]?.scaleDown.utilization).toBe(50);
  });

  it('reports every invalid field by its path', async () => {
    const path = file(`
mesos: { masters: [not-a-url] }
groups:
  - name: web
    scaleUpCap: 120
    min: 5
    max: 2
    resources: [cpu]
    provider: { kind: azure-vmss, vmssName: web }
`);
    const e = await loadConfig(path, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    const problems = (e as ConfigError).problems.join('\n');
    expect(problems).toMatch(/mesos\.masters\.0/);
    expect(problems).toMatch(/groups\.0\.scaleUpCap/);
    expect(problems).toMatch(/groups\.0\.resources\.0/);
  });

  it('names a missing or unparsable file', async () => {
    await expect(loadConfig('/nonexistent.yaml', {})).rejects.toThrow(/nonexistent\.yaml: ENOENT/);
    await expect(loadConfig(file('groups: [\n'), {})).rejects.toThrow(/c\.yaml/);
  });
});
