import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from './http.js';

/** The service principal the fake token endpoint accepts; any is accepted when not given. */
export interface FakeServicePrincipal {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** One token request as recorded: the client secret is never kept. */
export interface TokenRequestRecord {
  readonly tenant: string;
  readonly clientId: string | null;
  readonly scope: string | null;
  readonly grantType: string | null;
  readonly granted: boolean;
}

/**
 * Enough of the Microsoft identity platform for MSAL's client-credentials flow against a
 * custom authority host: the tenant's OpenID configuration, instance discovery, and the
 * v2.0 token endpoint.
 */
export class FakeIdentity {
  readonly issuedTokens = new Set<string>();
  readonly tokenRequests: TokenRequestRecord[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly principal: FakeServicePrincipal | undefined,
    private readonly expiresInSeconds: number,
    private readonly leakyErrors: boolean,
  ) {}

  /** Returns undefined when the path is not an identity endpoint. */
  handle(req: FakeRequest): FakeResponse | undefined {
    const base = this.baseUrl();
    const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(req.path);
    if (req.method === 'GET' && openid?.[1]) return { status: 200, body: this.openidConfiguration(base, openid[1]) };

    if (req.method === 'GET' && req.path === '/common/discovery/instance') {
      const host = new URL(base).host;
      return {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    }

    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
    if (req.method === 'POST' && token?.[1]) return this.token(token[1], new URLSearchParams(req.rawBody));
    return undefined;
  }

  isValidBearer(authorization: string | undefined): boolean {
    const m = /^Bearer (.+)$/.exec(authorization ?? '');
    return m?.[1] !== undefined && this.issuedTokens.has(m[1]);
  }

  private token(tenant: string, form: URLSearchParams): FakeResponse {
    const p = this.principal;
    const granted =
      form.get('grant_type') === 'client_credentials' &&
      (!p || (tenant === p.tenantId && form.get('client_id') === p.clientId && form.get('client_secret') === p.clientSecret));
    this.tokenRequests.push({
      tenant,
      clientId: form.get('client_id'),
      scope: form.get('scope'),
      grantType: form.get('grant_type'),
      granted,
    });
    if (!granted) {
      // Shaped like Entra ID's answer; like it, the secret is not echoed back unless asked to misbehave.
      const echo = this.leakyErrors ? ` Received client_secret=${form.get('client_secret') ?? ''}` : '';
      return {
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided.${echo}`,
          error_codes: [7000215],
          timestamp: new Date().toISOString(),
          trace_id: '00000000-0000-0000-0000-000000000000',
          correlation_id: '00000000-0000-0000-0000-000000000000',
        },
      };
    }
    const accessToken = `fake-access-token-${randomBytes(16).toString('hex')}`;
    this.issuedTokens.add(accessToken);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: this.expiresInSeconds,
        ext_expires_in: this.expiresInSeconds,
        access_token: accessToken,
      },
    };
  }

  private openidConfiguration(base: string, tenant: string): Record<string, unknown> {
    return {
      token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
      tenant_region_scope: null,
      cloud_instance_name: new URL(base).host,
      cloud_graph_host_name: new URL(base).host,
      msgraph_host: new URL(base).host,
    };
  }
}
