import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { basename, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { applyPolicy, POLICY_LIST, resolvePolicy, type SimPolicy } from '../sim/policies.js';
import { replayTrace, scenarioConfig, traceEnd, type ReplayResult } from '../sim/replay/index.js';
import { createProgress, formatReportTable, renderChartsSvg, writeReportsJson, type SimulationReport } from '../sim/report/index.js';
import { generateTrace, importAlibaba2018BatchTask, importAlibaba2023OpenbPods, importGoogle2011TaskEvents, offeredCpus, readTraceCsv, type NodeShape, type TraceTask } from '../sim/trace/index.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';

export const TRACE_FORMATS = ['csv', 'google2011', 'alibaba2018', 'alibaba2023'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export interface SimulateOptions {
  /** A file, or `generate:<seed>:<days>:<nodes>:<tasks>`. */
  readonly trace: string;
  readonly format?: TraceFormat;
  /** Policies to run on the same trace, in order (named or YAML files). */
  readonly policies: readonly string[];
  readonly out: string;
  readonly node: NodeShape & { readonly disk: number };
  readonly min?: number;
  readonly max?: number;
  readonly initial?: number;
  readonly price?: number;
  readonly provisionDelayS?: number;
  readonly seed?: number;
  /** Cut the run after this many hours of trace time. */
  readonly hours?: number;
  readonly progress?: boolean;
  /** Multiplies trace times (alibaba2023 only): 0.1 replays 10x faster. */
  readonly timeScale?: number;
}

export interface LoadedTrace {
  readonly name: string;
  readonly tasks: readonly TraceTask[];
  /** End of the run, ms from trace start. */
  readonly endMs: number;
  /** Nodes a generated trace was sized for. */
  readonly targetNodes?: number;
  readonly skipped: number;
}

const DAY = 86_400_000;

/** Reads or generates the trace named on the command line. */
export async function loadTrace(spec: string, format: TraceFormat, node: NodeShape, timeScale?: number): Promise<Result<LoadedTrace, string>> {
  if (spec.startsWith('generate:')) {
    const parts = spec.split(':').slice(1).map(Number);
    const [seed, days, nodes, tasks] = parts;
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || seed === undefined || days === undefined || nodes === undefined || tasks === undefined || days <= 0 || nodes <= 0 || tasks <= 0) {
      return err(`--trace ${spec}: expected generate:<seed>:<days>:<nodes>:<tasks> with positive numbers`);
    }
    const generated = generateTrace({ seed, days, targetNodes: nodes, nodeShape: { cpus: node.cpus, mem: node.mem }, tasks });
    return ok({ name: spec, tasks: generated, endMs: days * DAY, targetNodes: nodes, skipped: 0 });
  }
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (e) {
    return err(`cannot read trace ${spec}: ${errorMessage(e)}`);
  }
  const parsed =
    format === 'csv'
      ? ((r) => (r.ok ? ok({ tasks: r.value, skipped: [] as string[] }) : r))(readTraceCsv(text))
      : format === 'google2011'
        ? importGoogle2011TaskEvents(text, { nodeShape: node })
        : format === 'alibaba2023'
          ? importAlibaba2023OpenbPods(text, { nodeShape: node, ...(timeScale === undefined ? {} : { timeScale }) })
          : importAlibaba2018BatchTask(text, { nodeShape: node });
  if (!parsed.ok) return err(`trace ${spec}:\n${parsed.error.slice(0, 20).map((e) => `  ${e}`).join('\n')}${parsed.error.length > 20 ? `\n  ... and ${parsed.error.length - 20} more` : ''}`);
  if (parsed.value.tasks.length === 0) return err(`trace ${spec}: no usable tasks`);
  return ok({ name: basename(spec), tasks: parsed.value.tasks, endMs: traceEnd(parsed.value.tasks), skipped: parsed.value.skipped.length });
}

/** The node group the trace runs on and its start size, sized from the trace unless told. */
export function scenarioFor(trace: LoadedTrace, o: SimulateOptions): { config: Config; initial: Record<string, number> } {
  // A reduce, not Math.max(...xs): a months-long trace has hundreds of thousands of samples.
  const peakCpus = offeredCpus(trace.tasks, 60_000, Math.max(60_000, trace.endMs)).reduce((m, c) => Math.max(m, c), 0);
  const peakNodes = trace.targetNodes ?? Math.ceil(peakCpus / o.node.cpus);
  const min = o.min ?? Math.min(3, Math.max(1, peakNodes));
  const max = Math.max(min, o.max ?? Math.max(10, Math.ceil(peakNodes * 2)));
  const initial = Math.min(max, Math.max(min, o.initial ?? Math.ceil(peakNodes * 0.4)));
  return { config: scenarioConfig([{ name: 'agents', cpus: o.node.cpus, mem: o.node.mem, disk: o.node.disk, ...(o.node.gpus ? { gpus: o.node.gpus } : {}), min, max, price: o.price ?? 1 }]), initial: { agents: initial } };
}

export interface SimulationRun {
  readonly reports: readonly SimulationReport[];
  readonly results: readonly ReplayResult[];
  readonly table: string;
  readonly files: readonly string[];
}

/** Replays the trace under each policy, writes JSON and SVG into `out`, returns the table. */
export async function simulate(o: SimulateOptions): Promise<Result<SimulationRun, string>> {
  const trace = await loadTrace(o.trace, o.format ?? 'csv', o.node, o.timeScale);
  if (!trace.ok) return trace;
  const { config: base, initial } = scenarioFor(trace.value, o);
  const endMs = o.hours !== undefined ? Math.min(trace.value.endMs, o.hours * 3_600_000) : trace.value.endMs;
  const runs: { policy: SimPolicy; config: Config }[] = [];
  for (const spec of o.policies) {
    const policy = await resolvePolicy(spec);
    if (!policy.ok) return policy;
    const config = applyPolicy(policy.value, base);
    if (!config.ok) return config;
    runs.push({ policy: policy.value, config: config.value });
  }
  const total = runs.reduce((n, r) => n + Math.ceil(endMs / (r.config.timer * 1000)), 0);
  const progress = createProgress({ total, label: 'simulating', enabled: o.progress !== false });
  const results: ReplayResult[] = [];
  let before = 0;
  try {
    for (const { policy, config } of runs) {
      const result = await replayTrace({
        trace: trace.value.tasks,
        config,
        policy: policy.name,
        traceName: trace.value.name,
        endMs,
        seed: o.seed ?? 1,
        initial,
        provisioningDelayMs: (o.provisionDelayS ?? 180) * 1000,
        onProgress: (done) => progress.update(before + done),
      });
      before += result.cycles;
      results.push(result);
    }
  } finally {
    progress.stop();
  }
  const reports = results.map((r) => r.report);
  await mkdir(o.out, { recursive: true });
  const json = join(o.out, 'report.json');
  const svg = join(o.out, 'report.svg');
  const written = await writeReportsJson(json, reports);
  if (!written.ok) return written;
  try {
    await writeFile(svg, renderChartsSvg(reports), 'utf8');
  } catch (e) {
    return err(`cannot write chart to ${svg}: ${errorMessage(e)}`);
  }
  return ok({ reports, results, table: formatReportTable(reports), files: [json, svg] });
}

/** Summary lines under the table: what ran, how long, where the files are. */
export function describeRun(run: SimulationRun, trace: string, wallMs: number): string {
  const r0 = run.results[0];
  const head = r0 ? `${trace}: ${r0.submitted.toLocaleString('en-US')} tasks over ${(r0.endMs / 3_600_000).toFixed(1)} h, ${run.results.map((r) => `${r.report.policy} ${r.cycles} cycles / ${r.actions} actions`).join(', ')}; ${(wallMs / 1000).toFixed(1)} s` : trace;
  return `${head}\nwrote ${run.files.join(' and ')}\n`;
}

function num(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name}: "${v}" is not a non-negative number`);
    return n;
  };
}

/** `mesos-autoscaler simulate`: replay a trace under one or more policies. */
export function addSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('replay a workload trace through the autoscaler in simulated time and report cost, waits and elasticity')
    .requiredOption('--trace <file|generate:seed:days:nodes:tasks>', 'trace file, or a generated one')
    .addOption(new Option('--format <format>', 'trace file format').choices([...TRACE_FORMATS]).default('csv'))
    .option('--policy <policy>', `${POLICY_LIST.join(', ')} or a YAML config file`, 'demand-aware')
    .option('--compare <policies>', 'comma-separated policies to run on the same trace (overrides --policy)')
    .option('--out <dir>', 'where report.json and report.svg go', 'simulation')
    .option('--node-cpus <n>', 'cpus of one node', num('--node-cpus'), 16)
    .option('--node-mem <mb>', 'memory of one node (MB)', num('--node-mem'), 65536)
    .option('--node-disk <mb>', 'disk of one node (MB)', num('--node-disk'), 204800)
    .option('--node-gpus <n>', 'GPUs of one node', num('--node-gpus'), 0)
    .option('--time-scale <f>', 'alibaba2023: multiply trace times by this (0.1 = 10x shorter)', num('--time-scale'))
    .option('--min <n>', 'fewest nodes [3]', num('--min'))
    .option('--max <n>', 'most nodes [2 x the trace peak]', num('--max'))
    .option('--initial <n>', 'nodes at start [40% of the trace peak]', num('--initial'))
    .option('--price <p>', 'price of one node-hour', num('--price'), 1)
    .option('--provision-delay <s>', 'seconds from scale-up until a node registers', num('--provision-delay'), 180)
    .option('--hours <h>', 'stop after this many hours of trace time', num('--hours'))
    .option('--seed <n>', 'seed of the simulated cluster', num('--seed'), 1)
    .option('--no-progress', 'no progress bar')
    .action(async (raw: Record<string, unknown>) => {
      const policies = typeof raw['compare'] === 'string' ? raw['compare'].split(',').map((s) => s.trim()).filter(Boolean) : [String(raw['policy'])];
      const n = (k: string): number | undefined => (typeof raw[k] === 'number' ? raw[k] : undefined);
      const started = performance.now();
      const run = await simulate({
        trace: String(raw['trace']),
        format: raw['format'] as TraceFormat,
        policies,
        out: String(raw['out']),
        node: { cpus: n('nodeCpus') ?? 16, mem: n('nodeMem') ?? 65536, disk: n('nodeDisk') ?? 0, gpus: n('nodeGpus') ?? 0 },
        ...optional('min', n('min')),
        ...optional('max', n('max')),
        ...optional('initial', n('initial')),
        ...optional('price', n('price')),
        ...optional('provisionDelayS', n('provisionDelay')),
        ...optional('hours', n('hours')),
        ...optional('seed', n('seed')),
        ...optional('timeScale', n('timeScale')),
        progress: raw['progress'] !== false,
      });
      if (!run.ok) {
        process.stderr.write(`${run.error}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(run.value.table);
      process.stdout.write(describeRun(run.value, String(raw['trace']), performance.now() - started));
    });
}

const optional = <K extends string>(key: K, v: number | undefined): { [P in K]?: number } => (v === undefined ? {} : ({ [key]: v } as { [P in K]?: number }));
