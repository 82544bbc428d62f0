import { scrub, Secret } from '../util/secret.js';

/** Longest provider error text we pass on; a script or server can say a lot. */
export const MAX_ERROR_TEXT = 600;

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
 * Removes credentials from provider error text and bounds its length: the given secrets, bearer
 * tokens, JWTs, AWS SigV4 signatures and session tokens, and `key=value` pairs under credential
 * names. Servers and scripts should never echo them; this holds even when one does.
 */
export function redactCredentials(text: string, secrets: readonly (Secret | undefined)[], max = MAX_ERROR_TEXT): string {
  const out = scrub(text, secrets)
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]')
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted]')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1[redacted]')
    .replace(
      /("?[A-Za-z_-]*(?:secret|password|passwd|token|access_token|session_token|security-token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
      '$1[redacted]',
    )
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
