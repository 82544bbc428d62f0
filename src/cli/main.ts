import { packageVersion } from '../util/version.js';
import { Command, CommanderError } from 'commander';
import { addAutoscalerOptions } from './options.js';
import { configFromCli, EXIT_INVALID_CONFIG, loadCliConfig } from './config-from-cli.js';
import { runService } from './run.js';
import { planOnce } from './plan.js';
import { addSimulateCommand } from './simulate.js';
import { addDemoCommand } from './demo.js';

const argv = process.argv.slice(2);
// `run` is the default command (the original tool had no commands), but only when the first
// argument is an option: a first word that is no command is then reported as a misspelt
// command, with commander's suggestion, instead of as an unknown option of `run`.
const runIsDefault = argv.length === 0 || (argv[0] ?? '').startsWith('-');

const program = new Command('mesos-autoscaler')
  .description('Cluster autoscaler for Apache Mesos and DC/OS')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError()
  // Usage errors (unknown option or command, bad value) exit 2 like invalid configuration;
  // subcommands inherit this. Help and --version still exit 0.
  .exitOverride();

addAutoscalerOptions(
  program
    .command('run', { isDefault: runIsDefault })
    .description('watch the cluster and scale its node groups (the original dcos-autoscaler flags work here)'),
).action(async (raw: Record<string, unknown>) => {
  const { config, warnings } = await configFromCli(raw);
  process.exitCode = await runService(config, warnings);
});

addAutoscalerOptions(program.command('plan').description('one dry cycle: print the plan per node group with its reasons; exits 1 when something could not be read'), { service: false })
  .option('--json', 'print the plan as JSON')
  .action(async (raw: Record<string, unknown>) => {
    const { config } = await configFromCli(raw);
    process.exitCode = await planOnce(config, raw['json'] === true);
  });

addAutoscalerOptions(program.command('validate').description('check a configuration; exits 2 naming every invalid field, prints warnings')).action(
  async (raw: Record<string, unknown>) => {
    const loaded = await loadCliConfig(raw, 'validate');
    if (!loaded.ok) {
      process.stderr.write(`${loaded.error.message}\n`);
      process.exitCode = EXIT_INVALID_CONFIG;
      return;
    }
    const { config, warnings } = loaded.value;
    // Warnings go with the verdict on stdout: the configuration is valid, stderr stays for errors.
    process.stdout.write(`configuration is valid: ${config.groups.length} node group(s): ${config.groups.map((g) => g.name).join(', ')}\n`);
    for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  },
);

addSimulateCommand(program);
addDemoCommand(program);

try {
  await program.parseAsync(argv, { from: 'user' });
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  process.exitCode = e.exitCode === 0 ? 0 : EXIT_INVALID_CONFIG;
}
