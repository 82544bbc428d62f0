/**
 * Simulator speed: a week of a 500-node cluster with 100,000 generated trace tasks,
 * replayed through the real controller and planner (60 s cycles) with the oracle.
 * Budget: 60 s on a 2-core machine; 30 days x 5,000 nodes x 1,000,000 tasks: 10 minutes.
 *
 *   npx tsx bench/simulate.ts [days] [nodes] [tasks] [policy]
 *   npx tsx bench/simulate.ts 30 5000 1000000
 *
 * A progress bar on a terminal; otherwise (nohup, CI) a line on stderr every 5 %.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

// A replay makes millions of short-lived objects (tasks' statuses, agent models, events): with
// V8's default 16 MB young generation, scavenges copied much of them and took ~15 % of a 1-day
// run at 5,000 nodes; 64 MB cut the run's cpu ~8 %. The flag only takes at start: run again with it.
const SEMI_SPACE = '--max-semi-space-size=64';
if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawnSync(process.execPath, [...process.execArgv, SEMI_SPACE, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { applyPolicy, NAMED_POLICIES } = await import('../src/sim/policies.js');
const { replayTrace, scenarioConfig } = await import('../src/sim/replay/index.js');
const { createProgress, formatReportTable } = await import('../src/sim/report/index.js');
const { generateTrace } = await import('../src/sim/trace/index.js');

const DAYS = Number(process.argv[2] ?? 7);
const NODES = Number(process.argv[3] ?? 500);
const TASKS = Number(process.argv[4] ?? 100_000);
const POLICY = process.argv[5] ?? 'demand-aware';
const BUDGET_MS = DAYS * NODES * TASKS > 7 * 500 * 100_000 ? 600_000 : 60_000;

const policy = NAMED_POLICIES[POLICY];
if (!policy) throw new Error(`unknown policy ${POLICY}`);
const started = performance.now();
const trace = generateTrace({ seed: 1, days: DAYS, targetNodes: NODES, nodeShape: { cpus: 16, mem: 65536 }, tasks: TASKS });
const generated = performance.now();
const config = applyPolicy(policy, scenarioConfig([{ name: 'agents', cpus: 16, mem: 65536, min: 3, max: NODES * 2 }]));
if (!config.ok) throw new Error(config.error);
const bar = createProgress({ total: Math.ceil((DAYS * 86_400_000) / (config.value.timer * 1000)), label: `${POLICY} ${DAYS} d` });
let reported = 0;
const onProgress = (done: number, total: number): void => {
  bar.update(done);
  if (process.stderr.isTTY !== true && done * 20 >= (reported + 1) * total) {
    reported = Math.floor((done * 20) / total);
    process.stderr.write(`${reported * 5}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} cycles) after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
};
const result = await replayTrace({ trace, config: config.value, policy: POLICY, traceName: `generated ${DAYS} d`, endMs: DAYS * 86_400_000, initial: { agents: Math.ceil(NODES * 0.4) }, onProgress });
bar.stop();
const wall = performance.now() - started;
const instances = trace.reduce((n, t) => n + t.instances, 0);

process.stdout.write(formatReportTable([result.report]));
process.stdout.write(
  [
    `trace:    ${trace.length.toLocaleString('en-US')} tasks (${instances.toLocaleString('en-US')} instances) over ${DAYS} days, generated in ${((generated - started) / 1000).toFixed(2)} s`,
    // A reduce, not Math.max(...xs): a month has 43,200 samples.
    `replay:   ${result.cycles.toLocaleString('en-US')} cycles, ${result.actions} actions, peak ${result.samples.reduce((m, s) => Math.max(m, s.nodesByGroup['agents'] ?? 0), 0)} nodes, policy ${POLICY}`,
    `wall:     ${(wall / 1000).toFixed(1)} s (cpu ${(process.cpuUsage().user / 1e6).toFixed(1)} s), ${((wall / BUDGET_MS) * 100).toFixed(0)}% of the ${BUDGET_MS / 1000} s budget: ${wall <= BUDGET_MS ? 'within' : 'OVER'} budget`,
    '',
  ].join('\n'),
);
