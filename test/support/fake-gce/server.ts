import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSelfSignedJwt, createTestServiceAccount, type JwtClaims, type TestServiceAccount } from './credentials.js';
import { FakeGceState, type FakeMig, type FakeMigInput } from './state.js';

/** Instance URLs as Compute writes them in selfLink and ManagedInstance.instance. */
export const COMPUTE_BASE = 'https://www.googleapis.com/compute/v1';

export interface StartFakeGceOptions {
  readonly migs?: readonly FakeMigInput[];
  /** `wait` calls answered RUNNING before an operation is DONE (default 1). */
  readonly opPolls?: number;
  /** managedInstances per page of listManagedInstances (default 500, the API's maximum). */
  readonly pageSize?: number;
}

export interface RecordedGceRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  readonly fault?: boolean;
  readonly claims?: JwtClaims;
}

interface PendingOp {
  readonly op: Record<string, unknown>;
  pollsLeft: number;
  readonly apply: () => void;
  readonly failure?: { code: string; message: string };
}

export interface FakeGce {
  /** `http://127.0.0.1:PORT`: pass as gce.apiEndpoint / GCE_API_ENDPOINT. */
  readonly apiEndpoint: string;
  readonly account: TestServiceAccount;
  readonly state: FakeGceState;
  readonly requests: RecordedGceRequest[];
  /** The next `n` API requests answer `status` with a Compute error body of this reason. */
  injectError(n: number, status: number, reason?: string, message?: string): void;
  /** The next operation completes DONE with this error (e.g. QUOTA_EXCEEDED) and changes nothing. */
  failNextOperation(code: string, message: string): void;
  /** Called when a deleteInstances request arrives, before its operation: e.g. to see what Mesos looked like then. */
  onDeleteInstances?: (instanceUrls: readonly string[]) => void;
  /** API calls other than operation waits, optionally of one method. */
  calls(method?: string): RecordedGceRequest[];
  close(): Promise<void>;
}

const REASON_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

/** A Compute API error body (cloud.google.com/compute/docs/reference/rest/v1 "Errors"). */
function gceError(code: number, reason: string, message: string): { status: number; body: unknown } {
  return { status: code, body: { error: { code, message, errors: [{ message, domain: 'global', reason }] } } };
}

/**
 * An HTTP server on 127.0.0.1 speaking the slice of the Compute Engine REST API v1 that the
 * gce-mig provider uses: managed instance groups (zonal and regional) get / listManagedInstances
 * / resize / deleteInstances, instances.get, zone and region operations' wait. Every call must
 * carry a self-signed JWT of the throwaway service account, so no token host is involved.
 */
export async function startFakeGce(options: StartFakeGceOptions = {}): Promise<FakeGce> {
  const account = createTestServiceAccount();
  const state = new FakeGceState(options.migs ?? []);
  const requests: RecordedGceRequest[] = [];
  const faults: { status: number; reason: string; message: string }[] = [];
  const failures: { code: string; message: string }[] = [];
  const ops = new Map<string, PendingOp>();
  const byRequestId = new Map<string, Record<string, unknown>>();
  const opPolls = options.opPolls ?? 1;
  const pageSize = options.pageSize ?? 500;

  const newOp = (mig: FakeMig, type: string, requestId: string | null, apply: () => void): Record<string, unknown> => {
    const known = requestId ? byRequestId.get(requestId) : undefined;
    if (known) return known;
    const name = `operation-${Date.now()}-${randomUUID()}`;
    const scope = mig.zone ? `zones/${mig.zone}` : `regions/${mig.region ?? ''}`;
    const op: Record<string, unknown> = {
      kind: 'compute#operation',
      id: String(Math.floor(Math.random() * 1e15)),
      name,
      operationType: type,
      targetLink: `${COMPUTE_BASE}/projects/${mig.project}/${scope}/instanceGroupManagers/${mig.name}`,
      status: 'RUNNING',
      progress: 0,
      insertTime: new Date().toISOString(),
      selfLink: `${COMPUTE_BASE}/projects/${mig.project}/${scope}/operations/${name}`,
      ...(mig.zone ? { zone: `${COMPUTE_BASE}/projects/${mig.project}/zones/${mig.zone}` } : { region: `${COMPUTE_BASE}/projects/${mig.project}/regions/${mig.region ?? ''}` }),
    };
    const failure = failures.shift();
    ops.set(name, { op, pollsLeft: opPolls, apply, ...(failure ? { failure } : {}) });
    if (requestId) byRequestId.set(requestId, op);
    return op;
  };

  const waitOp = (name: string): { status: number; body: unknown } => {
    const p = ops.get(name);
    if (!p) return gceError(404, 'notFound', `The resource 'operations/${name}' was not found`);
    if (p.op['status'] !== 'DONE') {
      if (p.pollsLeft > 0) p.pollsLeft--;
      else {
        if (p.failure) Object.assign(p.op, { error: { errors: [p.failure] }, httpErrorStatusCode: 403, httpErrorMessage: 'FORBIDDEN' });
        else p.apply();
        Object.assign(p.op, { status: 'DONE', progress: 100, endTime: new Date().toISOString() });
      }
    }
    return { status: 200, body: p.op };
  };

  const route = (method: string, path: string, query: URLSearchParams, body: unknown): { status: number; body: unknown } => {
    const op = /^\/compute\/v1\/projects\/([^/]+)\/(zones|regions)\/([^/]+)\/operations\/([^/]+)(\/wait)?$/.exec(path);
    if (op?.[4] && ((method === 'POST' && op[5]) || (method === 'GET' && !op[5]))) return waitOp(op[4]);

    const inst = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/.exec(path);
    if (inst?.[1] && inst[2] && inst[3] && method === 'GET') {
      const i = state.instance(inst[1], inst[2], inst[3]);
      if (!i) return gceError(404, 'notFound', `The resource 'projects/${inst[1]}/zones/${inst[2]}/instances/${inst[3]}' was not found`);
      return {
        status: 200,
        body: {
          kind: 'compute#instance',
          id: String(1e12 + i.networkIP.split('.').reduce((a, b) => a * 256 + Number(b), 0)),
          name: i.name,
          zone: `${COMPUTE_BASE}/projects/${inst[1]}/zones/${i.zone}`,
          status: i.status,
          creationTimestamp: '2026-01-01T00:00:00.000-08:00',
          networkInterfaces: [{ kind: 'compute#networkInterface', name: 'nic0', network: `${COMPUTE_BASE}/projects/${inst[1]}/global/networks/default`, networkIP: i.networkIP }],
          selfLink: `${COMPUTE_BASE}/projects/${inst[1]}/zones/${i.zone}/instances/${i.name}`,
          ...(i.hostname ? { hostname: i.hostname } : {}),
        },
      };
    }

    const igm = /^\/compute\/v1\/projects\/([^/]+)\/(zones|regions)\/([^/]+)\/instanceGroupManagers\/([^/]+)(?:\/([A-Za-z]+))?$/.exec(path);
    if (!igm?.[1] || !igm[2] || !igm[3] || !igm[4]) return gceError(404, 'notFound', `no route ${method} ${path}`);
    const [, project, scope, location, name, verb] = igm as unknown as [string, string, 'zones' | 'regions', string, string, string | undefined];
    const mig = state.find(project, scope, location, name);
    if (!mig) return gceError(404, 'notFound', `The resource 'projects/${project}/${scope}/${location}/instanceGroupManagers/${name}' was not found`);
    const url = (i: { zone: string; name: string }): string => `${COMPUTE_BASE}/projects/${project}/zones/${i.zone}/instances/${i.name}`;
    if (method === 'GET' && !verb) {
      return {
        status: 200,
        body: {
          kind: 'compute#instanceGroupManager',
          name: mig.name,
          baseInstanceName: mig.name,
          targetSize: mig.targetSize,
          currentActions: { none: mig.instances.length, creating: 0, deleting: 0, abandoning: 0, recreating: 0, refreshing: 0, restarting: 0, verifying: 0 },
          status: { isStable: true },
          selfLink: `${COMPUTE_BASE}/projects/${project}/${scope}/${location}/instanceGroupManagers/${name}`,
        },
      };
    }
    if (method === 'POST' && verb === 'listManagedInstances') {
      const max = Math.min(Number(query.get('maxResults') ?? pageSize) || pageSize, pageSize);
      const start = Number(query.get('pageToken') ?? '0') || 0;
      const page = mig.instances.slice(start, start + max);
      const next = start + max < mig.instances.length ? String(start + max) : undefined;
      return {
        status: 200,
        body: {
          managedInstances: page.map((i, k) => ({
            instance: url(i),
            id: String(start + k + 1),
            name: i.name,
            currentAction: i.currentAction,
            ...(i.status ? { instanceStatus: i.status } : {}),
            ...(i.lastAttemptError ? { lastAttempt: { errors: { errors: [{ code: i.lastAttemptError, message: `${i.lastAttemptError} in ${i.zone}` }] } } } : {}),
          })),
          ...(next ? { nextPageToken: next } : {}),
        },
      };
    }
    if (method === 'POST' && verb === 'resize') {
      const size = Number(query.get('size'));
      if (!Number.isInteger(size) || size < 0) return gceError(400, 'invalid', `Invalid value for field 'size': '${query.get('size') ?? ''}'.`);
      return { status: 200, body: newOp(mig, 'compute.instanceGroupManagers.resize', query.get('requestId'), () => state.resize(mig, size)) };
    }
    if (method === 'POST' && verb === 'deleteInstances') {
      const wanted = (body as { instances?: unknown } | undefined)?.instances;
      if (!Array.isArray(wanted) || wanted.length === 0) return gceError(400, 'required', "Required field 'instances' not specified");
      const members = new Set(mig.instances.map(url));
      const missing = wanted.find((w) => typeof w !== 'string' || !members.has(w));
      if (missing !== undefined)
        return gceError(400, 'invalid', `Invalid value for field 'resource.instances[]': '${String(missing)}'. The instance is not a member of the instance group.`);
      const names = new Set(wanted as string[]);
      fake.onDeleteInstances?.(wanted as string[]);
      return {
        status: 200,
        body: newOp(mig, 'compute.instanceGroupManagers.deleteInstances', query.get('requestId'), () => {
          mig.instances = mig.instances.filter((i) => !names.has(url(i)));
          mig.targetSize -= names.size;
        }),
      };
    }
    return gceError(404, 'notFound', `no route ${method} ${path}`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://fake.invalid');
      const body: unknown = raw ? (JSON.parse(raw) as unknown) : undefined;
      const auth = checkSelfSignedJwt(req.headers.authorization, account);
      const fault = faults.shift();
      const answer = fault
        ? gceError(fault.status, fault.reason, fault.message)
        : !auth.ok
          ? gceError(401, 'authError', `Request had invalid authentication credentials (${auth.why}).`)
          : route((req.method ?? 'GET').toUpperCase(), u.pathname, u.searchParams, body);
      requests.push({
        method: (req.method ?? 'GET').toUpperCase(),
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        body,
        status: answer.status,
        ...(fault ? { fault: true } : {}),
        ...(auth.ok ? { claims: auth.claims } : {}),
      });
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: `fake-gce bug: ${e instanceof Error ? e.message : String(e)}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const apiEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGce = {
    apiEndpoint,
    account,
    state,
    requests,
    injectError: (n, status, reason = REASON_STATUS[status] ?? 'backendError', message = `injected ${status}`) => {
      for (let i = 0; i < n; i++) faults.push({ status, reason, message });
    },
    failNextOperation: (code, message) => failures.push({ code, message }),
    calls: (method) => requests.filter((r) => !r.path.includes('/operations/') && (!method || r.method === method)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      account.cleanup();
    },
  };
  return fake;
}
