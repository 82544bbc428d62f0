import { Secret } from '../../util/secret.js';

/** Who we are to Keystone, from the standard OS_* variables (as an openrc file or clouds.yaml export sets them). */
export interface OpenStackAuth {
  readonly authUrl: string;
  readonly regionName?: string;
  /** Endpoint interface to pick from the catalog: public (default), internal or admin. */
  readonly interface: string;
  readonly caFile?: string;
  readonly method:
    | {
        readonly kind: 'password';
        readonly user: { readonly id?: string; readonly name?: string; readonly domainId?: string; readonly domainName?: string };
        readonly password: Secret;
        readonly project: { readonly id?: string; readonly name?: string; readonly domainId?: string; readonly domainName?: string };
      }
    | { readonly kind: 'application_credential'; readonly id: string; readonly secret: Secret };
}

/** The secrets of an auth, to scrub from any text that leaves the provider. */
export function secretsOf(auth: OpenStackAuth): Secret[] {
  return auth.method.kind === 'password' ? [auth.method.password] : [auth.method.secret];
}

const v = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const x = env[name]?.trim();
  return x ? x : undefined;
};

/**
 * Reads OS_AUTH_URL, OS_REGION_NAME, OS_INTERFACE, OS_CACERT and either
 * OS_APPLICATION_CREDENTIAL_ID/_SECRET or OS_USERNAME|OS_USER_ID + OS_PASSWORD with
 * OS_PROJECT_NAME|OS_PROJECT_ID and the user's and project's domain (OS_*_DOMAIN_NAME|_ID,
 * falling back to OS_DOMAIN_NAME|_ID as python-openstackclient does). Returns a message naming
 * the missing variables rather than throwing.
 */
export function openStackAuthFromEnv(env: NodeJS.ProcessEnv): { ok: true; auth: OpenStackAuth } | { ok: false; message: string } {
  const authUrl = v(env, 'OS_AUTH_URL');
  if (!authUrl) return { ok: false, message: 'OS_AUTH_URL is not set (source your openrc file or set the OS_* variables)' };
  const regionName = v(env, 'OS_REGION_NAME');
  const caFile = v(env, 'OS_CACERT');
  const common = { authUrl, interface: (v(env, 'OS_INTERFACE') ?? 'public').replace(/URL$/i, ''), ...(regionName ? { regionName } : {}), ...(caFile ? { caFile } : {}) };
  const acId = v(env, 'OS_APPLICATION_CREDENTIAL_ID');
  const acSecret = v(env, 'OS_APPLICATION_CREDENTIAL_SECRET');
  if (acId || acSecret) {
    if (!acId || !acSecret) return { ok: false, message: 'set both OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET' };
    return { ok: true, auth: { ...common, method: { kind: 'application_credential', id: acId, secret: new Secret(acSecret) } } };
  }
  const userName = v(env, 'OS_USERNAME');
  const userId = v(env, 'OS_USER_ID');
  const password = v(env, 'OS_PASSWORD');
  const projectName = v(env, 'OS_PROJECT_NAME') ?? v(env, 'OS_TENANT_NAME');
  const projectId = v(env, 'OS_PROJECT_ID') ?? v(env, 'OS_TENANT_ID');
  const missing = [
    !userName && !userId ? 'OS_USERNAME (or OS_USER_ID)' : undefined,
    !password ? 'OS_PASSWORD' : undefined,
    !projectName && !projectId ? 'OS_PROJECT_NAME (or OS_PROJECT_ID)' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (missing.length > 0 || !password) return { ok: false, message: `missing ${missing.join(', ')}; or set OS_APPLICATION_CREDENTIAL_ID and _SECRET` };
  const domainName = v(env, 'OS_DOMAIN_NAME');
  const domainId = v(env, 'OS_DOMAIN_ID');
  const pick = (id: string | undefined, name: string | undefined): { domainId?: string; domainName?: string } =>
    id ? { domainId: id } : name ? { domainName: name } : domainId ? { domainId } : domainName ? { domainName } : { domainId: 'default' };
  return {
    ok: true,
    auth: {
      ...common,
      method: {
        kind: 'password',
        user: { ...(userId ? { id: userId } : { name: userName ?? '' }), ...pick(v(env, 'OS_USER_DOMAIN_ID'), v(env, 'OS_USER_DOMAIN_NAME')) },
        password: new Secret(password),
        project: { ...(projectId ? { id: projectId } : { name: projectName ?? '' }), ...pick(v(env, 'OS_PROJECT_DOMAIN_ID'), v(env, 'OS_PROJECT_DOMAIN_NAME')) },
      },
    },
  };
}
