import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../util/result.js';
import { Secret } from '../util/secret.js';

/**
 * A DC/OS service account's credential, as DC/OS keeps it in the secret store and passes it to a
 * task (marathon-lb's `secret_name` -> DCOS_SERVICE_ACCOUNT_CREDENTIAL): JSON with `uid`,
 * `private_key` (PEM), `login_endpoint` and `scheme` "RS256" (dcos-enterprise-cli
 * `dcos security secrets create-sa-secret`; read the same way by marathon-lb's `DCOSAuth`).
 */
export interface ServiceAccount {
  readonly uid: string;
  readonly privateKey: Secret;
  readonly loginEndpoint: string;
}

/** Where DC/OS masters answer logins when a credential names no endpoint. */
export const DEFAULT_LOGIN_ENDPOINT = 'https://leader.mesos/acs/api/v1/auth/login';

const credentialJson = z.object({
  uid: z.string().min(1),
  private_key: z.string().min(1),
  login_endpoint: z
    .string()
    .refine((u) => /^https?:\/\/[^/]/.test(u), 'must be an http:// or https:// URL')
    .default(DEFAULT_LOGIN_ENDPOINT),
  scheme: z.literal('RS256').default('RS256'),
});

const HINT = 'expected the JSON DC/OS stores for a service account: {"uid", "private_key", "login_endpoint", "scheme": "RS256"}';

/**
 * Reads a credential from its JSON text. Errors never quote the text: it holds a private key
 * (JSON.parse's own message would quote it).
 */
export function parseServiceAccount(text: string): Result<ServiceAccount, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err(`is not JSON (${HINT})`);
  }
  const parsed = credentialJson.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return err(`${where} (${HINT})`);
  }
  try {
    const key = createPrivateKey(parsed.data.private_key);
    if (key.asymmetricKeyType !== 'rsa') return err(`private_key is a ${key.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs an RSA key`);
  } catch {
    return err('private_key is not a PEM private key');
  }
  return ok({ uid: parsed.data.uid, privateKey: new Secret(parsed.data.private_key), loginEndpoint: parsed.data.login_endpoint });
}

/** The config field: the credential's JSON text (or a Secret holding it), checked and parsed. */
export const serviceAccountSchema = z
  .union([z.string(), z.instanceof(Secret)])
  .transform((v, ctx): ServiceAccount => {
    const parsed = parseServiceAccount(v instanceof Secret ? v.reveal() : v);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  });
