import { Secret } from '../util/secret.js';
import { redact } from './cloud-call.js';

/** Environment variable names whose values are credentials (AWS_SECRET_ACCESS_KEY, OS_PASSWORD, ...). */
const SECRET_NAME = /secret|password|passwd|token|credential|private.?key|api.?key|access.?key/i;

/** True for a setting or variable name that holds a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !/_?(id|file|path|url|host|name|region)$/i.test(name);
}

/**
 * The values of credential-like environment variables, as Secrets, so that text a cloud, an SDK or
 * a script produced can be scrubbed of them even when nobody told us they were secret.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Secret[] {
  const out: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 8 && isSecretName(name)) out.push(new Secret(value));
  }
  return out;
}

/**
 * Removes credentials from provider error text and bounds its length: the general rules of
 * `redact` (cloud-call.ts: the given secrets, bearer tokens, JWTs, private keys, token and
 * password fields), plus AWS SigV4 signatures, session tokens and any `key=value` under a
 * credential-like name (`secret_access_key=...`, `VSPHERE_PASSWORD=...`), which scripts and AWS
 * tooling print.
 */
export function redactCredentials(text: string, secrets: readonly (Secret | undefined)[]): string {
  const pre = text
    .replace(/(Signature=)[0-9a-f]+/gi, '$1[redacted]')
    .replace(/("?[A-Za-z_.-]*(?:secret|password|passwd|token|security-token)[A-Za-z_.-]*"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1[redacted]');
  return redact(pre, secrets);
}
