import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { Secret } from '../../util/secret.js';
import { ProviderError } from '../provider.js';
import { secretsOf, type OpenStackAuth } from './env.js';
import { httpError, transportError } from './errors.js';

/** The parts of a Keystone v3 token that we read (identity api-ref, "Password authentication with scoped authorization"). */
const tokenBodySchema = z.object({
  token: z.object({
    expires_at: z.string(),
    catalog: z
      .array(
        z.object({
          type: z.string(),
          name: z.string().optional(),
          endpoints: z.array(z.object({ interface: z.string(), region: z.string().nullish(), region_id: z.string().nullish(), url: z.string() })),
        }),
      )
      .default([]),
  }),
});
type Catalog = z.infer<typeof tokenBodySchema>['token']['catalog'];

/** A token and the catalog it came with. */
interface Session {
  readonly token: Secret;
  readonly expiresAt: number;
  readonly catalog: Catalog;
}

/** Renew this long before Keystone's expiry. */
const EARLY_MS = 5 * 60_000;

/** The `auth` body of POST /v3/auth/tokens for a password (project-scoped) or an application credential. */
export function authBody(auth: OpenStackAuth): unknown {
  const m = auth.method;
  if (m.kind === 'application_credential')
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: m.id, secret: m.secret.reveal() } } } };
  const domain = (d: { domainId?: string; domainName?: string }): unknown => (d.domainId ? { id: d.domainId } : { name: d.domainName });
  const user = { ...(m.user.id ? { id: m.user.id } : { name: m.user.name, domain: domain(m.user) }), password: m.password.reveal() };
  const project = m.project.id ? { id: m.project.id } : { name: m.project.name, domain: domain(m.project) };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } };
}

/**
 * A Keystone v3 session: one token (from `X-Subject-Token`) shared by all calls, renewed before it
 * expires or after a 401, and the service endpoints from its catalog for OS_REGION_NAME and
 * OS_INTERFACE. Concurrent callers share one token request.
 */
export class KeystoneSession {
  readonly dispatcher: Dispatcher | undefined;
  private current: Session | undefined;
  private pending: Promise<Session> | undefined;

  constructor(
    readonly auth: OpenStackAuth,
    private readonly timeoutMs: number,
  ) {
    this.dispatcher = auth.caFile ? new Agent({ connect: { ca: readFileSync(auth.caFile, 'utf8') } }) : undefined;
  }

  /** Password, application-credential secret and current token: never in any output. */
  secrets(): Secret[] {
    return [...secretsOf(this.auth), ...(this.current ? [this.current.token] : [])];
  }

  async token(): Promise<Secret> {
    return (await this.session()).token;
  }

  /** Forgets the token (after a 401), so the next call authenticates again. */
  invalidate(token: Secret): void {
    if (this.current?.token === token) this.current = undefined;
  }

  /** The URL of a service (`orchestration`, `compute`) in this region and interface, without a trailing slash. */
  async endpoint(type: string): Promise<string> {
    const { catalog } = await this.session();
    const region = this.auth.regionName;
    const endpoints = catalog.filter((s) => s.type === type).flatMap((s) => s.endpoints);
    const ep = endpoints.find((e) => e.interface === this.auth.interface && (!region || e.region_id === region || e.region === region));
    if (!ep) {
      const where = `interface ${this.auth.interface}${region ? `, region ${region}` : ''}`;
      throw new ProviderError(`the Keystone catalog has no ${type} endpoint for ${where}`, 'invalid', false);
    }
    return ep.url.replace(/\/+$/, '');
  }

  private async session(): Promise<Session> {
    if (this.current && this.current.expiresAt - EARLY_MS > Date.now()) return this.current;
    this.pending ??= this.authenticate().finally(() => {
      this.pending = undefined;
    });
    this.current = await this.pending;
    return this.current;
  }

  private async authenticate(): Promise<Session> {
    const base = this.auth.authUrl.replace(/\/+$/, '');
    const url = `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
    const what = `Keystone authentication at ${url}`;
    const secrets = secretsOf(this.auth);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(authBody(this.auth)),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (e) {
      throw transportError(what, e, secrets);
    }
    const text = await res.body.text();
    if (res.statusCode !== 201 && res.statusCode !== 200) throw httpError(what, res.statusCode, text, secrets);
    const subject = res.headers['x-subject-token'];
    const token = Array.isArray(subject) ? subject[0] : subject;
    if (!token) throw new ProviderError(`${what}: no X-Subject-Token in the answer`, 'unknown', false);
    let parsed: z.infer<typeof tokenBodySchema>;
    try {
      parsed = tokenBodySchema.parse(JSON.parse(text));
    } catch (e) {
      throw new ProviderError(`${what}: unexpected token body: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`, 'unknown', false);
    }
    const expiresAt = Date.parse(parsed.token.expires_at);
    return { token: new Secret(token), expiresAt: Number.isFinite(expiresAt) ? expiresAt : Date.now() + 3_600_000, catalog: parsed.token.catalog };
  }
}
