import type { Config } from '../config/schema.js';
import { isSecretName, secretsFromEnv } from '../providers/redact.js';
import { secretsIn, type Secret } from '../util/secret.js';

/**
 * Every secret this process knows, for its one Scrubber (logs, /status, HTTP answers, the loop's
 * failure): each Secret of the config with the user:password pair of each basic-auth section,
 * strings under credential-like keys (an exec group's `settings`), and the values of
 * credential-like environment variables (AWS_SECRET_ACCESS_KEY, OS_PASSWORD, ...: the SDKs read them).
 */
export function processSecrets(config: Config, env: NodeJS.ProcessEnv = process.env): Secret[] {
  return [...secretsIn(config, isSecretName), ...secretsFromEnv(env)];
}
