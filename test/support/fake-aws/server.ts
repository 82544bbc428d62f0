import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeAwsState, type AsgSpec, type FakeAsg, type FakeInstance } from './state.js';
import { asgError, asgResponse, ec2Error, ec2Response, type Node } from './xml.js';

export type Service = 'autoscaling' | 'ec2';

/** One request as the fake saw it. */
export interface AwsCall {
  readonly service: Service | 'unknown';
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly accessKeyId?: string;
  status: number;
  /** Answered by an injected fault. */
  fault: boolean;
}

export interface Fault {
  readonly code: string;
  readonly status: number;
  readonly message?: string;
  /** Only requests of this action fail; others pass. */
  readonly action?: string;
}

export interface StartFakeAwsOptions {
  readonly groups?: readonly AsgSpec[];
  /** The access key the fake accepts; others get InvalidClientTokenId. */
  readonly accessKeyId?: string;
  /** DescribeInstances page size (EC2 pages reservations with NextToken). */
  readonly pageSize?: number;
  /** Echo the request's Authorization header in error messages, as a careless server might. */
  readonly leakyErrors?: boolean;
  /** Group reads during which a terminated instance is still listed as Terminating (default 2). */
  readonly terminatingReads?: number;
}

export interface FakeAws {
  /** `http://127.0.0.1:PORT`: for AWS_ENDPOINT_URL (both services are served here). */
  readonly endpoint: string;
  readonly state: FakeAwsState;
  readonly calls: AwsCall[];
  /** Calls of one action, faults included. */
  callsOf(action: string): AwsCall[];
  /** The next `count` matching requests fail with this error. */
  fail(count: number, fault: Fault): void;
  /** Runs when an instance is terminated, before the answer (e2e tests look at Mesos here). */
  onTerminate?: (instance: FakeInstance, group: FakeAsg) => void;
  close(): Promise<void>;
}

const VERSIONS: Record<Service, string> = { autoscaling: '2011-01-01', ec2: '2016-11-15' };
const ACTIONS: Record<string, Service> = {
  DescribeAutoScalingGroups: 'autoscaling',
  SetDesiredCapacity: 'autoscaling',
  TerminateInstanceInAutoScalingGroup: 'autoscaling',
  DescribeInstances: 'ec2',
};
const EC2_STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/autoscaling/aws4_request, ...` -> its scope. */
function credentialScope(auth: string | undefined): { accessKeyId: string; region: string; service: string } | undefined {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth ?? '');
  return m && m[1] && m[2] && m[3] ? { accessKeyId: m[1], region: m[2], service: m[3] } : undefined;
}

/** Values of a Query list: `prefix.1`, `prefix.2`, ... in order. */
function list(params: Record<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`] ?? '');
  return out;
}

/**
 * A local server speaking the AWS Query protocol of EC2 Auto Scaling (2011-01-01) and the EC2
 * Query protocol (2016-11-15) for the four actions the aws-asg provider uses, with the behaviour
 * their API references document: validation errors for sizes outside min/max and for instances
 * that are not members, empty results for unknown groups, instance-id filters and NextToken pages.
 */
export async function startFakeAws(options: StartFakeAwsOptions = {}): Promise<FakeAws> {
  const state = new FakeAwsState(options.groups ?? [{ name: 'mesos-agents' }]);
  const calls: AwsCall[] = [];
  const faults: { remaining: number; fault: Fault }[] = [];
  const accessKeyId = options.accessKeyId ?? 'AKIAFAKEFAKEFAKE0001';
  const pageSize = options.pageSize ?? 1000;

  const fake: FakeAws = {
    endpoint: '',
    state,
    calls,
    callsOf: (action) => calls.filter((c) => c.action === action),
    fail: (count, fault) => faults.push({ remaining: count, fault }),
    close: () => new Promise((r) => server.close(() => r())),
  };

  const answer = (res: ServerResponse, call: AwsCall, status: number, body: string): void => {
    call.status = status;
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() }).end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const action = params['Action'] ?? '';
    const scope = credentialScope(req.headers.authorization);
    const service = ACTIONS[action] ?? 'unknown';
    const call: AwsCall = {
      service,
      action,
      params,
      ...(scope ? { region: scope.region, accessKeyId: scope.accessKeyId } : {}),
      status: 0,
      fault: false,
    };
    calls.push(call);
    const requestId = randomUUID();
    const error = (e: ApiError): void => {
      const message = options.leakyErrors ? `${e.message} (request had Authorization: ${req.headers.authorization ?? ''})` : e.message;
      answer(res, call, e.status, service === 'ec2' ? ec2Error(e.code, message, requestId) : asgError(e.code, message, requestId, e.status >= 500 ? 'Receiver' : 'Sender'));
    };
    try {
      if (req.method !== 'POST' || req.url !== '/') throw new ApiError('InvalidAction', 400, `${req.method} ${req.url} is not a Query API call`);
      if (service === 'unknown') throw new ApiError('InvalidAction', 400, `Could not find operation ${action}`);
      if (!scope) throw new ApiError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
      if (scope.service !== service) throw new ApiError('SignatureDoesNotMatch', 403, `Credential should be scoped to correct service: '${service}'.`);
      if (scope.accessKeyId !== accessKeyId) throw new ApiError(service === 'ec2' ? 'AuthFailure' : 'InvalidClientTokenId', service === 'ec2' ? 401 : 403, 'The security token included in the request is invalid.');
      if (params['Version'] !== VERSIONS[service]) throw new ApiError('InvalidParameterValue', 400, `Version ${params['Version'] ?? '(none)'} is not supported`);
      const f = faults.find((x) => x.remaining > 0 && (x.fault.action === undefined || x.fault.action === action));
      if (f) {
        f.remaining -= 1;
        call.fault = true;
        throw new ApiError(f.fault.code, f.fault.status, f.fault.message ?? 'Rate exceeded');
      }
      const body = service === 'ec2' ? ec2Action(action, params, requestId) : asgAction(action, params, requestId);
      answer(res, call, 200, body);
    } catch (e) {
      if (e instanceof ApiError) error(e);
      else error(new ApiError('InternalFailure', 500, e instanceof Error ? e.message : String(e)));
    }
  };

  const asgAction = (action: string, p: Record<string, string>, requestId: string): string => {
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
        for (let list = staying(); list.length > size && list[0]; list = staying()) state.terminate(g, list[0], false, options.terminatingReads ?? 2);
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
        fake.onTerminate?.(inst, g);
        state.terminate(g, inst, decrement, options.terminatingReads ?? 2);
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
  };

  const ec2Action = (action: string, p: Record<string, string>, requestId: string): string => {
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
    const size = Math.min(pageSize, p['MaxResults'] ? Number(p['MaxResults']) : Infinity);
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
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (fake as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
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
