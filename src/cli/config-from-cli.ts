import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { overridesFrom } from './options.js';

/** Exit code for invalid configuration (also used by `validate`). */
export const EXIT_INVALID_CONFIG = 2;

/** Loads config from file + env + flags; on invalid input prints every problem and exits 2. */
export async function configFromCli(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  try {
    return await loadConfig(typeof raw['config'] === 'string' ? raw['config'] : undefined, overridesFrom(raw, env));
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(EXIT_INVALID_CONFIG);
    }
    throw e;
  }
}
