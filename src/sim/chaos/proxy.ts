import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExact, stringifyExact } from '../emulator/exact-json.js';
import { readBody, sendText } from '../emulator/http-util.js';
import type { FaultKind } from './kinds.js';
import { makeImpossible, onlyAgents } from './json-mutations.js';
import type { Referee } from './referee.js';

/** Faults the proxy can answer a request with. */
export type ProxyFaultKind = Extract<
  FaultKind,
  | 'master-5xx'
  | 'master-hang'
  | 'master-truncated-json'
  | 'master-malformed-json'
  | 'master-impossible-json'
  | 'master-failover'
  | 'master-bad-redirect'
  | 'master-echoes-credentials'
  | 'marathon-5xx'
  | 'marathon-malformed-json'
>;

/** This cycle's fault: `count` requests starting at request `from` of the cycle. */
export interface ProxyPlan {
  readonly kind: ProxyFaultKind;
  readonly from: number;
  readonly count: number;
  /** Picks among the fault's variants (which status, which bad Location, which impossible value). */
  readonly variant: number;
}

/** Faults that edit a body: a redirect probe has none to edit. */
const BODY_FAULTS: ReadonlySet<ProxyFaultKind> = new Set(['master-truncated-json', 'master-malformed-json', 'master-impossible-json', 'marathon-malformed-json']);

/** A hung request is let go after this long (real time), long after the client's timeout. */
const HANG_LIMIT_MS = 3_000;

/**
 * An HTTP proxy in front of the emulated master (or Marathon) that injects the faults of a hostile
 * network and of a master mid-failover, so the autoscaler's real clients meet them byte for byte.
 * Two proxies over one master act as two masters: the one not leading redirects to the other, as
 * src/master/http.cpp `redirect` does, and a failover swaps them mid-cycle.
 */
export class ChaosProxy {
  #server: Server | undefined;
  #url = '';
  #calls = 0;
  #plan: ProxyPlan | undefined;
  readonly #held = new Set<ServerResponse>();
  /** When false, every request is redirected to `peer` (a non-leading master). */
  leading = true;
  peer: ChaosProxy | undefined;
  /** While set, only the agents it accepts (and their tasks) are listed: agents re-registering after a failover. */
  reregistering: ((agentId: string) => boolean) | undefined;

  constructor(
    private readonly target: string,
    private readonly referee: Referee,
  ) {}

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendText(res, 502, `proxy: ${e instanceof Error ? e.message : 'error'}`);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A new cycle: requests are counted from 0 and `plan` (if any) applies. */
  arm(plan: ProxyPlan | undefined): void {
    this.#calls = 0;
    this.#plan = plan;
  }

  async close(): Promise<void> {
    for (const r of this.#held) r.destroy();
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The fault for this request, if any; a redirect probe carries no body, so body faults pass it by. */
  #fault(redirectProbe: boolean): ProxyPlan | undefined {
    const i = this.#calls++;
    const p = this.#plan;
    if (!p || i < p.from || i >= p.from + p.count) return undefined;
    if (redirectProbe && BODY_FAULTS.has(p.kind)) return undefined;
    if (p.kind === 'master-failover') {
      // Once per plan: the peer becomes the leader, with only some agents re-registered.
      if (i === p.from && this.leading && this.peer) {
        this.leading = false;
        this.peer.leading = true;
        this.peer.reregistering = (id) => hash(`${id}:${p.variant}`) % 10 < 6;
        this.referee.count('master-failover');
      }
      return undefined;
    }
    this.referee.count(p.kind);
    return p;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const redirectProbe = /^\/(master\/)?redirect\/?$/.test(path.split('?')[0] ?? '');
    const fault = this.#fault(redirectProbe);
    if (!this.leading && this.peer) {
      const host = new URL(this.peer.url).host;
      res.writeHead(307, { Location: redirectProbe ? `//${host}` : `//${host}${path}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const body = await readBody(req);
    if (redirectProbe && !fault) {
      // The leader is named by the proxy, never by the master behind it (which would name itself).
      res.writeHead(307, { Location: `//${new URL(this.#url).host}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    switch (fault?.kind) {
      case 'master-5xx':
      case 'marathon-5xx':
        return sendText(res, [500, 502, 503][fault.variant % 3] ?? 500, 'injected server error');
      case 'master-hang':
        return this.#hang(res);
      case 'master-bad-redirect': {
        const to = ['http://[::1', 'ftp://127.0.0.1/master', 'http://127.0.0.1:1', `${this.#url}/master/redirect`][fault.variant % 4] ?? 'http://[::1';
        res.writeHead(307, { Location: to, 'Content-Length': 0 });
        res.end();
        return;
      }
      case 'master-echoes-credentials': {
        // A body that quotes what we sent, as some proxies and masters' auth layers do.
        const auth = req.headers.authorization ?? '';
        const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : auth;
        return sendText(res, fault.variant % 2 === 0 ? 401 : 500, `rejected request with Authorization: ${auth} (${decoded})`);
      }
      default:
        break;
    }
    const upstream = await forward(this.target, req, body);
    // Bytes, not text: a protobuf body (GET_STATE in `application/x-protobuf`) decoded as UTF-8 and
    // encoded again is no longer the message the master sent.
    let out = upstream.body;
    const isJson = (upstream.headers['content-type'] ?? '').includes('json');
    if (isJson && (this.reregistering || fault?.kind === 'master-impossible-json')) {
      const json = parseExact(out.toString('utf8'));
      if (!(json instanceof Error) && json !== undefined) {
        const edited = this.reregistering ? onlyAgents(json, this.reregistering) : json;
        if (fault?.kind === 'master-impossible-json') makeImpossible(edited, fault.variant);
        out = Buffer.from(stringifyExact(edited), 'utf8');
      }
    }
    if (fault?.kind === 'master-truncated-json') {
      const cut = out.subarray(0, Math.floor(out.length / 2));
      const type = upstream.headers['content-type'] ?? 'application/json';
      if (fault.variant % 2 === 0) {
        res.writeHead(upstream.status, { 'Content-Type': type, 'Content-Length': cut.length });
        res.end(cut);
      } else {
        // Declares the whole length, sends half, and the connection drops.
        res.writeHead(upstream.status, { 'Content-Type': type, 'Content-Length': out.length });
        res.write(cut);
        res.destroy();
      }
      return;
    }
    if (fault?.kind === 'master-malformed-json' || fault?.kind === 'marathon-malformed-json') {
      out = Buffer.from(['<html><body>502 Bad Gateway</body></html>', '{"type":"GET_STATE","get_state":{"get_agents":[}', 'null', '[1,2,3]'][fault.variant % 4] ?? 'null', 'utf8');
    }
    const headers: Record<string, string> = { 'Content-Length': String(out.length) };
    const ct = upstream.headers['content-type'];
    if (ct) headers['Content-Type'] = ct;
    res.writeHead(upstream.status, headers);
    res.end(out);
  }

  #hang(res: ServerResponse): void {
    this.#held.add(res);
    const timer = setTimeout(() => res.destroy(), HANG_LIMIT_MS);
    res.on('close', () => {
      clearTimeout(timer);
      this.#held.delete(res);
    });
  }
}

interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly body: Buffer;
}

/** Sends the request on to the emulated server and reads the whole answer. */
function forward(target: string, req: IncomingMessage, body: string): Promise<Upstream> {
  const t = new URL(target);
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: t.host };
    delete headers['content-length'];
    const out = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/** A small stable string hash (FNV-1a), so which agents re-register is seeded. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
