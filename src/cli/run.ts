import type { Config } from '../config/schema.js';
import { createLogger, levelForVerbosity } from '../util/logger.js';
import { Scrubber } from '../util/secret.js';
import { processSecrets } from './secrets.js';
import { displayUrl } from '../util/url.js';
import { startService, type LoopEnd, type ServiceOptions } from './service.js';

/** Exit code when the control loop failed (the service cannot go on; let the scheduler restart it). */
export const EXIT_LOOP_FAILED = 1;

/**
 * The long-running service: leader election (with --zk), event-driven cycles with the
 * timer as safety net, and the HTTP server (with --listen). Stops cleanly on SIGINT/SIGTERM.
 * Resolves the exit code: 0 when stopped by a signal, 1 when the loop failed.
 */
export async function runService(config: Config, warnings: readonly string[] = [], extra: Omit<ServiceOptions, 'config' | 'logger'> = {}): Promise<number> {
  // Every configured secret, and credential-like environment variables, scrubbed from every log line.
  const logger = createLogger(levelForVerbosity(config.verbosity), undefined, new Scrubber(processSecrets(config)), config.logFormat);
  logger.info(
    {
      groups: config.groups.map((g) => g.name),
      timer: config.timer,
      dryRun: config.dryRun,
      masters: config.mesos.masters.map(displayUrl),
      ...(config.marathon ? { marathon: displayUrl(config.marathon.url) } : {}),
      leaderElection: Boolean(config.zk),
      server: Boolean(config.server),
    },
    'mesos-autoscaler started',
  );
  for (const w of warnings) logger.warn({ setting: w.slice(0, w.indexOf(':')) }, `configuration: ${w}`);
  // Secrets print as [redacted] and URLs carry no user info (the schema moves it to username/password).
  logger.debug({ config }, 'configuration');
  const service = await startService({ ...extra, config, logger });
  const end = await new Promise<LoopEnd>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const)
      process.once(sig, () => {
        logger.info({ signal: sig }, 'stopping');
        // A second signal while a cycle still waits on a slow master or cloud: leave now.
        process.once(sig, () => process.exit(1));
        resolve({});
      });
    // The loop only ends on its own if it failed; then stop the rest too.
    void service.done.then(resolve);
  });
  await service.stop();
  logger.info(end.error ? { err: end.error } : {}, end.error ? 'mesos-autoscaler stopped: the control loop failed' : 'mesos-autoscaler stopped');
  return end.error ? EXIT_LOOP_FAILED : 0;
}
