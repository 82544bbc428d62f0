/**
 * Simulator speed: a week of a 500-node cluster with 100,000 generated trace tasks,
 * replayed through the real controller and planner (60 s cycles) with the oracle.
 * Budget: 60 s on a 2-core machine.
 *
 *   npx tsx bench/simulate.ts [days] [nodes] [tasks] [policy]
 */
import { performance } from 'node:perf_hooks';
import { applyPolicy, NAMED_POLICIES } from '../src/sim/policies.js';
import { replayTrace, scenarioConfig } from '../src/sim/replay/index.js';
import { formatReportTable } from '../src/sim/report/index.js';
import { generateTrace } from '../src/sim/trace/index.js';

const DAYS = Number(process.argv[2] ?? 7);
const NODES = Number(process.argv[3] ?? 500);
const TASKS = Number(process.argv[4] ?? 100_000);
const POLICY = process.argv[5] ?? 'demand-aware';
const BUDGET_MS = 60_000;

const policy = NAMED_POLICIES[POLICY];
if (!policy) throw new Error(`unknown policy ${POLICY}`);
const started = performance.now();
const trace = generateTrace({ seed: 1, days: DAYS, targetNodes: NODES, nodeShape: { cpus: 16, mem: 65536 }, tasks: TASKS });
const generated = performance.now();
const config = applyPolicy(policy, scenarioConfig([{ name: 'agents', cpus: 16, mem: 65536, min: 3, max: NODES * 2 }]));
if (!config.ok) throw new Error(config.error);
const result = await replayTrace({ trace, config: config.value, policy: POLICY, traceName: `generated ${DAYS} d`, endMs: DAYS * 86_400_000, initial: { agents: Math.ceil(NODES * 0.4) } });
const wall = performance.now() - started;
const instances = trace.reduce((n, t) => n + t.instances, 0);

process.stdout.write(formatReportTable([result.report]));
process.stdout.write(
  [
    `trace:    ${trace.length.toLocaleString('en-US')} tasks (${instances.toLocaleString('en-US')} instances) over ${DAYS} days, generated in ${((generated - started) / 1000).toFixed(2)} s`,
    `replay:   ${result.cycles.toLocaleString('en-US')} cycles, ${result.actions} actions, peak ${Math.max(...result.samples.map((s) => s.nodesByGroup['agents'] ?? 0))} nodes, policy ${POLICY}`,
    `wall:     ${(wall / 1000).toFixed(1)} s (cpu ${(process.cpuUsage().user / 1e6).toFixed(1)} s), ${((wall / BUDGET_MS) * 100).toFixed(0)}% of the 60 s budget: ${wall <= BUDGET_MS ? 'within' : 'OVER'} budget`,
    '',
  ].join('\n'),
);
