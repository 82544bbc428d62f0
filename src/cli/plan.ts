import type { Config } from '../config/schema.js';
import type { Plan } from '../model/plan.js';
import { formatMachine } from '../model/machine.js';
import { describeMove } from '../controller/controller.js';
import { createLogger, levelForVerbosity } from '../util/logger.js';
import { Scrubber } from '../util/secret.js';
import { processSecrets } from './secrets.js';
import { wire } from './wire.js';

/** Exit code of `plan` when it could not read what a full plan needs (Mesos, Marathon, a cloud group, a signal). */
export const EXIT_PLAN_INCOMPLETE = 1;

/** The plan for people: one block per group, its decision, reasons and removals, its drains and ghosts, then the moves. */
export function formatPlan(plan: Plan): string {
  if (plan.skipped) return `no plan: ${plan.skipped}\n`;
  const groups = plan.groups.map((g) => {
    const head = `${g.group}: ${g.direction === 'none' ? 'no change' : `${g.direction} ${g.current} -> ${g.target}`} (now ${g.current})`;
    const reasons = g.reasons.map((r) => `  - ${r}`);
    const removals = g.removals.map((r) => `  * remove ${r.hostname} (instance ${r.instanceId ?? '?'}): ${r.reason}`);
    const drains = (plan.drains ?? []).filter((d) => d.group === g.group).map((d) => `  ~ draining ${formatMachine(d.machine)}${d.instanceId ? ` (instance ${d.instanceId})` : ''}: ${d.phase}, next ${d.next}`);
    const ghosts = (plan.ghosts ?? []).filter((x) => x.group === g.group).map((x) => `  ! instance ${x.instanceId} never registered (${Math.round(x.watchedMs / 1000)} s): removing it`);
    return [head, ...reasons, ...removals, ...drains, ...ghosts].join('\n');
  });
  const moves = (plan.moves ?? []).map((m) => `  ${describeMove(m)}: ${m.reason}`);
  return [...groups, ...(moves.length ? ['moves this cycle:', ...moves] : [])].join('\n') + '\n';
}

const READ_NAMES: Readonly<Record<string, string>> = {
  provider: 'a node group from its cloud',
  marathon: 'the Marathon launch queue',
  prometheus: 'a Prometheus signal',
};

/**
 * One dry cycle, printed; returns the exit code. A plan made without some of its inputs
 * (a cloud group, the launch queue, a signal could not be read: the logged warnings say
 * which) is still printed, but the exit code says it is not the plan a full read gives.
 */
export async function planOnce(config: Config, json: boolean): Promise<number> {
  // Every configured secret, and credential-like environment variables, scrubbed from every log line.
  const logger = createLogger(levelForVerbosity(config.verbosity), undefined, new Scrubber(processSecrets(config)), config.logFormat);
  const failed = new Set<string>();
  const { controller, mesos, marathon, session } = wire({ ...config, dryRun: true }, logger, { onError: (kind) => failed.add(kind) });
  try {
    const plan = await controller.dryRun();
    if ('error' in plan) {
      process.stderr.write(`cannot plan: ${plan.error}\n`);
      return EXIT_PLAN_INCOMPLETE;
    }
    process.stdout.write(json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    if (failed.size === 0) return 0;
    const what = [...failed].map((k) => READ_NAMES[k] ?? k).join(', ');
    process.stderr.write(`plan incomplete: could not read ${what} (see the warnings above); exit ${EXIT_PLAN_INCOMPLETE}\n`);
    return EXIT_PLAN_INCOMPLETE;
  } finally {
    await Promise.allSettled([mesos.close(), marathon?.close(), session?.close()]);
  }
}
