import { randomBytes } from 'node:crypto';
import { PROJECT_ID, type Answer, type FakeKeystoneUsers } from './types.js';

/** What the fake Keystone needs of the server: who may log in, the tokens it issued, where it lives. */
export interface KeystoneContext {
  readonly users: FakeKeystoneUsers | undefined;
  readonly tokens: Set<string>;
  readonly base: string;
  readonly region: string;
}

/**
 * `POST /identity/v3/auth/tokens` as Keystone answers it (identity api-ref, "Password
 * authentication with scoped authorization", "Authenticating with an Application Credential"):
 * 201, the token in `X-Subject-Token`, the catalog in the body; 401 otherwise.
 */
export function keystoneAnswer(method: string, path: string, raw: string, ctx: KeystoneContext): Answer {
  const { users: u, tokens, base, region } = ctx;
  if (method !== 'POST' || path !== '/identity/v3/auth/tokens') return { status: 404, body: { error: { code: 404, message: 'not found', title: 'Not Found' } } };
  const unauthorized: Answer = { status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } } };
  const identity = (JSON.parse(raw) as { auth?: { identity?: Record<string, unknown>; scope?: { project?: { name?: string; id?: string } } } }).auth;
  const methods = identity?.identity?.['methods'];
  let ok = false;
  if (Array.isArray(methods) && methods[0] === 'password') {
    const user = (identity?.identity?.['password'] as { user?: { name?: string; password?: string; domain?: { id?: string; name?: string } } } | undefined)?.user;
    const project = identity?.scope?.project;
    ok = !!u?.user && user?.name === u.user.name && user.password === u.user.password && (project?.name === u.user.project || project?.id === PROJECT_ID) && !!user.domain;
  } else if (Array.isArray(methods) && methods[0] === 'application_credential') {
    const ac = identity?.identity?.['application_credential'] as { id?: string; secret?: string } | undefined;
    ok = !!u?.applicationCredential && ac?.id === u.applicationCredential.id && ac.secret === u.applicationCredential.secret;
  }
  if (!ok) return unauthorized;
  const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
  tokens.add(token);
  const endpoints = (url: string): unknown[] =>
    ['public', 'internal'].map((i) => ({ id: randomBytes(8).toString('hex'), interface: i, region_id: region, region, url }));
  return {
    status: 201,
    headers: { 'x-subject-token': token },
    body: {
      token: {
        methods: Array.isArray(methods) ? methods.slice(0, 1) : [],
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        issued_at: new Date().toISOString(),
        project: { id: PROJECT_ID, name: u?.user?.project ?? 'mesos', domain: { id: 'default', name: 'Default' } },
        catalog: [
          { type: 'identity', name: 'keystone', endpoints: endpoints(`${base}/identity`) },
          // Another region's endpoint listed first: the client must pick by OS_REGION_NAME.
          {
            type: 'orchestration',
            name: 'heat',
            endpoints: [{ id: 'x', interface: 'public', region_id: 'OtherRegion', region: 'OtherRegion', url: 'http://127.0.0.1:9/heat' }, ...endpoints(`${base}/heat/v1/${PROJECT_ID}`)],
          },
          { type: 'compute', name: 'nova', endpoints: endpoints(`${base}/compute/v2.1`) },
        ],
      },
    },
  };
}
