/**
 * The DC/OS Universe package in deploy/universe, checked the way Cosmos installs it: the options
 * are merged over config.json's defaults, marathon.json.mustache is rendered with them and with
 * `resource` (resource.json) in scope, and Marathon must accept the app that comes out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const UNIVERSE = join(REPO_ROOT, 'deploy', 'universe');
const readJson = (path: string): JsonObject => JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
const schemas = new Map<string, JsonObject>();
const schema = (name: string): JsonObject => {
  const loaded = schemas.get(name) ?? readJson(join(REPO_ROOT, 'test', 'deploy', 'schemas', name));
  schemas.set(name, loaded);
  return loaded;
};

const pkg = readJson(join(UNIVERSE, 'package.json'));
const config = readJson(join(UNIVERSE, 'config.json'));
const resource = readJson(join(UNIVERSE, 'resource.json'));
const template = readFileSync(join(UNIVERSE, 'marathon.json.mustache'), 'utf8');
const npmVersion = String(readJson(join(REPO_ROOT, 'package.json'))['version']);

// Draft-04-era schemas (Universe, Marathon) with keywords ajv's strict mode does not know.
const ajv = new Ajv({ strict: false, allErrors: true });
const errorsOf = (errors: ErrorObject[] | null | undefined): string[] => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
const compiled = new Map<JsonObject, ReturnType<typeof ajv.compile>>();
function validate(schemaJson: JsonObject, data: unknown): string[] {
  const check = compiled.get(schemaJson) ?? ajv.compile(schemaJson);
  compiled.set(schemaJson, check);
  return check(data) ? [] : errorsOf(check.errors);
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Defaults of a config.json, nested as the options are: Cosmos's JsonSchema.extractDefaultsFromSchema
 * (dcos/cosmos, cosmos-common .../jsonschema/JsonSchema.scala) walks `properties` recursively.
 */
function defaultsOf(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  const props = node['properties'];
  if (!isObject(props)) return out;
  for (const [key, sub] of Object.entries(props)) {
    if (!isObject(sub)) continue;
    if (sub['default'] !== undefined) out[key] = sub['default'];
    else if (sub['type'] === 'object') out[key] = defaultsOf(sub);
  }
  return out;
}

/** User options over the defaults, objects merged key by key (Cosmos merges the same way). */
function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? merge(prev, value) : value;
  }
  return out;
}

/** mustache.java's HtmlEscaper (com.github.mustachejava.util.HtmlEscaper), which Cosmos renders with. */
function javaHtmlEscape(value: unknown): string {
  const text = String(value);
  const table: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };
  return text.replace(/[&<>"'`=\u0000-\u000d]/g, (c) => table[c] ?? `&#${c.charCodeAt(0)};`);
}

const REQUIRED: JsonObject = {
  azureprovider: { 'azure-subscription-id': '00000000-0000-0000-0000-000000000001', 'azure-resource-group': 'dcos-rg', 'azure-vmss-name': 'dcos-agents' },
};

function render(options: JsonObject): { app: JsonObject; merged: JsonObject } {
  const merged = merge(defaultsOf(config), options);
  const text = Mustache.render(template, { ...merged, resource }, undefined, { escape: javaHtmlEscape });
  return { app: JSON.parse(text) as JsonObject, merged };
}

function env(app: JsonObject): JsonObject {
  const e = app['env'];
  if (!isObject(e)) throw new Error('app has no env object');
  return e;
}

/** Checks Marathon applies beyond the JSON shape, each from its validator. */
function marathonCrossChecks(app: JsonObject): string[] {
  const problems: string[] = [];
  const secrets = isObject(app['secrets']) ? app['secrets'] : {};
  // SecretValidation.secretRefValidator (mesosphere/marathon api/v2/validation/SecretValidation.scala):
  // an env secret reference must name a declared secret.
  for (const [name, value] of Object.entries(env(app)))
    if (isObject(value) && typeof value['secret'] === 'string' && !(value['secret'] in secrets)) problems.push(`env ${name} references an undefined secret`);
  // ReadinessCheck's validator (core/readiness/ReadinessCheck.scala): the port name must be one of
  // the app's port definitions, and the timeout below the interval.
  const ports = Array.isArray(app['portDefinitions']) ? app['portDefinitions'].filter(isObject).map((p) => p['name']) : [];
  for (const check of Array.isArray(app['readinessChecks']) ? app['readinessChecks'].filter(isObject) : []) {
    if (!ports.includes(check['portName'] ?? 'http-api')) problems.push(`readiness check port ${String(check['portName'])} is not a port definition`);
    if (Number(check['timeoutSeconds'] ?? 10) >= Number(check['intervalSeconds'] ?? 30)) problems.push('readiness check timeout is not below its interval');
  }
  return problems;
}

describe('Universe package files', () => {
  it('package.json has every field Universe requires for packagingVersion 4.0, licenses, scm, notes and a maintainer email', () => {
    expect(validate(schema('universe-package-v4.schema.json'), pkg)).toEqual([]);
    expect(pkg['maintainer']).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(pkg['scm']).toMatch(/^https:\/\//);
    for (const note of ['preInstallNotes', 'postInstallNotes', 'postUninstallNotes']) expect(typeof pkg[note]).toBe('string');
    expect(Array.isArray(pkg['licenses']) && pkg['licenses'].length).toBeGreaterThan(0);
  });

  it('package, image tag and npm package carry one version', () => {
    expect(pkg['version']).toBe(npmVersion);
    expect(validate(schema('universe-resource.schema.json'), resource)).toEqual([]);
    const assets = resource['assets'];
    const docker = isObject(assets) && isObject(assets['container']) ? assets['container']['docker'] : undefined;
    expect(isObject(docker) ? docker['mesos-autoscaler'] : undefined).toBe(`mesos-autoscaler/mesos-autoscaler:${npmVersion}`);
    // deploy/build-image.sh builds and pushes exactly that name by default.
    const script = readFileSync(join(REPO_ROOT, 'deploy', 'build-image.sh'), 'utf8');
    expect(script).toContain('${IMAGE_REPO:-mesos-autoscaler/mesos-autoscaler}');
    const images = resource['images'];
    // Each icon URL points at a PNG shipped in deploy/universe/images, of the size Universe asks for.
    const sizes: Record<string, number> = { 'icon-small': 48, 'icon-medium': 128, 'icon-large': 256 };
    for (const [icon, size] of Object.entries(sizes)) {
      const url = isObject(images) ? images[icon] : undefined;
      expect(url).toMatch(/^https:\/\/.+\/deploy\/universe\/images\/icon-[a-z]+\.png$/);
      const png = readFileSync(join(UNIVERSE, 'images', String(url).split('/').pop() ?? ''));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('config.json is an options schema whose defaults satisfy it once the three scale-set fields are given', () => {
    expect(validate(schema('universe-config.schema.json'), config)).toEqual([]);
    expect(validate(config, merge(defaultsOf(config), REQUIRED))).toEqual([]);
    // Without them, Cosmos refuses the install and names what is missing.
    expect(validate(config, defaultsOf(config)).join('\n')).toMatch(/azure-subscription-id/);
  });

  it("refuses the original package's plain-text client secret option, pointing at the secret store", () => {
    const errors = validate(config, merge(defaultsOf(config), merge(REQUIRED, { azureprovider: { 'azure-secret-id': 'plain-text-secret' } })));
    expect(errors.join('\n')).toMatch(/azure-secret-id/);
    const described = JSON.stringify(config);
    expect(described).toContain('azure-client-secret-secret');
  });
});

describe('Universe template rendered', () => {
  it('with the defaults is an app Marathon accepts: sizes, image from resource.json, health and readiness checks, no secrets', () => {
    const { app } = render(REQUIRED);
    expect(validate(schema('marathon-app.schema.json'), app)).toEqual([]);
    expect(marathonCrossChecks(app)).toEqual([]);
    expect(app['id']).toBe('mesos-autoscaler');
    expect(app['cpus']).toBe(0.5);
    expect(app['mem']).toBe(384);
    expect(app['instances']).toBe(2);
    expect(app['container']).toEqual({ type: 'DOCKER', docker: { image: `mesos-autoscaler/mesos-autoscaler:${npmVersion}` } });
    // Empty, so the app also installs where Marathon's secrets feature is off (open DC/OS): Marathon's
    // AppValidation checks the feature only for a non-empty map (`if (secrets.nonEmpty) ... featureEnabled`).
    expect(app['secrets']).toEqual({});
    expect(env(app)['AS_MARATHON_URL']).toBe('http://marathon.mesos:8080');
    expect(env(app)['AZURE_VMSS']).toBe('dcos-agents');
    expect(Object.keys(env(app))).not.toContain('AZURE_TENANT_ID');
    expect(app['readinessChecks']).toEqual([expect.objectContaining({ path: '/readyz', portName: 'http' })]);
    expect(app['labels']).toEqual(expect.objectContaining({ DCOS_SERVICE_NAME: 'mesos-autoscaler', DCOS_SERVICE_PORT_INDEX: '0' }));
  });

  it('takes every secret from the secret store, for any combination of them, and never puts a secret value in env', () => {
    const paths = { sa: 'mesos-autoscaler/service-account', azure: 'mesos-autoscaler/azure-client-secret', token: 'mesos-autoscaler/server-token' };
    for (let mask = 0; mask < 8; mask++) {
      const sa = mask & 1 ? paths.sa : '';
      const azure = mask & 2 ? paths.azure : '';
      const token = mask & 4 ? paths.token : '';
      const { app } = render(
        merge(REQUIRED, {
          service: { 'service-account-secret': sa, 'server-token-secret': token },
          azureprovider: { 'azure-client-secret-secret': azure, 'azure-tenant-id': 't', 'azure-client-id': 'c' },
        }),
      );
      expect(validate(schema('marathon-app.schema.json'), app), `mask ${mask}`).toEqual([]);
      expect(marathonCrossChecks(app), `mask ${mask}`).toEqual([]);
      const expected: JsonObject = {};
      if (sa) expected['serviceCredential'] = { source: sa };
      if (azure) expected['azureClientSecret'] = { source: azure };
      if (token) expected['serverToken'] = { source: token };
      expect(app['secrets']).toEqual(expected);
      const e = env(app);
      expect(e['DCOS_SERVICE_ACCOUNT_CREDENTIAL']).toEqual(sa ? { secret: 'serviceCredential' } : undefined);
      expect(e['AZURE_CLIENT_SECRET']).toEqual(azure ? { secret: 'azureClientSecret' } : undefined);
      expect(e['AS_SERVER_TOKEN']).toEqual(token ? { secret: 'serverToken' } : undefined);
      expect(Object.keys(e)).not.toContain('AZURE_SECRET_ID');
    }
  });

  it('keeps a service name with dots a valid app id and service label', () => {
    const { app } = render(merge(REQUIRED, { service: { name: 'autoscaler.prod' } }));
    expect(validate(schema('marathon-app.schema.json'), app)).toEqual([]);
    expect(app['cmd']).toContain('zk://master.mesos:2181/autoscaler.prod');
  });
});

describe('deploy/marathon.json', () => {
  it('is an app Marathon accepts, with its secrets declared and the versioned image', () => {
    const app = readJson(join(REPO_ROOT, 'deploy', 'marathon.json'));
    expect(validate(schema('marathon-app.schema.json'), app)).toEqual([]);
    expect(marathonCrossChecks(app)).toEqual([]);
    expect(app['container']).toEqual({ type: 'DOCKER', docker: { image: `mesos-autoscaler/mesos-autoscaler:${npmVersion}` } });
  });
});
