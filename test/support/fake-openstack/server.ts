import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keystoneAnswer } from './keystone.js';
import { heatResources } from './resources.js';
import { FakeHeatStack, type FakeStackInput } from './state.js';
import { PROJECT_ID, type Answer, type FakeKeystoneUsers } from './types.js';

export { PROJECT_ID, type FakeKeystoneUsers } from './types.js';


export interface StartFakeOpenStackOptions {
  readonly stacks?: readonly FakeStackInput[];
  readonly users?: FakeKeystoneUsers;
  /** Stack GETs answered UPDATE_IN_PROGRESS before an update completes (default 1). */
  readonly updatePolls?: number;
  /** Stack GETs after a PATCH that still show the previous state, before the engine starts the update (default 0). */
  readonly startLag?: number;
  readonly region?: string;
}

export interface RecordedOsRequest {
  readonly service: 'identity' | 'orchestration' | 'compute' | 'other';
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** JSON body; never kept for identity calls (it holds the password). */
  readonly body: unknown;
  readonly status: number;
  readonly fault?: boolean;
}

export interface FakeOpenStack {
  /** `http://127.0.0.1:PORT/identity/v3`: OS_AUTH_URL. */
  readonly authUrl: string;
  readonly region: string;
  readonly requests: RecordedOsRequest[];
  readonly issuedTokens: ReadonlySet<string>;
  stack(name?: string): FakeHeatStack;
  /** The next `n` Heat/Nova requests answer `status` (429s with Retry-After, default 0 s). */
  injectError(n: number, status: number, service?: 'orchestration' | 'compute', retryAfterSeconds?: number): void;
  /** Revokes every token, as a Keystone token expiry or revocation would. */
  revokeTokens(): void;
  /** Puts a stack in UPDATE_IN_PROGRESS (someone else's update), to be completed by `finishUpdate`. */
  startForeignUpdate(name?: string): void;
  finishUpdate(name?: string): void;
  /** The next update ends UPDATE_FAILED with this reason. */
  failNextUpdate(reason: string): void;
  calls(service: RecordedOsRequest['service'], method?: string): RecordedOsRequest[];
  /** Called when an accepted PATCH names members in removal_policies: e.g. to see what Mesos looked like then. */
  onRemoval?: (members: readonly string[]) => void;
  close(): Promise<void>;
}


/** Heat's fault body (heat/api/middleware/fault.py). */
function heatFault(status: number, title: string, type: string, message: string): Answer {
  return { status, body: { explanation: message, code: status, error: { message, traceback: null, type }, title } };
}

/**
 * One HTTP server on 127.0.0.1 speaking enough Keystone v3 (`POST /identity/v3/auth/tokens`),
 * Heat v1 (`/heat/v1/{project}`: find stack with its 302, show stack, list resources with
 * nested_depth, PATCH update) and Nova v2.1 (`GET /compute/v2.1/servers/{id}`) for the
 * openstack-heat provider. Heat answers 409 while a stack is being updated, as it does.
 */
export async function startFakeOpenStack(options: StartFakeOpenStackOptions = {}): Promise<FakeOpenStack> {
  const region = options.region ?? 'RegionOne';
  const stacks = (options.stacks ?? [{}]).map((s) => new FakeHeatStack(s));
  const tokens = new Set<string>();
  const requests: RecordedOsRequest[] = [];
  const faults: { status: number; service?: string; retryAfter: number }[] = [];
  const failures: string[] = [];
  const pollsLeft = new Map<FakeHeatStack, number>();
  const foreign = new Set<FakeHeatStack>();
  let base = '';

  const find = (nameOrId: string): FakeHeatStack | undefined => stacks.find((s) => s.name === nameOrId || s.id === nameOrId);

  const render = (s: FakeHeatStack, shown: { status: string; reason: string; updated: string | null }): unknown => ({
    stack: {
      id: s.id,
      stack_name: s.name,
      stack_status: shown.status,
      stack_status_reason: shown.reason,
      updated_time: shown.updated,
      parameters: { 'OS::stack_id': s.id, 'OS::stack_name': s.name, 'OS::project_id': PROJECT_ID, ...s.parameters },
      links: [{ href: `${base}/heat/v1/${PROJECT_ID}/stacks/${s.name}/${s.id}`, rel: 'self' }],
    },
  });
  const lagging = new Map<FakeHeatStack, { left: number; shown: { status: string; reason: string; updated: string | null } }>();
  const stackBody = (s: FakeHeatStack): unknown => {
    const lag = lagging.get(s);
    if (lag && lag.left-- > 0) return render(s, lag.shown);
    lagging.delete(s);
    if (s.status === 'UPDATE_IN_PROGRESS' && !foreign.has(s)) {
      const left = pollsLeft.get(s) ?? 0;
      if (left > 0) pollsLeft.set(s, left - 1);
      else {
        const failure = failures.shift();
        if (failure) [s.status, s.statusReason] = ['UPDATE_FAILED', failure];
        else {
          s.applyUpdate();
          [s.status, s.statusReason] = ['UPDATE_COMPLETE', 'Stack UPDATE completed successfully'];
        }
      }
    }
    return render(s, { status: s.status, reason: s.statusReason, updated: s.updatedTime });
  };

  const heat = (method: string, rest: string, query: URLSearchParams, body: unknown): Answer => {
    const m = /^\/stacks\/([^/]+)(?:\/([^/]+))?(\/resources)?$/.exec(rest);
    if (!m?.[1]) return heatFault(404, 'Not Found', 'NotFound', `no route ${rest}`);
    const s = find(decodeURIComponent(m[1]));
    if (!s || (m[2] && m[2] !== s.id)) return heatFault(404, 'Not Found', 'EntityNotFound', `The Stack (${m[1]}) could not be found.`);
    if (!m[2] && method === 'GET') return { status: 302, headers: { location: `${base}/heat/v1/${PROJECT_ID}/stacks/${s.name}/${s.id}` }, body: { location: 'redirect' } };
    if (m[3] && method === 'GET') return { status: 200, body: { resources: heatResources(s, Number(query.get('nested_depth') ?? '0'), base) } };
    if (!m[3] && method === 'GET') return { status: 200, body: stackBody(s) };
    if (!m[3] && method === 'PATCH' && m[2]) {
      if (s.status.endsWith('_IN_PROGRESS'))
        return heatFault(409, 'Conflict', 'ActionInProgress', `Stack ${s.name} already has an action (UPDATE) in progress.`);
      const params = (body as { parameters?: Record<string, unknown> } | undefined)?.parameters ?? {};
      for (const key of Object.keys(params))
        if (!(key in s.parameters)) return heatFault(400, 'Bad Request', 'StackValidationFailed', `The Parameter (${key}) was not defined in template.`);
      const count = params[s.countParameter];
      if (count !== undefined && !/^\d+$/.test(String(count)))
        return heatFault(400, 'Bad Request', 'StackValidationFailed', `Parameter '${s.countParameter}' is invalid: Value '${String(count)}' is not an integer`);
      if (s.removalPolicyParameter && params[s.removalPolicyParameter] !== undefined) {
        const policies = params[s.removalPolicyParameter];
        if (!Array.isArray(policies)) return heatFault(400, 'Bad Request', 'StackValidationFailed', 'removal_policies must be a list');
        const named = (policies as { resource_list?: unknown[] }[]).flatMap((p) => (p.resource_list ?? []).map(String));
        for (const r of named) s.blacklist.add(r);
        if (named.length > 0) fake.onRemoval?.(named);
      }
      for (const [k, v] of Object.entries(params)) s.parameters[k] = typeof v === 'string' ? v : JSON.stringify(v);
      if (options.startLag) lagging.set(s, { left: options.startLag, shown: { status: s.status, reason: s.statusReason, updated: s.updatedTime } });
      [s.status, s.statusReason, s.updatedTime] = ['UPDATE_IN_PROGRESS', 'Stack UPDATE started', new Date().toISOString()];
      pollsLeft.set(s, options.updatePolls ?? 1);
      return { status: 202, body: '' };
    }
    return heatFault(405, 'Method Not Allowed', 'HTTPMethodNotAllowed', `${method} not allowed`);
  };

  const nova = (method: string, rest: string): Answer => {
    const m = /^\/servers\/([^/]+)$/.exec(rest);
    const server = m?.[1] ? stacks.map((s) => s.servers.get(m[1] ?? '')).find((x) => x !== undefined) : undefined;
    if (method !== 'GET' || !server) return { status: 404, body: { itemNotFound: { code: 404, message: `Instance ${m?.[1] ?? ''} could not be found.` } } };
    return {
      status: 200,
      body: {
        server: {
          id: server.id,
          name: server.name,
          status: server.status,
          created: '2026-01-01T00:00:00Z',
          addresses: { private: [{ addr: server.ip, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' }] },
          flavor: { original_name: 'm1.large' },
        },
      },
    };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://fake.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      const service: RecordedOsRequest['service'] = u.pathname.startsWith('/identity/')
        ? 'identity'
        : u.pathname.startsWith('/heat/')
          ? 'orchestration'
          : u.pathname.startsWith('/compute/')
            ? 'compute'
            : 'other';
      let answer: Answer;
      let fault = false;
      const faultAt = faults.findIndex((f) => service !== 'identity' && (!f.service || f.service === service));
      const token = req.headers['x-auth-token'];
      if (faultAt >= 0) {
        const f = faults.splice(faultAt, 1)[0];
        fault = true;
        const status = f?.status ?? 500;
        answer = { ...heatFault(status, 'Injected', 'Injected', `injected ${status}`), ...(status === 429 ? { headers: { 'retry-after': String(f?.retryAfter ?? 0) } } : {}) };
      } else if (service === 'identity') answer = keystoneAnswer(method, u.pathname, raw, { users: options.users, tokens, base, region });
      else if (typeof token !== 'string' || !tokens.has(token)) answer = { status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } } };
      else if (service === 'orchestration') {
        const prefix = `/heat/v1/${PROJECT_ID}`;
        answer = u.pathname.startsWith(prefix) ? heat(method, u.pathname.slice(prefix.length), u.searchParams, raw ? (JSON.parse(raw) as unknown) : undefined) : heatFault(404, 'Not Found', 'NotFound', 'wrong project');
      } else if (service === 'compute') answer = nova(method, u.pathname.slice('/compute/v2.1'.length));
      else answer = { status: 404, body: { error: 'no such service' } };
      requests.push({
        service,
        method,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        body: service === 'identity' || !raw ? undefined : (JSON.parse(raw) as unknown),
        status: answer.status,
        ...(fault ? { fault } : {}),
      });
      const text = answer.body === undefined || answer.body === '' ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(text ? { 'content-type': 'application/json' } : {}), 'content-length': String(Buffer.byteLength(text)), ...answer.headers });
      res.end(text);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake-openstack bug: ${e instanceof Error ? e.message : String(e)}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stackNamed = (name?: string): FakeHeatStack => {
    const s = name ? find(name) : stacks[0];
    if (!s) throw new Error(`no fake stack ${name ?? ''}`);
    return s;
  };
  const fake: FakeOpenStack = {
    authUrl: `${base}/identity/v3`,
    region,
    requests,
    issuedTokens: tokens,
    stack: stackNamed,
    injectError: (n, status, service, retryAfterSeconds = 0) => {
      for (let i = 0; i < n; i++) faults.push({ status, retryAfter: retryAfterSeconds, ...(service ? { service } : {}) });
    },
    revokeTokens: () => tokens.clear(),
    startForeignUpdate: (name) => {
      const s = stackNamed(name);
      foreign.add(s);
      [s.status, s.statusReason] = ['UPDATE_IN_PROGRESS', 'Stack UPDATE started'];
    },
    finishUpdate: (name) => {
      const s = stackNamed(name);
      foreign.delete(s);
      [s.status, s.statusReason] = ['UPDATE_COMPLETE', 'Stack UPDATE completed successfully'];
    },
    failNextUpdate: (reason) => failures.push(reason),
    calls: (service, method) => requests.filter((r) => r.service === service && (!method || r.method === method)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
