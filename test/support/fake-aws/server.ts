import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, asgAction, ec2Action, type ActionContext } from './actions.js';
import { verifySigV4 } from './sigv4.js';
import { FakeAwsState, type AsgSpec, type FakeAsg, type FakeInstance } from './state.js';
import { asgError, ec2Error } from './xml.js';

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
  /** When given, every request's SigV4 signature is checked with it (SignatureDoesNotMatch otherwise). */
  readonly secretAccessKey?: string;
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
  /** The next `count` requests are never answered (a silent endpoint). */
  stall(count: number): void;
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

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/autoscaling/aws4_request, ...` -> its scope. */
function credentialScope(auth: string | undefined): { accessKeyId: string; region: string; service: string } | undefined {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth ?? '');
  return m && m[1] && m[2] && m[3] ? { accessKeyId: m[1], region: m[2], service: m[3] } : undefined;
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
  let stalls = 0;

  const fake: FakeAws = {
    endpoint: '',
    state,
    calls,
    callsOf: (action) => calls.filter((c) => c.action === action),
    fail: (count, fault) => faults.push({ remaining: count, fault }),
    stall: (count) => {
      stalls += count;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
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
    if (stalls > 0) {
      stalls -= 1;
      call.fault = true;
      return;
    }
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
      if (options.secretAccessKey !== undefined && !verifySigV4(req.method ?? '', req.url ?? '', req.headers, raw, options.secretAccessKey))
        throw new ApiError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
      if (params['Version'] !== VERSIONS[service]) throw new ApiError('InvalidParameterValue', 400, `Version ${params['Version'] ?? '(none)'} is not supported`);
      const f = faults.find((x) => x.remaining > 0 && (x.fault.action === undefined || x.fault.action === action));
      if (f) {
        f.remaining -= 1;
        call.fault = true;
        throw new ApiError(f.fault.code, f.fault.status, f.fault.message ?? 'Rate exceeded');
      }
      const ctx: ActionContext = { state, pageSize, terminatingReads: options.terminatingReads ?? 2, onTerminate: fake.onTerminate };
      const body = service === 'ec2' ? ec2Action(ctx, action, params, requestId) : asgAction(ctx, action, params, requestId);
      answer(res, call, 200, body);
    } catch (e) {
      if (e instanceof ApiError) error(e);
      else error(new ApiError('InternalFailure', 500, e instanceof Error ? e.message : String(e)));
    }
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
