import { Command, InvalidArgumentError } from 'commander';
import { formatChaosReport } from '../sim/chaos/format.js';
import { runChaos } from '../sim/chaos/run.js';

/**
 * `npm run chaos`: the chaos suite (src/sim/chaos) as a command. Prints the cycles run, the faults
 * injected by kind and the invariant breaks; exits 1 on any break, 2 on bad flags.
 */
function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
    return n;
  };
}

function share(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`--http-share must be between 0 and 1, got "${v}"`);
  return n;
}

const program = new Command('chaos')
  .description('Seeded fault injection through the real Controller over the emulated cluster; checks every invariant every cycle')
  .option('--seed <n>', 'seed of the whole run', positiveInt('--seed'), 1)
  .option('--cycles <n>', 'cycles with faults injected', positiveInt('--cycles'), 10_000)
  .option('--episode-cycles <n>', 'chaos cycles per episode (a fresh cluster each)', positiveInt('--episode-cycles'), 40)
  .option('--http-share <f>', 'share of episodes run over HTTP with the real Mesos and Marathon clients', share, 0.2)
  .option('--episode <n>', 'run only this episode of the seed (to reproduce a break)', positiveInt('--episode'))
  .option('--json', 'print the report as JSON')
  .option('--trace', 'print one JSON line per cycle on stderr (decisions, actions, drains)')
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));

program.parse();
const o = program.opts<{ seed: number; cycles: number; episodeCycles: number; httpShare: number; json?: boolean; trace?: boolean; episode?: number }>();
const report = await runChaos({
  seed: o.seed,
  cycles: o.cycles,
  episodeCycles: Math.max(1, o.episodeCycles),
  httpShare: o.httpShare,
  ...(o.episode !== undefined ? { onlyEpisode: o.episode } : {}),
  ...(o.trace ? { trace: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  onProgress: (done, total) => {
    if (!o.json && process.stderr.isTTY) process.stderr.write(`\r${done}/${total} cycles`);
  },
});
if (!o.json && process.stderr.isTTY) process.stderr.write('\n');
process.stdout.write(`${o.json ? JSON.stringify(report, null, 2) : formatChaosReport(report)}\n`);
process.exitCode = report.breakCount > 0 ? 1 : 0;
