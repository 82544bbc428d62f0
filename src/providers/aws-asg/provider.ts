import type { Config } from '../../config/schema.js';
import type { Instance, NodeGroupState } from '../../model/node-group.js';
import type { Logger } from '../../util/logger.js';
import type { Secret } from '../../util/secret.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef } from '../provider.js';
import { secretsFromEnv } from '../redact.js';
import { toProviderError } from './errors.js';
import { ec2DetailsById, toInstance } from './instances.js';
import { readGroup, readInstances, sendOptions, type AsgTarget, type Clients } from './reads.js';

export type AwsSettings = NonNullable<Config['aws']>;

export interface AwsAsgProviderOptions {
  /** Attempts per call, the first included; the SDK's standard retry mode backs off throttling and 5xx (default 5). */
  readonly maxAttempts?: number;
  /** Socket timeout of one HTTP request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Where credential-like variables are read from, to scrub their values from errors (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Node groups backed by EC2 Auto Scaling groups, through the AWS SDK v3.
 *
 * Credentials come from the SDK's default chain and endpoints from its own variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_AUTO_SCALING, AWS_ENDPOINT_URL_EC2); nothing here overrides
 * them. The SDK is imported on first use, so it loads only when an aws-asg group is configured.
 *
 * As cluster-autoscaler does (cloudprovider/aws/auto_scaling_groups.go, `setAsgSizeNoLock` and
 * `DeleteInstances`): the size is set with SetDesiredCapacity and HonorCooldown false, and exact
 * instances are removed one by one with TerminateInstanceInAutoScalingGroup and
 * ShouldDecrementDesiredCapacity true, after checking that each belongs to this group (the call
 * itself takes only an instance id and would terminate a member of any group).
 */
export class AwsAsgProvider implements NodeGroupProvider {
  readonly kind = 'aws-asg';
  private readonly log: Logger;
  private readonly clients = new Map<string, Promise<Clients>>();
  private readonly maxAttempts: number;
  private readonly requestTimeoutMs: number;
  private readonly secrets: readonly Secret[];

  constructor(
    private readonly aws: AwsSettings | undefined,
    logger: Logger,
    options: AwsAsgProviderOptions = {},
  ) {
    this.log = logger.child({ provider: 'aws-asg' });
    this.maxAttempts = options.maxAttempts ?? 5;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.secrets = secretsFromEnv(options.env ?? process.env);
  }

  async describe(group: NodeGroupRef, options: CallOptions = {}): Promise<NodeGroupState> {
    const t = this.target(group);
    return this.call('describe', group, t, async () => {
      const c = await this.clientsFor(t.region);
      const asg = await readGroup(c, t, 'describe', options.signal);
      const members = asg.Instances ?? [];
      const details = ec2DetailsById(await readInstances(c, members.map((m) => m.InstanceId).filter((id): id is string => !!id), options.signal));
      const instances = members.map((m) => toInstance(m, details)).filter((i): i is Instance => i !== undefined);
      return {
        desired: asg.DesiredCapacity ?? instances.length,
        ...(asg.MinSize !== undefined ? { min: asg.MinSize } : {}),
        ...(asg.MaxSize !== undefined ? { max: asg.MaxSize } : {}),
        instances,
      };
    });
  }

  async setDesiredSize(group: NodeGroupRef, size: number, options: CallOptions = {}): Promise<void> {
    const t = this.target(group);
    if (!Number.isInteger(size) || size < 0)
      throw new ProviderError(`setDesiredSize ${group.name}: size ${size} is not a whole number >= 0`, 'invalid', false);
    await this.call('setDesiredSize', group, t, async () => {
      const c = await this.clientsFor(t.region);
      // HonorCooldown false: the autoscaler decides its own pacing; an ASG cooldown would silently delay it.
      await c.asg.send(
        new c.asgSdk.SetDesiredCapacityCommand({ AutoScalingGroupName: t.asgName, DesiredCapacity: size, HonorCooldown: false }),
        sendOptions(options.signal),
      );
    });
    this.log.info({ group: group.name, ...t, size }, 'auto scaling group desired capacity set');
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[], options: CallOptions = {}): Promise<void> {
    const t = this.target(group);
    if (ids.length === 0) return;
    if (ids.some((id) => id.trim() === '')) throw new ProviderError(`deleteInstances ${group.name}: empty instance id`, 'invalid', false);
    const terminated: string[] = [];
    await this.call('deleteInstances', group, t, async () => {
      const c = await this.clientsFor(t.region);
      const members = new Map((await readGroup(c, t, 'deleteInstances', options.signal)).Instances?.map((m) => [m.InstanceId ?? '', m] as const) ?? []);
      // An id no longer in the group is fine when EC2 says it is gone or going (terminated in an
      // earlier cycle whose answer was lost); a running instance outside the group is refused.
      const outside = ids.filter((id) => !members.has(id));
      const gone = new Set(
        (outside.length > 0 ? await readInstances(c, outside, options.signal) : [])
          .filter((i) => i.State?.Name === 'terminated' || i.State?.Name === 'shutting-down')
          .map((i) => i.InstanceId ?? ''),
      );
      const strangers = outside.filter((id) => !gone.has(id));
      if (strangers.length > 0)
        throw new ProviderError(
          `deleteInstances ${t.asgName}: ${strangers.join(', ')} ${strangers.length === 1 ? 'is' : 'are'} not in the group; nothing terminated`,
          'invalid',
          false,
        );
      for (const id of ids) {
        if (gone.has(id)) continue;
        // Already on its way out (by us in an earlier cycle, or by Auto Scaling): asking again would fail.
        const state = members.get(id)?.LifecycleState ?? '';
        if (state.startsWith('Terminating') || state === 'Terminated') continue;
        try {
          const out = await c.asg.send(
            new c.asgSdk.TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true }),
            sendOptions(options.signal),
          );
          terminated.push(id);
          this.log.debug({ group: group.name, instanceId: id, activity: out.Activity?.ActivityId, description: out.Activity?.Description }, 'terminate activity started');
        } catch (e) {
          const pe = toProviderError(`deleteInstances ${t.asgName}: terminate ${id}`, e, this.secrets);
          const done = terminated.length > 0 ? `; already terminated: ${terminated.join(', ')}` : '';
          throw new ProviderError(`${pe.message}${done}`, pe.kind, pe.retryable);
        }
      }
    });
    this.log.info({ group: group.name, ...t, instanceIds: ids }, 'auto scaling group instances terminated');
  }

  private target(group: NodeGroupRef): AsgTarget {
    const asgName = group.target['asgName'];
    if (!asgName) throw new ProviderError(`node group ${group.name}: no asgName in its target`, 'invalid', false);
    return { asgName, region: group.target['region'] || this.aws?.region || '' };
  }

  /** One pair of clients per region, built (and the SDK imported) on first use. */
  private clientsFor(region: string): Promise<Clients> {
    let p = this.clients.get(region);
    if (!p) {
      p = (async () => {
        const [asgSdk, ec2Sdk] = await Promise.all([import('@aws-sdk/client-auto-scaling'), import('@aws-sdk/client-ec2')]);
        const common = {
          ...(region ? { region } : {}),
          maxAttempts: this.maxAttempts,
          retryMode: 'standard',
          requestHandler: { requestTimeout: this.requestTimeoutMs, connectionTimeout: Math.min(this.requestTimeoutMs, 10_000) },
        };
        return { asgSdk, ec2Sdk, asg: new asgSdk.AutoScalingClient(common), ec2: new ec2Sdk.EC2Client(common) };
      })();
      // A failed import is not cached: the next call tries again.
      p.catch(() => this.clients.delete(region));
      this.clients.set(region, p);
    }
    return p;
  }

  private async call<T>(op: string, group: NodeGroupRef, t: AsgTarget, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.log.debug({ op, group: group.name, ...t, ms: Date.now() - started }, 'aws call done');
      return result;
    } catch (e) {
      const pe = toProviderError(`${op} ${t.asgName}`, e, this.secrets);
      this.log.warn({ op, group: group.name, ...t, ms: Date.now() - started, kind: pe.kind, retryable: pe.retryable, err: pe.message }, 'aws call failed');
      throw pe;
    }
  }
}
