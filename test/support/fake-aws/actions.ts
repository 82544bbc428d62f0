import { randomUUID } from 'node:crypto';
import type { FakeAsg, FakeAwsState, FakeInstance } from './state.js';
import { asgResponse, ec2Response, type Node } from './xml.js';

/**
 * The four actions the aws-asg provider calls, with the checks and answers their API references
 * document (EC2 Auto Scaling: DescribeAutoScalingGroups, SetDesiredCapacity,
 * TerminateInstanceInAutoScalingGroup; EC2: DescribeInstances).
 */
export interface ActionContext {
  readonly state: FakeAwsState;
  readonly pageSize: number;
  readonly terminatingReads: number;
  readonly onTerminate: ((instance: FakeInstance, group: FakeAsg) => void) | undefined;
}

/** An error as the service answers it: code, HTTP status, message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Values of a Query list: `prefix.1`, `prefix.2`, ... in order. */
function list(params: Record<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`] ?? '');
  return out;
}

const EC2_STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** One Auto Scaling Query action; throws ApiError as the service answers errors. */
export function asgAction(ctx: ActionContext, action: string, p: Record<string, string>, requestId: string): string {
  const { state } = ctx;
    switch (action) {
      case 'DescribeAutoScalingGroups': {
        const names = list(p, 'AutoScalingGroupNames.member');
        const groups = [...state.groups.values()].filter((g) => names.length === 0 || names.includes(g.name));
        for (const g of groups) state.tick(g);
        return asgResponse(action, { AutoScalingGroups: groups.map(groupXml) }, requestId);
      }
      case 'SetDesiredCapacity': {
        const g = state.groups.get(p['AutoScalingGroupName'] ?? '');
        if (!g) throw new ApiError('ValidationError', 400, `AutoScalingGroup name not found - no such group: ${p['AutoScalingGroupName'] ?? ''}`);
        const size = Number(p['DesiredCapacity']);
        if (!Number.isInteger(size)) throw new ApiError('ValidationError', 400, 'DesiredCapacity must be an integer');
        if (size > g.max) throw new ApiError('ValidationError', 400, `New SetDesiredCapacity value ${size} is above max value ${g.max} for the AutoScalingGroup.`);
        if (size < g.min) throw new ApiError('ValidationError', 400, `New SetDesiredCapacity value ${size} is below min value ${g.min} for the AutoScalingGroup.`);
        g.desired = size;
        // Scale-in by size alone: Auto Scaling picks instances by its termination policy (oldest first here).
        const staying = (): FakeInstance[] => g.instances.filter((i) => i.lifecycleState !== 'Terminating');
        for (let members = staying(); members.length > size && members[0]; members = staying()) state.terminate(g, members[0], false, ctx.terminatingReads);
        state.converge(g);
        return asgResponse(action, undefined, requestId);
      }
      case 'TerminateInstanceInAutoScalingGroup': {
        const id = p['InstanceId'] ?? '';
        const decrement = p['ShouldDecrementDesiredCapacity'] === 'true';
        const g = [...state.groups.values()].find((x) => x.instances.some((i) => i.id === id));
        const inst = g?.instances.find((i) => i.id === id);
        // Wording as AWS answers (seen in yaybu/touchdown#51 and reproio/ecs_deploy#47).
        if (!g || !inst) throw new ApiError('ValidationError', 400, `Instance Id not found - No managed instance found for instance ID: ${id}`);
        if (inst.lifecycleState.startsWith('Terminating')) throw new ApiError('ValidationError', 400, `The instance ${id} is not in InService or Standby.`);
        if (decrement && g.desired <= g.min)
          throw new ApiError('ValidationError', 400, `Currently, desiredSize equals minSize (${g.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`);
        ctx.onTerminate?.(inst, g);
        state.terminate(g, inst, decrement, ctx.terminatingReads);
        return asgResponse(action, {
          Activity: {
            ActivityId: randomUUID(),
            AutoScalingGroupName: g.name,
            Description: `Terminating EC2 instance: ${id}`,
            Cause: `At ${new Date().toISOString()} instance ${id} was taken out of service in response to a user request${decrement ? ', shrinking the capacity' : ''}.`,
            StartTime: new Date().toISOString(),
            StatusCode: 'InProgress',
            Progress: 0,
          },
        }, requestId);
      }
      default:
        throw new ApiError('InvalidAction', 400, `Could not find operation ${action}`);
    }
}

/** One EC2 Query action (DescribeInstances). */
export function ec2Action(ctx: ActionContext, action: string, p: Record<string, string>, requestId: string): string {
  const { state } = ctx;
    const ids = list(p, 'InstanceId');
    const filters = new Map<string, string[]>();
    for (let i = 1; p[`Filter.${i}.Name`] !== undefined; i++) filters.set(p[`Filter.${i}.Name`] ?? '', list(p, `Filter.${i}.Value`));
    for (const name of filters.keys()) if (name !== 'instance-id') throw new ApiError('InvalidParameterValue', 400, `The filter '${name}' is invalid`);
    const byFilter = filters.get('instance-id');
    if (byFilter && byFilter.length > 200) throw new ApiError('InvalidParameterValue', 400, 'The maximum number of filter values specified on a single call is 200');
    const missing = ids.filter((id) => !state.instances.has(id));
    if (missing.length > 0) throw new ApiError('InvalidInstanceID.NotFound', 400, `The instance IDs '${missing.join(', ')}' do not exist`);
    const all = [...state.instances.values()].filter((i) => (ids.length === 0 || ids.includes(i.id)) && (!byFilter || byFilter.includes(i.id)));
    const start = Number(p['NextToken'] ?? '0');
    const size = Math.min(ctx.pageSize, p['MaxResults'] ? Number(p['MaxResults']) : Infinity);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    const result: Node = {
      reservationSet: page.map((i) => ({
        reservationId: `r-${i.id.slice(2)}`,
        ownerId: '123456789012',
        groupSet: [],
        instancesSet: [instanceXml(i)],
      })),
      nextToken: next,
    };
    return ec2Response(action, result, requestId);
}

function groupXml(g: FakeAsg): Node {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:${randomUUID()}:autoScalingGroupName/${g.name}`,
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    CreatedTime: '2026-01-01T00:00:00.000Z',
    Instances: g.instances.map((i) => ({
      InstanceId: i.id,
      InstanceType: 'm5.xlarge',
      AvailabilityZone: i.availabilityZone,
      LifecycleState: i.lifecycleState,
      HealthStatus: i.healthStatus,
      ProtectedFromScaleIn: false,
    })),
  };
}

function instanceXml(i: FakeInstance): Node {
  return {
    instanceId: i.id,
    imageId: 'ami-0abcdef1234567890',
    instanceState: { code: EC2_STATE_CODES[i.ec2State] ?? 16, name: i.ec2State },
    privateDnsName: i.privateDnsName,
    dnsName: '',
    instanceType: 'm5.xlarge',
    launchTime: i.launchTime.toISOString(),
    placement: { availabilityZone: i.availabilityZone },
    privateIpAddress: i.privateIp,
  };
}
