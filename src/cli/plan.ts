import type { Config } from '../config/schema.js';
import type { Plan } from '../model/plan.js';
import { createLogger, levelForVerbosity } from '../util/logger.js';
import { wire } from './wire.js';

export function formatPlan(plan: Plan): string {
  if (plan.skipped) return `no plan: ${plan.skipped}\n`;
  return plan.groups
    .map((g) => {
      const head = `${g.group}: ${g.direction === 'none' ? 'no change' : `${g.direction} ${g.current} -> ${g.target}`} (now ${g.current})`;
      const reasons = g.reasons.map((r) => `  - ${r}`);
      const removals = g.removals.map((r) => `  * remove ${r.hostname} (instance ${r.instanceId ?? '?'}): ${r.reason}`);
      return [head, ...reasons, ...removals].join('\n');
    })
    .join('\n') + '\n';
}

/** One dry cycle, printed; returns the exit code. */
export async function planOnce(config: Config, json: boolean): Promise<number> {
  const logger = createLogger(levelForVerbosity(config.verbosity));
  const { controller } = wire({ ...config, dryRun: true }, logger);
  const plan = await controller.dryRun();
  if ('error' in plan) {
    process.stderr.write(`cannot plan: ${plan.error}\n`);
    return 1;
  }
  process.stdout.write(json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  return 0;
}
