import { z } from 'zod';
import { TRACKED_RESOURCES } from '../model/resources.js';
import { Secret } from '../util/secret.js';
import { LOG_FORMATS } from '../util/log-format.js';
import { prometheusSignalSchema } from '../signals/prometheus-config.js';
import { isIP } from 'node:net';
import { crossCheck } from './cross-checks.js';
import { boundedCount, boundedDuration, boundedSeconds, httpUrl, LIMITS } from './limits.js';
import { liftUrlCredentials } from './url-credentials.js';
import { serviceAccountSchema } from './service-account.js';

export const POLICY_NAMES = ['threshold', 'target', 'pending', 'prometheus', 'trend'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
export const EXPANDERS = ['least-waste', 'priority', 'price', 'random'] as const;

const percent = z.number().min(0).max(100);
// Every number has an upper bound (see limits.ts: nothing may overflow a timer).
const positiveInt = boundedCount(1);
const count = boundedCount(0);
const seconds = boundedSeconds();
const duration = boundedDuration();
const amount = z.number().nonnegative().max(LIMITS.amount);
/** An AWS region code: us-east-1, eu-central-1, us-gov-west-1, cn-north-1, ... */
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region, e.g. us-east-1');
const secret = z
  .union([z.string(), z.instanceof(Secret)])
  .transform((v) => (v instanceof Secret ? v : new Secret(v)));

/** Where a node group's instances live. One entry per provider kind. */
export const providerTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('azure-vmss'),
    vmssName: z.string().min(1),
    /** Defaults to `azure.resourceGroup`. */
    resourceGroup: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('aws-asg'),
    asgName: z.string().min(1),
    /** Defaults to `aws.region`, then the SDK's own chain (AWS_REGION, the shared config). */
    region: awsRegion.optional(),
  }),
  z.strictObject({
    kind: z.literal('exec'),
    /** Shell command line; `describe`, `set-size N` or `delete ID...` is appended as arguments. */
    command: z.string().min(1),
    /** Seconds before a call is killed. */
    timeoutSeconds: boundedSeconds(3600).default(60),
    /** Passed on stdin with the group's name; values under secret-like keys are scrubbed from errors. */
    settings: z.record(z.string(), z.unknown()).default({}),
  }),
  z.strictObject({
    kind: z.literal('gce-mig'),
    /** Project id, e.g. `my-project` (Compute API naming rules: cloud.google.com/compute/docs/naming-resources). */
    project: z.string().regex(/^(?:[a-z][a-z0-9.-]*:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'a GCE project id, e.g. my-project-123'),
    /** Zone of a zonal managed instance group; give this or `region`. */
    zone: z.string().regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, 'a GCE zone, e.g. us-central1-a').optional(),
    /** Region of a regional managed instance group; give this or `zone`. */
    region: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'a GCE region, e.g. us-central1').optional(),
    /** The managed instance group's name. */
    name: z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a GCE resource name: lower-case letters, digits and "-"'),
  }),
  z.strictObject({
    kind: z.literal('openstack-heat'),
    /** Heat stack name or id. */
    stack: z.string().min(1),
    /** Name of the OS::Heat::ResourceGroup in the stack whose members are the agents. */
    resource: z.string().min(1),
    /** Stack parameter that sets the ResourceGroup's count. */
    countParameter: z.string().min(1),
    /** Stack parameter wired to the ResourceGroup's removal_policies (as Magnum and TripleO templates do). */
    removalPolicyParameter: z.string().min(1).default('removal_policies'),
  }),
  z.strictObject({ kind: z.literal('simulated'), name: z.string().min(1).optional() }),
]);
export type ProviderTarget = z.infer<typeof providerTargetSchema>;

/** Shape of a node that a group adds, for planning before any agent of the group exists. */
export const templateSchema = z.strictObject({
  cpus: amount,
  mem: amount,
  disk: amount.default(0),
  gpus: amount.default(0),
  ports: amount.default(0),
  /** Attributes a new agent of this group registers with (defaults to the selector). */
  attributes: z.record(z.string(), z.string()).optional(),
  instanceType: z.string().optional(),
});

export const scaleDownSchema = z.strictObject({
  /** A node is unneeded below this utilization (percent of its own capacity). */
  utilization: percent.default(50),
  unneededTime: duration.default(600),
  delayAfterAdd: duration.default(600),
  maxParallel: positiveInt.default(1),
  drainTimeout: seconds.default(600),
  /**
   * Disruption budget (Karpenter's NodePool `disruption.budgets[].nodes`): at most this many of
   * the group's nodes, or this percentage of them rounded up, draining at once. Default "100%":
   * maxParallel alone binds, as before the budget existed (Karpenter's own default is "10%").
   */
  budget: z.union([count, z.string().regex(/^(100|[1-9]?[0-9])%$/, 'a whole number of nodes or a percentage such as "10%"')]).default('100%'),
  /**
   * How far the threshold policy shrinks once every tracked resource is at or under scaleDownCap:
   * `step` by scaleDownStep nodes (the original tool), `fit` to the fewest nodes that keep every
   * tracked resource under scaleUpCap (then maxParallel and the budget bound each cycle).
   */
  sizing: z.enum(['step', 'fit']).default('step'),
  /**
   * What a node's load (held against `utilization`) is measured in, when the group tracks more
   * than one resource: `every` tracked resource, the node's fullest (cluster-autoscaler's rule),
   * or only the group's `scarcest` one, the resource nearest its up cap, which is the one that
   * costs nodes (planner/scale-down-load.ts). The node's tasks must fit elsewhere on every
   * resource either way.
   */
  load: z.enum(['every', 'scarcest']).default('every'),
  /**
   * Seconds without growth of the group's work after which the threshold policy keeps no
   * headroom: no scale-up at scaleUpCap, and the group may shrink to the fewest nodes that hold
   * its work (planner/headroom.ts). 0 (the default): headroom is always kept.
   */
  headroomIdleTime: duration.default(0),
});

/** The trend policy (planner/trend.ts): demand extrapolated over the time a new node takes to register. */
export const trendSchema = z.strictObject({
  /** Seconds of demand history the growth is measured over (it must show in both halves). */
  window: duration.default(300),
  /** Seconds ahead the demand is extrapolated: about the time from a scale-up to a registered agent. */
  lookahead: duration.default(300),
  /** Utilization (percent) the extrapolated demand is sized to on every tracked resource. */
  utilization: percent.default(95),
});

export const groupSchema = z
  .strictObject({
    name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
    /** Agent attributes that must all match (the original's --attribute-key/--attribute-value). */
    selector: z.record(z.string(), z.string()).default({}),
    resources: z.array(z.enum(TRACKED_RESOURCES)).min(1).default(['cpus']),
    scaleUpCap: percent.default(80),
    scaleDownCap: percent.default(20),
    /**
     * The threshold policy's caps for one resource instead of scaleUpCap/scaleDownCap: a resource
     * that comes in a few large units per node (8 GPUs) keeps a whole unit free only with a lower cap.
     */
    resourceCaps: z.partialRecord(z.enum(TRACKED_RESOURCES), z.strictObject({ up: percent, down: percent })).default({}),
    scaleUpStep: positiveInt.default(2),
    scaleDownStep: positiveInt.default(1),
    min: count.default(3),
    max: count.default(20),
    provisionTimeout: seconds.default(900),
    provider: providerTargetSchema,
    /** Optional target-utilization dead band, percent. */
    targetUtilization: z.strictObject({ low: percent, high: percent }).optional(),
    /** PromQL signal for the `prometheus` policy. */
    prometheus: prometheusSignalSchema.optional(),
    template: templateSchema.optional(),
    /** Price of one node per hour, for the price expander and simulator reports. */
    price: z.number().nonnegative().max(LIMITS.price).default(1),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
    /** Policies that vote on the size: up to the largest need, down only when all agree. */
    policies: z.array(z.enum(POLICY_NAMES)).min(1).default(['threshold', 'pending']),
    /** Most nodes added to this group in one cycle. */
    maxStep: positiveInt.default(50),
    scaleDown: scaleDownSchema.prefault({}),
    trend: trendSchema.prefault({}),
  })
  .superRefine((g, ctx) => {
    if (g.min > g.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${g.min} is above max ${g.max}` });
    if (g.provider.kind === 'gce-mig' && (g.provider.zone === undefined) === (g.provider.region === undefined))
      ctx.addIssue({ code: 'custom', path: ['provider', 'zone'], message: 'give exactly one of zone (zonal group) or region (regional group)' });
    if (g.scaleDownCap >= g.scaleUpCap)
      ctx.addIssue({
        code: 'custom',
        path: ['scaleDownCap'],
        message: `scaleDownCap ${g.scaleDownCap} must be below scaleUpCap ${g.scaleUpCap}`,
      });
    for (const [r, c] of Object.entries(g.resourceCaps)) {
      if (c && c.down >= c.up) ctx.addIssue({ code: 'custom', path: ['resourceCaps', r, 'down'], message: `down ${c.down} must be below up ${c.up}` });
    }
    if (g.policies.includes('target') && !g.targetUtilization)
      ctx.addIssue({ code: 'custom', path: ['targetUtilization'], message: 'the target policy needs targetUtilization { low, high }' });
    if (g.policies.includes('prometheus') && !g.prometheus)
      ctx.addIssue({ code: 'custom', path: ['prometheus'], message: 'the prometheus policy needs prometheus { url, query }' });
    if (g.targetUtilization && g.targetUtilization.low >= g.targetUtilization.high)
      ctx.addIssue({ code: 'custom', path: ['targetUtilization', 'low'], message: 'low must be below high' });
  });
export type GroupConfig = z.infer<typeof groupSchema>;

export const mesosSchema = z.strictObject({
  /** Master URLs (`http://host:5050`); the leader is found from any of them. */
  masters: z.array(httpUrl('http://m1:5050')).min(1),
  username: z.string().optional(),
  password: secret.optional(),
  /** DC/OS service-account or ACS token, sent as `Authorization: token=...`. */
  token: secret.optional(),
  /**
   * DC/OS strict mode: a service account's credential JSON (DCOS_SERVICE_ACCOUNT_CREDENTIAL); the
   * autoscaler logs in with it and renews the token for Mesos and Marathon (src/dcos/session.ts).
   */
  serviceAccount: serviceAccountSchema.optional(),
  caFile: z.string().optional(),
  /** Classic agents endpoint, relative to a master URL (the original's `--endpoint-path` gave `/slaves`). */
  slavesPath: z.string().startsWith('/').default('/master/slaves'),
  /** Which agent API to use: v1 operator API with fallback to `/master/slaves`, or one of them. */
  api: z.enum(['auto', 'v1', 'v0']).default('auto'),
  /**
   * How agents are drained: `drain-agent` (v1 DRAIN_AGENT, Mesos 1.9+), `maintenance` (windows and
   * machine/down, any version), or `auto`: DRAIN_AGENT for agents that report 1.9 or newer.
   */
  drainMethod: z.enum(['auto', 'drain-agent', 'maintenance']).default('auto'),
  /**
   * Where each cycle's agents and tasks come from: `poll` reads the whole state every cycle;
   * `stream` keeps it from the SUBSCRIBE event stream (one full read, then events); `auto` streams
   * when the master serves SUBSCRIBE with heartbeats (Mesos 1.5+), else polls.
   */
  stateFrom: z.enum(['auto', 'poll', 'stream']).default('auto'),
  /** With the stream: a full re-sync at least this often, in case an event was missed (default 10 min). */
  stateResyncSeconds: seconds.default(600),
  /**
   * How GET_STATE is read: `protobuf` (application/x-protobuf, a fraction of the JSON's cost on a
   * large cluster), `json`, or `auto`: protobuf, falling back to JSON for a master that answers 406
   * or sends another content type.
   */
  encoding: z.enum(['auto', 'protobuf', 'json']).default('auto'),
  timeoutMs: z.number().int().min(1).max(LIMITS.requestMs).default(10_000),
  maxResponseBytes: z.number().int().min(1).max(LIMITS.responseBytes).default(256 * 1024 * 1024),
})
  // `http://user:pass@m1:5050` becomes basic auth; the URL kept (and printed) has no user info.
  .transform((m, ctx) => {
    const lifted = liftUrlCredentials(m, m.masters.map((url, i) => ({ path: ['masters', i], url })), ctx);
    return { ...lifted.section, masters: lifted.urls };
  });

export const marathonSchema = z
  .strictObject({
    url: httpUrl('http://marathon.mesos:8080'),
    token: secret.optional(),
    username: z.string().optional(),
    password: secret.optional(),
    /**
     * Where each cycle's launch queue comes from: `poll` reads `/v2/queue` (and `/v2/apps`) every
     * cycle; `events` keeps it from `/v2/events` (one read at connect, then events, reads only where
     * events cannot say); `auto` does so when Marathon serves `/v2/events`, else polls.
     */
    queueFrom: z.enum(['auto', 'poll', 'events']).default('auto'),
    /** With events: `/v2/queue` is read this often and taken where the model disagrees (default 60 s). */
    queueCheckSeconds: seconds.default(60),
  })
  .transform((m, ctx) => {
    const lifted = liftUrlCredentials(m, [{ path: ['url'], url: m.url }], ctx);
    return { ...lifted.section, url: lifted.urls[0] ?? m.url };
  });

export const azureSchema = z.strictObject({
  subscriptionId: z.string().min(1),
  tenantId: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: secret.optional(),
  location: z.string().optional(),
  resourceGroup: z.string().optional(),
  armEndpoint: httpUrl('https://management.azure.com').default('https://management.azure.com'),
});

/** Settings shared by every `gce-mig` group; credentials come from Application Default Credentials. */
export const gceSchema = z.strictObject({
  /** Compute API host (and port) instead of compute.googleapis.com, e.g. `http://127.0.0.1:8089` for tests. */
  apiEndpoint: httpUrl('http://127.0.0.1:8089').optional(),
});

/** Settings shared by every `aws-asg` group; credentials and endpoints come from the SDK's own chain. */
export const awsSchema = z.strictObject({
  region: awsRegion.optional(),
});

export const serverSchema = z.strictObject({
  host: z.string().refine((h) => isIP(h) !== 0 || /^[A-Za-z0-9.-]+$/.test(h), 'an IP address or host name, without brackets or port').default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Bearer token required by every state-changing call. */
  token: secret.optional(),
});

export const configSchema = z
  .strictObject({
    timer: seconds.default(60),
    dryRun: z.boolean().default(false),
    verbosity: z.number().int().min(0).max(4).default(2),
    /** Log lines as JSON, pretty (readable lines), or auto: pretty on a terminal, JSON otherwise. */
    logFormat: z.enum(LOG_FORMATS).default('auto'),
    mesos: mesosSchema,
    marathon: marathonSchema.optional(),
    azure: azureSchema.optional(),
    aws: awsSchema.optional(),
    gce: gceSchema.optional(),
    groups: z.array(groupSchema).min(1),
    server: serverSchema.optional(),
    zk: z.string().optional(),
    /** Observations older than this are stale and the cycle takes no action. */
    staleAfter: seconds.default(120),
    /** How to choose among node groups that could all host waiting work. */
    expander: z.enum(EXPANDERS).default('least-waste'),
    /** Most nodes over all groups together. */
    maxTotalNodes: positiveInt.default(1000),
    /** Framework ids whose tasks keep their agent from being removed. */
    protectedFrameworks: z.array(z.string()).default([]),
    /** Drain agents through Mesos maintenance before deleting them. */
    drain: z.boolean().default(true),
    /** When an observation is doubted: the agent list shrinking by more than `maxAgentDrop` at once is believed after `confirmCycles` cycles. */
    sanity: z
      .strictObject({ maxAgentDrop: z.number().min(0).max(1).default(0.3), confirmCycles: z.number().int().min(1).max(100).default(3) })
      .default({ maxAgentDrop: 0.3, confirmCycles: 3 }),
    /** Seed for the random expander, so the same input gives the same plan. */
    seed: z.number().int().default(1),
  })
  .superRefine((c, ctx) => {
    crossCheck(c, ctx);
    const seen = new Set<string>();
    c.groups.forEach((g, i) => {
      if (seen.has(g.name)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'name'], message: `duplicate group name "${g.name}"` });
      seen.add(g.name);
      if (g.provider.kind === 'azure-vmss') {
        if (!c.azure)
          ctx.addIssue({ code: 'custom', path: ['azure'], message: `group "${g.name}" uses azure-vmss but no azure settings are given` });
        else if (!g.provider.resourceGroup && !c.azure.resourceGroup)
          ctx.addIssue({ code: 'custom', path: ['groups', i, 'provider', 'resourceGroup'], message: 'no resource group (set it here or azure.resourceGroup)' });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
/** Config as written in a file or assembled from flags, before defaults. */
export type ConfigInput = z.input<typeof configSchema>;
