import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config, type ConfigInput } from './schema.js';
import type { TrackedResource } from '../model/resources.js';
import { errorMessage } from '../util/result.js';
import { parseListen } from '../util/url.js';
import { closestKey, keysAt } from './suggest.js';

/**
 * Settings that come from the original dcos-autoscaler's flags or environment
 * (or our own flags). Only values the user actually gave are present.
 */
export interface Overrides {
  providerName?: string;
  timer?: number;
  scaleUpCap?: number;
  scaleDownCap?: number;
  scaleUpStep?: number;
  scaleDownStep?: number;
  scaleMax?: number;
  scaleMin?: number;
  endpointPath?: string;
  masters?: string[];
  resourceTrackers?: TrackedResource[];
  attributeKey?: string;
  attributeValue?: string;
  azureSubscriptionId?: string;
  azureTenantId?: string;
  azureClientId?: string;
  azureClientSecret?: string;
  azureLocation?: string;
  azureResourceGroup?: string;
  azureVmssName?: string;
  azureArmEndpoint?: string;
  awsRegion?: string;
  awsAsgName?: string;
  execCommand?: string;
  execTimeout?: number;
  gceProject?: string;
  gceZone?: string;
  gceRegion?: string;
  gceMigName?: string;
  gceApiEndpoint?: string;
  openstackStack?: string;
  openstackResource?: string;
  openstackCountParameter?: string;
  openstackRemovalPolicyParameter?: string;
  marathonUrl?: string;
  mesosUsername?: string;
  mesosPassword?: string;
  mesosToken?: string;
  /** DCOS_SERVICE_ACCOUNT_CREDENTIAL: the JSON DC/OS stores for a service account. */
  dcosServiceAccountCredential?: string;
  mesosCaFile?: string;
  mesosApi?: 'auto' | 'v1' | 'v0';
  verbosity?: number;
  logFormat?: 'auto' | 'json' | 'pretty';
  dryRun?: boolean;
  scaleDownUnneededTime?: number;
  scaleDownDelayAfterAdd?: number;
  scaleDownUtilization?: number;
  maxScaleDownParallel?: number;
  maxNodeProvisionTime?: number;
  expander?: string;
  zk?: string;
  listen?: string;
  serverToken?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    // Continuation lines (a YAML excerpt and its caret) are indented alike, so the caret still points at the column.
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.replace(/\n+/g, '\n    ')}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * `groups.0.scaleMin: Too small ...` for every issue zod found; an unknown key is named by its
 * own path, with the setting it most likely meant when `input` is given.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input?: unknown): string[] {
  return issues.flatMap((i) => {
    if (i.code !== 'unrecognized_keys') return [`${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`];
    const known = input === undefined ? [] : keysAt(configSchema, i.path, input);
    return i.keys.map((k) => {
      const meant = closestKey(k, known);
      return `${[...i.path, k].join('.')}: unknown setting${meant ? ` (did you mean ${meant}?)` : ' (misspelt, or not valid here)'}`;
    });
  });
}

const DEFAULT_ENDPOINT = 'http://leader.mesos:5050/slaves';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/** Drops keys whose value is undefined so they do not override file values. */
function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** `http://leader.mesos:5050/slaves` -> master `http://leader.mesos:5050`, classic path `/slaves`. */
export function splitEndpoint(endpoint: string): { master: string; slavesPath?: string } {
  try {
    const url = new URL(endpoint);
    const path = url.pathname.replace(/\/+$/, '');
    url.pathname = '/';
    const master = url.toString().replace(/\/$/, '');
    return path ? { master, slavesPath: path } : { master };
  } catch {
    return { master: endpoint };
  }
}

/**
 * Builds the config input from a file (already parsed) and overrides. Flags and
 * environment override the file; a group-level flag applies to every group.
 */
export function mergeConfig(file: unknown, o: Overrides): ConfigInput {
  const base = obj(file);
  const mesos = obj(base['mesos']);
  const endpoint = o.endpointPath ?? (mesos['masters'] === undefined ? DEFAULT_ENDPOINT : undefined);
  const split = endpoint ? splitEndpoint(endpoint) : undefined;
  const mergedMesos = defined({
    ...mesos,
    masters: o.masters ?? (split ? [split.master] : mesos['masters']),
    slavesPath: split?.slavesPath ?? mesos['slavesPath'],
    username: o.mesosUsername ?? mesos['username'],
    password: o.mesosPassword ?? mesos['password'],
    token: o.mesosToken ?? mesos['token'],
    serviceAccount: o.dcosServiceAccountCredential ?? mesos['serviceAccount'],
    caFile: o.mesosCaFile ?? mesos['caFile'],
    api: o.mesosApi ?? mesos['api'],
  });

  const azureFile = obj(base['azure']);
  const azure = defined({
    ...azureFile,
    subscriptionId: o.azureSubscriptionId ?? azureFile['subscriptionId'],
    tenantId: o.azureTenantId ?? azureFile['tenantId'],
    clientId: o.azureClientId ?? azureFile['clientId'],
    clientSecret: o.azureClientSecret ?? azureFile['clientSecret'],
    location: o.azureLocation ?? azureFile['location'],
    resourceGroup: o.azureResourceGroup ?? azureFile['resourceGroup'],
    armEndpoint: o.azureArmEndpoint ?? azureFile['armEndpoint'],
  });
  const wantsAzure = base['azure'] !== undefined || o.providerName?.toLowerCase() === 'azure' || Object.keys(azure).length > 0;
  const awsFile = obj(base['aws']);
  const aws = defined({ ...awsFile, region: o.awsRegion ?? awsFile['region'] });
  const wantsAws = base['aws'] !== undefined || o.awsRegion !== undefined;
  const gce = defined({ ...obj(base['gce']), apiEndpoint: o.gceApiEndpoint ?? obj(base['gce'])['apiEndpoint'] });
  const wantsGce = base['gce'] !== undefined || o.gceApiEndpoint !== undefined;

  const groupOverrides = defined({
    scaleUpCap: o.scaleUpCap,
    scaleDownCap: o.scaleDownCap,
    scaleUpStep: o.scaleUpStep,
    scaleDownStep: o.scaleDownStep,
    max: o.scaleMax,
    min: o.scaleMin,
    resources: o.resourceTrackers,
    provisionTimeout: o.maxNodeProvisionTime,
  });
  const scaleDownOverrides = defined({
    unneededTime: o.scaleDownUnneededTime,
    delayAfterAdd: o.scaleDownDelayAfterAdd,
    utilization: o.scaleDownUtilization,
    maxParallel: o.maxScaleDownParallel,
  });
  const fileGroups = Array.isArray(base['groups']) ? (base['groups'] as unknown[]) : undefined;
  const groups = fileGroups
    ? fileGroups.map((g) => ({ ...obj(g), ...groupOverrides, ...legacySelector(o, obj(g)), scaleDown: { ...obj(obj(g)['scaleDown']), ...scaleDownOverrides } }))
    : [legacyGroup(o, groupOverrides, scaleDownOverrides)];

  const server = o.listen !== undefined || o.serverToken !== undefined || base['server'] !== undefined
    ? defined({ ...obj(base['server']), ...listenParts(o.listen), token: o.serverToken ?? obj(base['server'])['token'] })
    : undefined;

  return defined({
    ...base,
    timer: o.timer ?? base['timer'],
    dryRun: o.dryRun ?? base['dryRun'],
    expander: o.expander ?? base['expander'],
    verbosity: o.verbosity ?? base['verbosity'],
    logFormat: o.logFormat ?? base['logFormat'],
    zk: o.zk ?? base['zk'],
    mesos: mergedMesos,
    marathon: o.marathonUrl ? { ...obj(base['marathon']), url: o.marathonUrl } : base['marathon'],
    azure: wantsAzure ? azure : undefined,
    aws: wantsAws ? aws : undefined,
    gce: wantsGce ? gce : undefined,
    server,
    groups,
  }) as ConfigInput;
}

function legacySelector(o: Overrides, group: Obj): Obj {
  if (o.attributeKey === undefined && o.attributeValue === undefined) return {};
  const key = o.attributeKey ?? 'workload';
  return { selector: { ...obj(group['selector']), [key]: o.attributeValue ?? 'stateless' } };
}

/**
 * The single node group the original tool managed, from its flags. It removed a
 * node as soon as the group was under the down cap, so this group does not wait
 * for nodes to be unneeded for a while unless asked to.
 */
function legacyGroup(o: Overrides, overrides: Obj, scaleDown: Obj): Obj {
  const key = o.attributeKey ?? 'workload';
  const value = o.attributeValue ?? 'stateless';
  const provider = legacyProvider(o);
  return {
    name: value.replace(/[^A-Za-z0-9_.-]/g, '-') || 'default',
    selector: { [key]: value },
    provider,
    ...overrides,
    scaleDown: { unneededTime: 0, delayAfterAdd: 0, ...scaleDown },
  };
}

/** The legacy group's provider from `--provider-name` (Azure, AWS, GCE, OpenStack or exec, any case) and that cloud's flags. */
function legacyProvider(o: Overrides): Obj {
  const name = (o.providerName ?? 'azure').toLowerCase();
  switch (name) {
    case 'azure':
      return defined({ kind: 'azure-vmss', vmssName: o.azureVmssName, resourceGroup: o.azureResourceGroup });
    case 'aws':
      return defined({ kind: 'aws-asg', asgName: o.awsAsgName });
    case 'exec':
      return defined({ kind: 'exec', command: o.execCommand, timeoutSeconds: o.execTimeout });
    case 'gce':
      return defined({ kind: 'gce-mig', project: o.gceProject, zone: o.gceZone, region: o.gceRegion, name: o.gceMigName });
    case 'openstack':
      return defined({
        kind: 'openstack-heat',
        stack: o.openstackStack,
        resource: o.openstackResource,
        countParameter: o.openstackCountParameter,
        removalPolicyParameter: o.openstackRemovalPolicyParameter,
      });
    default:
      return { kind: name };
  }
}

/** `--listen` as server host and port; `[::1]:8080` is an IPv6 literal, an unparsable value a ConfigError. */
function listenParts(listen: string | undefined): Obj {
  if (!listen) return {};
  const parsed = parseListen(listen);
  if (!parsed.ok) throw new ConfigError([`--listen (AS_LISTEN): ${parsed.error}`]);
  return { host: parsed.value.host ?? '127.0.0.1', port: parsed.value.port };
}

export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`config file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`]);
  }
  // Every syntax error with its line, column and an excerpt with a caret (yaml's prettyErrors).
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `config file ${path}: ${e.message.trimEnd()}`));
  let value: unknown;
  try {
    // An alias to no anchor (`*x`), or too many aliases (yaml's maxAliasCount), fails only here.
    value = doc.toJS() ?? {};
  } catch (e) {
    throw new ConfigError([`config file ${path}: ${errorMessage(e)}`]);
  }
  // A list or a bare word would otherwise be read as an empty config and its content ignored.
  if (!isObj(value)) throw new ConfigError([`config file ${path}: must be a YAML mapping of settings (key: value), not ${Array.isArray(value) ? 'a list' : typeof value}`]);
  return value;
}

/** Validates merged input; throws a ConfigError listing every invalid field by path. */
export function validateConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, input));
  return result.data;
}

/** Files the config names must be readable now, not at the first TLS handshake. */
async function checkFiles(config: Config): Promise<void> {
  const files: [string, string | undefined][] = [['mesos.caFile', config.mesos.caFile]];
  const problems: string[] = [];
  for (const [field, file] of files) {
    if (file === undefined) continue;
    try {
      await access(file, constants.R_OK);
    } catch (e) {
      problems.push(`${field}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
}

/** File, environment and flags merged and validated; throws a ConfigError naming every problem. */
export async function loadConfig(path: string | undefined, overrides: Overrides): Promise<Config> {
  const file = path ? await readConfigFile(path) : {};
  const config = validateConfig(mergeConfig(file, overrides));
  await checkFiles(config);
  return config;
}
