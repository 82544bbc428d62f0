import type { Config } from '../config/schema.js';
import { createLogger, levelForVerbosity } from '../util/logger.js';
import { wire } from './wire.js';

/** The long-running service: cycles until SIGINT/SIGTERM. */
export async function runService(config: Config): Promise<void> {
  const logger = createLogger(levelForVerbosity(config.verbosity));
  logger.info({ groups: config.groups.map((g) => g.name), timer: config.timer, dryRun: config.dryRun, masters: config.mesos.masters }, 'mesos-autoscaler started');
  logger.debug({ config }, 'configuration');
  const { controller } = wire(config, logger);
  const ac = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
  await controller.run(ac.signal);
  logger.info('mesos-autoscaler stopped');
}
