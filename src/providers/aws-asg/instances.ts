import type { Instance as AsgInstance } from '@aws-sdk/client-auto-scaling';
import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import type { Instance, InstanceState } from '../../model/node-group.js';

/**
 * An ASG instance's lifecycle state to the provider-neutral state. The states are those of the
 * Auto Scaling API reference (`Instance.LifecycleState`, `LifecycleState` enum) and the user
 * guide's "Amazon EC2 Auto Scaling instance lifecycle": Pending* is still launching, InService
 * is up, Terminating*, Detaching and Detached are leaving the group. Standby and warm-pool states
 * are neither coming nor going: `unknown`. An in-service instance that Auto Scaling marked
 * Unhealthy is about to be replaced: `failed`.
 */
export function lifecycleState(lifecycle: string | undefined, health: string | undefined): InstanceState {
  const s = lifecycle ?? '';
  if (s.startsWith('Pending')) return 'creating';
  if (s === 'InService') return health?.toLowerCase() === 'unhealthy' ? 'failed' : 'running';
  if (s.startsWith('Terminating') || s === 'Terminated' || s === 'Detaching' || s === 'Detached') return 'deleting';
  return 'unknown';
}

/** What DescribeInstances adds to an ASG member: its addresses, launch time and EC2 state. */
export interface Ec2Details {
  readonly privateIp?: string;
  readonly privateDnsName?: string;
  readonly launchTime?: number;
  readonly ec2State?: string;
}

/** instanceId -> details, from the reservations of DescribeInstances pages. */
export function ec2DetailsById(instances: readonly Ec2Instance[]): Map<string, Ec2Details> {
  const out = new Map<string, Ec2Details>();
  for (const i of instances) {
    if (!i.InstanceId) continue;
    const launched = i.LaunchTime?.getTime();
    out.set(i.InstanceId, {
      ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
      // EC2 answers an empty string for an instance that has no private DNS name (yet).
      ...(i.PrivateDnsName ? { privateDnsName: i.PrivateDnsName } : {}),
      ...(launched !== undefined && Number.isFinite(launched) ? { launchTime: launched } : {}),
      ...(i.State?.Name ? { ec2State: i.State.Name } : {}),
    });
  }
  return out;
}

/**
 * One ASG member as an Instance. The private DNS name is the hostname Mesos agents on EC2
 * register with by default; the private IP is what machine matching prefers. EC2's own state
 * wins when it says the instance is going away (shutting-down, terminated, stopping).
 */
export function toInstance(member: AsgInstance, details: ReadonlyMap<string, Ec2Details>): Instance | undefined {
  const id = member.InstanceId;
  if (!id) return undefined;
  const d = details.get(id);
  const ec2Gone = d?.ec2State === 'shutting-down' || d?.ec2State === 'terminated' || d?.ec2State === 'stopping' || d?.ec2State === 'stopped';
  return {
    id,
    state: ec2Gone ? 'deleting' : lifecycleState(member.LifecycleState, member.HealthStatus),
    ...(d?.privateDnsName ? { hostname: d.privateDnsName } : {}),
    ...(d?.privateIp ? { privateIp: d.privateIp } : {}),
    ...(d?.launchTime !== undefined ? { createdAt: d.launchTime } : {}),
  };
}
