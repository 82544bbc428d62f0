import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, type Overrides } from '../config/load.js';
import { TRACKED_RESOURCES, type TrackedResource } from '../model/resources.js';
import { parseListen } from '../util/url.js';

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
  return n;
}

function trackers(value: string, previous: TrackedResource[] | undefined): TrackedResource[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(TRACKED_RESOURCES as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`"${part}" is not one of ${TRACKED_RESOURCES.join(', ')}`);
    }
    if (!out.includes(part as TrackedResource)) out.push(part as TrackedResource);
  }
  return out;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Checks `--listen` (and AS_LISTEN) when parsed, so a bad address is a usage error (exit 2). */
function listen(value: string): string {
  // An empty AS_LISTEN (a template's unset field) keeps its old meaning: the default address.
  if (value.trim() === '') return value;
  const parsed = parseListen(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.error);
  return value;
}

/** Options only the long-running service reads; `plan` neither takes nor lists them (`validate` checks them for `run`). */
const SERVICE_ONLY = new Set(['--dry-run', '--zk', '--listen', '--server-token']);
const count = (_: string | undefined, previous: number | undefined): number => (previous ?? 0) + 1;

/**
 * The original dcos-autoscaler's options, with its names and environment
 * variables, plus ours. Defaults live in the config schema, not here, so that
 * a value given in a config file is only overridden by what the user set.
 */
export function addAutoscalerOptions(cmd: Command, scope: { service?: boolean } = {}): Command {
  const opts: Option[] = [
    new Option('--config <file>', 'YAML config file with node groups').env('AS_CONFIG'),
    new Option('--provider-name <name>', 'cloud of the node group: Azure, AWS, GCE, OpenStack or exec (case-insensitive)').env('AS_PROVIDER_NAME'),
    new Option('--timer <seconds>', 'seconds between checks [60]').env('AS_TIMER').argParser(number),
    new Option('--scale-up-cap <percent>', 'scale up when a tracked resource reaches this utilization [80]').env('AS_SCALE_UP_MAX').argParser(number),
    new Option('--scale-down-cap <percent>', 'scale down when every tracked resource is at or under this [20]').env('AS_SCALE_DOWN_MAX').argParser(number),
    new Option('--scale-up-step <nodes>', 'nodes added per scale-up [2]').env('AS_SCALE_UP_STEP').argParser(number),
    new Option('--scale-down-step <nodes>', 'nodes removed per scale-down [1]').env('AS_SCALE_DOWN_STEP').argParser(number),
    new Option('--scale-max <nodes>', 'maximum nodes [20]').env('AS_SCALE_MAX').argParser(number),
    new Option('--scale-min <nodes>', 'minimum nodes [3]').env('AS_SCALE_MIN').argParser(number),
    new Option('--endpoint-path <url>', 'Mesos master agents endpoint [http://leader.mesos:5050/slaves]').env('AS_ENDPOINT'),
    new Option('--master <url>', 'Mesos master URL (repeatable); the leader is found from any').argParser(collect),
    new Option('--resource-tracker <resource>', 'cpus, mem, disk or gpus; repeat or comma-separate to scale on the worst [cpus]').env('AS_RESOURCE_TRACKER').argParser(trackers),
    new Option('--attribute-key <key>', 'agent attribute selecting the node group [workload]').env('AS_ATTRIBUTE_KEY'),
    new Option('--attribute-value <value>', 'value of that attribute [stateless]').env('AS_ATTRIBUTE_VALUE'),
    new Option('--azure-subscription-id <id>').env('AZURE_SUBSCRIPTION_ID'),
    new Option('--azure-tenant-id <id>').env('AZURE_TENANT_ID'),
    new Option('--azure-client-id <id>').env('AZURE_CLIENT_ID'),
    new Option('--azure-client-secret <secret>', 'service principal secret (env AZURE_CLIENT_SECRET or AZURE_SECRET_ID)').env('AZURE_CLIENT_SECRET'),
    new Option('--azure-location <location>').env('AZURE_LOCATION'),
    new Option('--azure-resource-group <name>').env('AZURE_RG'),
    new Option('--azure-vmss-name <name>').env('AZURE_VMSS'),
    new Option('--azure-arm-endpoint <url>', 'Azure Resource Manager endpoint [https://management.azure.com]').env('AZURE_ARM_ENDPOINT'),
    // AWS credentials and endpoints come from the SDK's own chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...).
    new Option('--aws-region <region>', 'AWS region of the Auto Scaling group [the SDK\'s: AWS_REGION, shared config]'),
    new Option('--aws-asg-name <name>', 'Auto Scaling group of the node group (with --provider-name aws)').env('AS_AWS_ASG_NAME'),
    new Option('--exec-command <command>', 'command managing the node group (with --provider-name exec): run as <command> describe|set-size N|delete ID...').env('AS_EXEC_COMMAND'),
    new Option('--exec-timeout <seconds>', 'seconds before an exec call is killed [60]').env('AS_EXEC_TIMEOUT').argParser(number),
    // GCE credentials: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, the metadata server).
    new Option('--gce-project <id>', 'project of the managed instance group (with --provider-name gce)').env('GCE_PROJECT'),
    new Option('--gce-zone <zone>', 'zone of a zonal managed instance group').env('GCE_ZONE'),
    new Option('--gce-region <region>', 'region of a regional managed instance group').env('GCE_REGION'),
    new Option('--gce-mig-name <name>', 'managed instance group of the node group').env('AS_GCE_MIG_NAME'),
    new Option('--gce-api-endpoint <url>', 'Compute API endpoint, e.g. http://127.0.0.1:8089 for a local test server [https://compute.googleapis.com]').env('GCE_API_ENDPOINT'),
    // OpenStack credentials, region and interface: the standard OS_* variables of an openrc file.
    new Option('--openstack-stack <name>', 'Heat stack of the node group (with --provider-name openstack)').env('AS_OPENSTACK_STACK'),
    new Option('--openstack-resource <name>', 'its OS::Heat::ResourceGroup whose members are the agents').env('AS_OPENSTACK_RESOURCE'),
    new Option('--openstack-count-parameter <name>', 'stack parameter that sets the group\'s count').env('AS_OPENSTACK_COUNT_PARAMETER'),
    new Option('--openstack-removal-policy-parameter <name>', 'stack parameter feeding the group\'s removal_policies [removal_policies]').env('AS_OPENSTACK_REMOVAL_POLICY_PARAMETER'),
    new Option('--marathon-url <url>', 'Marathon URL, for its launch queue').env('AS_MARATHON_URL'),
    new Option('--mesos-username <name>', 'HTTP basic auth user for Mesos').env('MESOS_USERNAME'),
    new Option('--mesos-password <password>').env('MESOS_PASSWORD'),
    new Option('--mesos-token <token>', 'DC/OS service account token').env('DCOS_AUTH_TOKEN'),
    new Option('--dcos-service-account-credential <json>', 'DC/OS strict mode: service-account credential JSON {uid, private_key, login_endpoint}; logs in and renews the token').env('DCOS_SERVICE_ACCOUNT_CREDENTIAL'),
    new Option('--mesos-ca-file <file>', 'CA bundle for TLS to Mesos').env('MESOS_CA_FILE'),
    new Option('--mesos-api <api>', 'agents API').choices(['auto', 'v1', 'v0']),
    new Option('--scale-down-utilization <percent>', 'a node is unneeded under this utilization [50]').argParser(number),
    new Option('--scale-down-unneeded-time <seconds>', 'how long a node must be unneeded before removal [600; 0 without --config]').argParser(number),
    new Option('--scale-down-delay-after-add <seconds>', 'no scale-down this long after a scale-up [600; 0 without --config]').argParser(number),
    new Option('--max-scale-down-parallel <nodes>', 'most nodes draining at once per group [1]').argParser(number),
    new Option('--max-node-provision-time <seconds>', 'wait this long for new nodes to register [900]').argParser(number),
    new Option('--expander <name>', 'least-waste, priority, price or random [least-waste]').choices(['least-waste', 'priority', 'price', 'random']),
    // No .env(): commander turns a boolean option on for any value, so AS_DRY_RUN=false would mean on.
    new Option('--dry-run', 'decide and log, change nothing (env AS_DRY_RUN=true|false|1|0)'),
    new Option('--zk <url>', 'ZooKeeper for leader election, zk://host:2181/mesos-autoscaler').env('AS_ZK'),
    new Option('--listen <host:port>', 'HTTP server address (metrics, status), e.g. 127.0.0.1:8080, [::1]:8080, :8080').env('AS_LISTEN').argParser(listen),
    new Option('--server-token <token>', 'bearer token for state-changing HTTP calls').env('AS_SERVER_TOKEN'),
    new Option('--log-format <format>', 'log lines as json, pretty, or auto: pretty on a terminal, json otherwise [auto]').env('AS_LOG_FORMAT').choices(['auto', 'json', 'pretty']),
    new Option('-v, --verbose', '-v warnings, -vv info (default), -vvv debug, -vvvv trace (env AS_VERBOSE=0..4)').argParser(count),
  ];
  for (const o of opts) if (scope.service !== false || !SERVICE_ONLY.has(o.long ?? '')) cmd.addOption(o);
  return cmd;
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** What the user set by flag or environment, in config terms; throws a ConfigError for a bad AS_DRY_RUN. */
export function overridesFrom(raw: Raw, env: NodeJS.ProcessEnv): Overrides {
  const endpoint = str(raw['endpointPath']);
  const masters = raw['master'] as string[] | undefined;
  return {
    providerName: str(raw['providerName']),
    timer: num(raw['timer']),
    scaleUpCap: num(raw['scaleUpCap']),
    scaleDownCap: num(raw['scaleDownCap']),
    scaleUpStep: num(raw['scaleUpStep']),
    scaleDownStep: num(raw['scaleDownStep']),
    scaleMax: num(raw['scaleMax']),
    scaleMin: num(raw['scaleMin']),
    endpointPath: endpoint,
    masters,
    resourceTrackers: raw['resourceTracker'] as TrackedResource[] | undefined,
    attributeKey: str(raw['attributeKey']),
    attributeValue: str(raw['attributeValue']),
    azureSubscriptionId: str(raw['azureSubscriptionId']),
    azureTenantId: str(raw['azureTenantId']),
    azureClientId: str(raw['azureClientId']),
    // The original's DC/OS package passed the secret as AZURE_SECRET_ID.
    azureClientSecret: str(raw['azureClientSecret']) ?? (env['AZURE_SECRET_ID'] || undefined),
    azureLocation: str(raw['azureLocation']),
    azureResourceGroup: str(raw['azureResourceGroup']),
    azureVmssName: str(raw['azureVmssName']),
    azureArmEndpoint: str(raw['azureArmEndpoint']),
    awsRegion: str(raw['awsRegion']),
    awsAsgName: str(raw['awsAsgName']),
    execCommand: str(raw['execCommand']),
    execTimeout: num(raw['execTimeout']),
    gceProject: str(raw['gceProject']),
    gceZone: str(raw['gceZone']),
    gceRegion: str(raw['gceRegion']),
    gceMigName: str(raw['gceMigName']),
    gceApiEndpoint: str(raw['gceApiEndpoint']),
    openstackStack: str(raw['openstackStack']),
    openstackResource: str(raw['openstackResource']),
    openstackCountParameter: str(raw['openstackCountParameter']),
    openstackRemovalPolicyParameter: str(raw['openstackRemovalPolicyParameter']),
    marathonUrl: str(raw['marathonUrl']),
    mesosUsername: str(raw['mesosUsername']),
    mesosPassword: str(raw['mesosPassword']),
    mesosToken: str(raw['mesosToken']),
    dcosServiceAccountCredential: str(raw['dcosServiceAccountCredential']),
    mesosCaFile: str(raw['mesosCaFile']),
    mesosApi: raw['mesosApi'] as Overrides['mesosApi'],
    dryRun: raw['dryRun'] === true ? true : envBoolean('AS_DRY_RUN', env['AS_DRY_RUN']),
    scaleDownUtilization: num(raw['scaleDownUtilization']),
    scaleDownUnneededTime: num(raw['scaleDownUnneededTime']),
    scaleDownDelayAfterAdd: num(raw['scaleDownDelayAfterAdd']),
    maxScaleDownParallel: num(raw['maxScaleDownParallel']),
    maxNodeProvisionTime: num(raw['maxNodeProvisionTime']),
    expander: str(raw['expander']),
    zk: str(raw['zk']),
    listen: str(raw['listen']),
    serverToken: str(raw['serverToken']),
    verbosity: num(raw['verbose']) ?? verbosityFromEnv(env['AS_VERBOSE']),
    logFormat: raw['logFormat'] as Overrides['logFormat'],
  };
}

/** `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off` (any case); unset or empty is no override. */
export function envBoolean(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw new ConfigError([`${name}: "${v}" is not a boolean (true, false, 1 or 0)`]);
}

function verbosityFromEnv(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? Math.max(0, Math.min(4, n)) : undefined;
}
