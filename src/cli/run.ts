import type { Config } from '../config/schema.js';
import { createLogger, levelForVerbosity } from '../util/logger.js';
import { startService } from './service.js';

/**
 * The long-running service: leader election (with --zk), event-driven cycles with the
 * timer as safety net, and the HTTP server (with --listen). Stops cleanly on SIGINT/SIGTERM.
 */
export async function runService(config: Config): Promise<void> {
  const logger = createLogger(levelForVerbosity(config.verbosity));
  logger.info(
    { groups: config.groups.map((g) => g.name), timer: config.timer, dryRun: config.dryRun, masters: config.mesos.masters, leaderElection: Boolean(config.zk), server: Boolean(config.server) },
    'mesos-autoscaler started',
  );
  logger.debug({ config }, 'configuration');
  const service = await startService({ config, logger });
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const)
      process.once(sig, () => {
        logger.info({ signal: sig }, 'stopping');
        // A second signal while a cycle still waits on a slow master or cloud: leave now.
        process.once(sig, () => process.exit(1));
        resolve();
      });
    // The loop only ends on its own if it failed; then stop the rest too.
    void service.done.then(resolve);
  });
  await service.stop();
  logger.info('mesos-autoscaler stopped');
}
