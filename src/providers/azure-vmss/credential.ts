import {
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { Config } from '../../config/schema.js';

export type AzureSettings = NonNullable<Config['azure']>;

export type CredentialKind = 'client-secret' | 'managed-identity' | 'default';

export interface ChosenCredential {
  readonly kind: CredentialKind;
  readonly credential: TokenCredential;
}

export interface CredentialOptions {
  /** Entra ID authority, e.g. `https://login.microsoftonline.us`; defaults to AZURE_AUTHORITY_HOST. */
  readonly authorityHost?: string;
  /** Extra CA (PEM) the token endpoint's certificate chains to; replaces the default roots for these calls. */
  readonly tlsCa?: string;
  /** Retries of token requests (the identity SDK's default is 3). */
  readonly retry?: { readonly maxRetries?: number; readonly retryDelayInMs?: number; readonly maxRetryDelayInMs?: number };
}

/**
 * A service principal when a secret is configured; otherwise the VM's managed identity
 * (user-assigned when a client id is given), else the SDK's default chain.
 */
export function credentialKindFor(azure: AzureSettings): CredentialKind {
  if (azure.clientSecret) return 'client-secret';
  if (azure.clientId) return 'managed-identity';
  return 'default';
}

export function createCredential(
  azure: AzureSettings,
  options: CredentialOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ChosenCredential {
  // @azure/identity reads AZURE_AUTHORITY_HOST itself; passing it explicitly keeps the choice in one
  // place and lets us turn off instance discovery, which a custom authority (Azure Stack, a test
  // server) cannot answer and which would otherwise go to the public cloud.
  const authorityHost = options.authorityHost ?? (env['AZURE_AUTHORITY_HOST'] || undefined);
  const common = {
    ...(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {}),
    ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
    ...(options.retry ? { retryOptions: options.retry } : {}),
  };
  const kind = credentialKindFor(azure);
  switch (kind) {
    case 'client-secret': {
      if (!azure.tenantId || !azure.clientId)
        throw new Error('azure.clientSecret is set, so azure.tenantId and azure.clientId are required too');
      const secret = azure.clientSecret?.reveal() ?? '';
      return { kind, credential: new ClientSecretCredential(azure.tenantId, azure.clientId, secret, common) };
    }
    case 'managed-identity':
      return { kind, credential: new ManagedIdentityCredential({ clientId: azure.clientId ?? '', ...common }) };
    case 'default':
      return {
        kind,
        credential: new DefaultAzureCredential({ ...common, ...(azure.tenantId ? { tenantId: azure.tenantId } : {}) }),
      };
  }
}

/**
 * Shares one in-flight token request among concurrent callers with the same scopes. The ARM
 * client and the NIC-list context each have their own bearer policy; without this, describe's
 * parallel reads would each fetch a token on a cold start.
 */
export function singleFlight(inner: TokenCredential): TokenCredential {
  const inFlight = new Map<string, ReturnType<TokenCredential['getToken']>>();
  return {
    getToken(scopes, options) {
      const key = [scopes].flat().join(' ') + (options?.tenantId ? `@${options.tenantId}` : '');
      const pending = inFlight.get(key);
      if (pending) return pending;
      const p = inner.getToken(scopes, options).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
  };
}
