import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestTls, type TestTls } from '../tls.js';
import { FakeArm } from './arm.js';
import { armError, readRequest, writeResponse, type FakeRequest, type FakeResponse } from './http.js';
import { FakeIdentity, type FakeServicePrincipal, type TokenRequestRecord } from './identity.js';
import { FakeAzureState, type FakeVmssInput } from './state.js';

export interface StartFakeAzureOptions {
  readonly vmss?: readonly FakeVmssInput[];
  readonly subscriptionId?: string;
  readonly location?: string;
  /** When given, the token endpoint grants tokens to this principal only. */
  readonly servicePrincipal?: FakeServicePrincipal;
  /** ARM calls need a bearer token the fake issued (default true). */
  readonly requireAuth?: boolean;
  /** `InProgress` polls before an operation succeeds (default 1). */
  readonly lroPolls?: number;
  /** Retry-After (seconds) on LRO responses; default none, so the client's poll interval applies. */
  readonly lroRetryAfter?: number;
  readonly pageSize?: number;
  readonly tokenExpiresInSeconds?: number;
  /**
   * Misbehave like a careless server: echo the client secret in token errors and the
   * Authorization header in injected ARM errors. For tests that prove nothing leaks onwards.
   */
  readonly leakyErrors?: boolean;
}

/** One request the fake answered (ARM and identity alike). Token request bodies are not kept. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body of ARM calls; undefined for identity calls and empty bodies. */
  readonly body: unknown;
  readonly kind: 'arm' | 'identity';
  readonly status: number;
  /** Set when the answer was an injected fault. */
  readonly fault?: boolean;
}

export type FaultTarget = 'arm' | 'identity' | 'any';

interface Fault {
  readonly target: FaultTarget;
  readonly response: (req: FakeRequest) => FakeResponse;
}

export interface FakeAzure {
  /** `https://127.0.0.1:PORT` — pass as `azure.armEndpoint`. */
  readonly armEndpoint: string;
  /** Same server; pass as `AZURE_AUTHORITY_HOST` / `authorityHost`. */
  readonly authorityHost: string;
  readonly subscriptionId: string;
  readonly caPem: string;
  /** For NODE_EXTRA_CA_CERTS in child processes. */
  readonly caFile: string;
  readonly requests: RecordedRequest[];
  readonly tokenRequests: readonly TokenRequestRecord[];
  /** Access tokens the fake issued, e.g. to assert none of them shows up in logs. */
  readonly issuedTokens: ReadonlySet<string>;
  readonly state: FakeAzureState;
  /** The next `n` matching requests answer 429 with Retry-After (seconds, default 1). */
  inject429(n: number, retryAfterSeconds?: number, target?: FaultTarget): void;
  /** The next `n` matching requests answer `status` (default 500) with an ARM error body. */
  injectError(n: number, status?: number, target?: FaultTarget): void;
  /** ARM requests only (not operation polls), e.g. to assert what the provider changed. */
  armCalls(method?: string): RecordedRequest[];
  /** API versions the client sent. */
  readonly apiVersions: ReadonlySet<string>;
  close(): Promise<void>;
}

/**
 * Starts an HTTPS fake of Azure Resource Manager (VMSS slice) and the Microsoft identity
 * platform on 127.0.0.1, port 0, with a throwaway CA. In-process clients trust it through
 * `tlsOptions: { ca }` (see AzureVmssProviderOptions.tlsCa); child processes through
 * NODE_EXTRA_CA_CERTS=caFile.
 */
export async function startFakeAzure(options: StartFakeAzureOptions = {}): Promise<FakeAzure> {
  const tls: TestTls = createTestTls();
  const subscriptionId = options.subscriptionId ?? '00000000-0000-0000-0000-00000000c0de';
  const state = new FakeAzureState(options.vmss ?? []);
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const apiVersions = new Set<string>();
  let base = '';
  const baseUrl = (): string => base;

  const identity = new FakeIdentity(
    baseUrl,
    options.servicePrincipal,
    options.tokenExpiresInSeconds ?? 3599,
    options.leakyErrors ?? false,
  );
  const arm = new FakeArm(
    state,
    {
      subscriptionId,
      location: options.location ?? 'westeurope',
      lroPolls: options.lroPolls ?? 1,
      lroRetryAfter: options.lroRetryAfter,
      pageSize: options.pageSize ?? 1000,
    },
    baseUrl,
    (v) => {
      if (v) apiVersions.add(v);
    },
  );
  const requireAuth = options.requireAuth ?? true;

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    void (async () => {
      const r = await readRequest(req);
      const isIdentity = !r.path.toLowerCase().startsWith('/subscriptions/');
      const kind: RecordedRequest['kind'] = isIdentity ? 'identity' : 'arm';
      const faultIndex = faults.findIndex((f) => f.target === 'any' || f.target === kind);
      let response: FakeResponse;
      let fault = false;
      if (faultIndex >= 0) {
        response = faults[faultIndex]!.response(r);
        faults.splice(faultIndex, 1);
        fault = true;
      } else if (isIdentity) {
        response = identity.handle(r) ?? { status: 404, body: { error: 'not_found', error_description: `no route ${r.path}` } };
      } else if (requireAuth && !identity.isValidBearer(r.headers.authorization)) {
        response = armError(401, 'AuthenticationFailed', 'Authentication failed. The Authorization header is missing or invalid.');
      } else {
        response = arm.handle(r);
      }
      requests.push({
        method: r.method,
        path: r.path,
        query: Object.fromEntries(r.query),
        body: !isIdentity && r.rawBody ? parseOrText(r.rawBody) : undefined,
        kind,
        status: response.status,
        ...(fault ? { fault } : {}),
      });
      writeResponse(res, response);
    })().catch((e: unknown) => {
      writeResponse(res, armError(500, 'FakeAzureBug', e instanceof Error ? e.message : String(e)));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const leak = (r: FakeRequest): string =>
    options.leakyErrors ? ` (request had Authorization: ${r.headers.authorization ?? 'none'})` : '';
  const pushFaults = (n: number, target: FaultTarget, response: Fault['response']): void => {
    for (let i = 0; i < n; i++) faults.push({ target, response });
  };

  return {
    armEndpoint: base,
    authorityHost: base,
    subscriptionId,
    caPem: tls.caPem,
    caFile: tls.caFile,
    requests,
    tokenRequests: identity.tokenRequests,
    issuedTokens: identity.issuedTokens,
    state,
    apiVersions,
    inject429: (n, retryAfterSeconds = 1, target = 'arm') =>
      pushFaults(n, target, (r) => ({
        ...armError(429, 'TooManyRequests', `The request is being throttled.${leak(r)}`),
        headers: { 'retry-after': String(retryAfterSeconds) },
      })),
    injectError: (n, status = 500, target = 'arm') =>
      pushFaults(n, target, (r) =>
        armError(status, status >= 500 ? 'InternalServerError' : 'BadRequest', `injected fault ${status}${leak(r)}`),
      ),
    armCalls: (method) =>
      requests.filter((r) => r.kind === 'arm' && !/\/operations\//i.test(r.path) && (!method || r.method === method)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      tls.cleanup();
    },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
