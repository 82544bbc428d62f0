import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import { addAutoscalerOptions, overridesFrom } from './options.js';
import { configFromCli, EXIT_INVALID_CONFIG } from './config-from-cli.js';
import { runService } from './run.js';
import { planOnce } from './plan.js';
import { addSimulateCommand } from './simulate.js';
import { addDemoCommand } from './demo.js';

const program = new Command('mesos-autoscaler')
  .description('Cluster autoscaler for Apache Mesos and DC/OS')
  .showHelpAfterError();

addAutoscalerOptions(
  program
    .command('run', { isDefault: true })
    .description('watch the cluster and scale its node groups (the original dcos-autoscaler flags work here)'),
).action(async (raw: Record<string, unknown>) => {
  await runService(await configFromCli(raw));
});

addAutoscalerOptions(program.command('plan').description('one dry cycle: print the plan per node group with its reasons'))
  .option('--json', 'print the plan as JSON')
  .action(async (raw: Record<string, unknown>) => {
    process.exitCode = await planOnce(await configFromCli(raw), raw['json'] === true);
  });

addAutoscalerOptions(program.command('validate').description('check a configuration; exits 2 naming every invalid field')).action(
  async (raw: Record<string, unknown>) => {
    try {
      const config = await loadConfig(typeof raw['config'] === 'string' ? raw['config'] : undefined, overridesFrom(raw, process.env));
      process.stdout.write(`configuration is valid: ${config.groups.length} node group(s): ${config.groups.map((g) => g.name).join(', ')}\n`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      process.stderr.write(`${e.message}\n`);
      process.exitCode = EXIT_INVALID_CONFIG;
    }
  },
);

addSimulateCommand(program);
addDemoCommand(program);

await program.parseAsync(process.argv);
