import type { AutoScalingClient, AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { EC2Client, Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { ProviderError } from '../provider.js';

type AsgSdk = typeof import('@aws-sdk/client-auto-scaling');
type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

/** The SDK modules (imported on first use) and one region's clients. */
export interface Clients {
  readonly asgSdk: AsgSdk;
  readonly ec2Sdk: Ec2Sdk;
  readonly asg: AutoScalingClient;
  readonly ec2: EC2Client;
}

/** Which Auto Scaling group, where. */
export interface AsgTarget {
  readonly asgName: string;
  /** Empty: the SDK's own region chain (AWS_REGION, the shared config file). */
  readonly region: string;
}

/** The SDK's per-call options: the call's deadline signal aborts the request and its retries. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

/** EC2 accepts at most 200 values in one filter (DescribeInstances, "Filter" limits). */
const IDS_PER_FILTER = 200;

/** The group as DescribeAutoScalingGroups lists it; an unknown name (an empty list on AWS) is not-found. */
export async function readGroup(c: Clients, t: AsgTarget, op: string, signal?: AbortSignal): Promise<AutoScalingGroup> {
  const out = await c.asg.send(new c.asgSdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.asgName] }), sendOptions(signal));
  const asg = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === t.asgName);
  if (!asg)
    throw new ProviderError(`${op} ${t.asgName}: auto scaling group ${t.asgName} not found${t.region ? ` in ${t.region}` : ''}`, 'not-found', false);
  return asg;
}

/**
 * The EC2 view of the members. A filter on instance-id, not InstanceIds: an id EC2 does not know
 * yet (eventual consistency right after launch) or any more is left out instead of failing the
 * whole call with InvalidInstanceID.NotFound (EC2 API reference, DescribeInstances).
 */
export async function readInstances(c: Clients, ids: readonly string[], signal?: AbortSignal): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
    const chunk = ids.slice(i, i + IDS_PER_FILTER);
    const pages = c.ec2Sdk.paginateDescribeInstances(
      { client: c.ec2, pageSize: 1000 },
      { Filters: [{ Name: 'instance-id', Values: chunk }] },
      sendOptions(signal),
    );
    for await (const page of pages) for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
  }
  return out;
}
