import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { configWarnings } from '../config/warnings.js';
import { BUILT_PROVIDER_KINDS } from '../providers/factory.js';
import { err, ok, type Result } from '../util/result.js';
import { overridesFrom } from './options.js';

/** Exit code for invalid configuration and bad command-line usage (also used by `validate`). */
export const EXIT_INVALID_CONFIG = 2;

/** Which command the config is for: `run` and `plan` talk to real clouds, `validate` also accepts simulator configs. */
export type ConfigUse = 'service' | 'validate';

/** A valid config and what in it is legal but often a mistake. */
export interface CliConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/**
 * Provider kinds the schema knows but this build cannot create are refused here, naming the
 * field (the config layer cannot see providers: imports point down). `simulated` only runs
 * inside `demo` and `simulate`, so `run` and `plan` refuse it too.
 */
export function unbuiltKinds(config: Config, use: ConfigUse): string[] {
  const usable = BUILT_PROVIDER_KINDS.filter((k) => use === 'validate' || k !== 'simulated');
  return config.groups.flatMap((g, i) =>
    (usable as readonly string[]).includes(g.provider.kind)
      ? []
      : [`groups.${i}.provider.kind: "${g.provider.kind}" ${g.provider.kind === 'simulated' ? 'only runs inside demo and simulate' : 'has no provider in this build'} (usable here: ${usable.join(', ')})`],
  );
}

/** Loads config from file + env + flags and checks it can run; every problem as a value. */
export async function loadCliConfig(raw: Record<string, unknown>, use: ConfigUse, env: NodeJS.ProcessEnv = process.env): Promise<Result<CliConfig, ConfigError>> {
  let config: Config;
  try {
    config = await loadConfig(typeof raw['config'] === 'string' ? raw['config'] : undefined, overridesFrom(raw, env));
  } catch (e) {
    if (e instanceof ConfigError) return err(e);
    throw e;
  }
  const unbuilt = unbuiltKinds(config, use);
  if (unbuilt.length) return err(new ConfigError(unbuilt));
  return ok({ config, warnings: configWarnings(config) });
}

/** For `run` and `plan`: the config, or every problem printed and exit 2 before anything starts. */
export async function configFromCli(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<CliConfig> {
  const loaded = await loadCliConfig(raw, 'service', env);
  if (loaded.ok) return loaded.value;
  process.stderr.write(`${loaded.error.message}\n`);
  process.exit(EXIT_INVALID_CONFIG);
}
