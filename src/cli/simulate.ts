import { mkdir, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { applyPolicy, POLICY_LIST, resolvePolicy, type SimPolicy } from '../sim/policies.js';
import { replayTrace, scenarioConfig, type ReplayResult } from '../sim/replay/index.js';
import { createProgress, formatDefinitions, formatReportTable, headline, renderChartsSvg, reportsToJson, writeReportsJson, type SimulationReport } from '../sim/report/index.js';
import { isMachineFormat, isTraceFormat, MACHINE_FORMATS, offeredCpus, TRACE_FORMATS, type MachineFormat, type NodeShape, type TraceFormat } from '../sim/trace/index.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import { loadTrace, nodeShapeFrom, type LoadedTrace } from './simulate-trace.js';

export { TRACE_FORMATS, type TraceFormat } from '../sim/trace/index.js';

export interface SimulateOptions {
  /** A file, or `generate:<seed>:<days>:<nodes>:<tasks>`. */
  readonly trace: string;
  readonly format?: TraceFormat;
  /** A file of machines whose most common shape becomes the node template (sizes in `node` are then the largest machine's). */
  readonly machines?: string;
  readonly machinesFormat?: MachineFormat;
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
  readonly trace: LoadedTrace;
  /** The node template every policy ran on. */
  readonly node: NodeShape;
  /** Where the node template came from, when it was read from a machines file. */
  readonly nodeNote?: string;
}

/** Replays the trace under each policy, writes JSON and SVG into `out`, returns the table. */
export async function simulate(o: SimulateOptions): Promise<Result<SimulationRun, string>> {
  let node: NodeShape & { readonly disk: number } = o.node;
  let nodeNote: string | undefined;
  if (o.machines !== undefined) {
    const shape = await nodeShapeFrom(o.machines, o.machinesFormat ?? 'google2011-machines', o.node);
    if (!shape.ok) return shape;
    node = { ...o.node, cpus: shape.value.node.cpus, mem: shape.value.node.mem };
    nodeNote = shape.value.note;
  }
  const trace = await loadTrace({ trace: o.trace, format: o.format ?? 'csv', node, ...(o.machines === undefined ? {} : { reference: o.node }), ...(o.timeScale === undefined ? {} : { timeScale: o.timeScale }) });
  if (!trace.ok) return trace;
  const endMs = o.hours !== undefined ? Math.min(trace.value.endMs, o.hours * 3_600_000) : trace.value.endMs;
  if (!trace.value.tasks.some((t) => t.submitAt < endMs)) {
    return err(`trace ${o.trace}: no task is submitted in the ${(endMs / 3_600_000).toFixed(1)} h the run covers${o.hours !== undefined ? ' (--hours)' : ''}`);
  }
  const { config: base, initial } = scenarioFor(trace.value, { ...o, node });
  const runs: { policy: SimPolicy; config: Config }[] = [];
  for (const spec of o.policies) {
    const policy = await resolvePolicy(spec);
    if (!policy.ok) return policy;
    const config = applyPolicy(policy.value, base);
    if (!config.ok) return config;
    runs.push({ policy: policy.value, config: config.value });
  }
  const total = runs.reduce((n, r) => n + Math.ceil(endMs / (r.config.timer * 1000)), 0);
  const label = (i: number): string => `${runs[i]?.policy.name ?? ''} (${i + 1}/${runs.length})`;
  const progress = createProgress({ total, label: label(0), enabled: o.progress !== false });
  const results: ReplayResult[] = [];
  let before = 0;
  try {
    for (const [i, { policy, config }] of runs.entries()) {
      progress.update(before, label(i));
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
  return ok({ reports, results, table: formatReportTable(reports), files: [json, svg], trace: trace.value, node, ...(nodeNote === undefined ? {} : { nodeNote }) });
}

/**
 * Lines under the table: what the figures mean, what ran, each policy's headline (the same
 * figures, worded and rounded as the table and the SVG word them), where the files are.
 */
export function describeRun(run: SimulationRun, trace: string, wallMs: number): string {
  const r0 = run.results[0];
  const lines = [formatDefinitions(run.reports).trimEnd()];
  if (r0) {
    const skipped = run.trace.skipped.length;
    lines.push(`${trace}: ${r0.submitted.toLocaleString('en-US')} tasks over ${(r0.endMs / 3_600_000).toFixed(1)} h${skipped > 0 ? ` (${skipped.toLocaleString('en-US')} rows or tasks skipped)` : ''}; nodes of ${run.node.cpus} cpus / ${run.node.mem} MB${run.node.gpus ? ` / ${run.node.gpus} GPUs` : ''}; ${(wallMs / 1000).toFixed(1)} s`);
    if (run.nodeNote !== undefined) lines.push(run.nodeNote);
    for (const r of run.results) {
      const n = (x: number): string => x.toLocaleString('en-US');
      lines.push(`${r.report.policy}: ${headline(r.report)}; ${n(r.cycles)} cycles, ${n(r.actions)} controller calls${r.failedActions > 0 ? ` (${n(r.failedActions)} failed)` : ''}`);
    }
  } else lines.push(trace);
  lines.push(`wrote ${run.files.join(' and ')}`);
  return `${lines.join('\n')}\n`;
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
    .addOption(new Option('--format <format>', 'trace file format (docs/traces.md)').choices([...TRACE_FORMATS]).default('csv'))
    .option('--machines <file>', 'machine list whose most common shape is the node; --node-cpus/--node-mem are then its largest machine')
    .addOption(new Option('--machines-format <format>', 'format of --machines').choices([...MACHINE_FORMATS]).default('google2011-machines'))
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
    .option('--json', 'print the report as JSON on stdout (the same as report.json) instead of the table')
    .action(async (raw: Record<string, unknown>) => {
      const policies = typeof raw['compare'] === 'string' ? raw['compare'].split(',').map((s) => s.trim()).filter(Boolean) : [String(raw['policy'])];
      const n = (k: string): number | undefined => (typeof raw[k] === 'number' ? raw[k] : undefined);
      const started = performance.now();
      const run = await simulate({
        trace: String(raw['trace']),
        // commander has checked both against their choices; the guards keep the types honest.
        ...(isTraceFormat(raw['format']) ? { format: raw['format'] } : {}),
        ...(typeof raw['machines'] === 'string' ? { machines: raw['machines'], ...(isMachineFormat(raw['machinesFormat']) ? { machinesFormat: raw['machinesFormat'] } : {}) } : {}),
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
      if (raw['json'] === true) {
        process.stdout.write(reportsToJson(run.value.reports));
        return;
      }
      process.stdout.write(run.value.table);
      process.stdout.write(describeRun(run.value, String(raw['trace']), performance.now() - started));
    });
}

const optional = <K extends string>(key: K, v: number | undefined): { [P in K]?: number } => (v === undefined ? {} : ({ [key]: v } as { [P in K]?: number }));
