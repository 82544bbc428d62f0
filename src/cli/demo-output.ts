import type { ActionRecord, CycleReport } from '../model/ports.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { Config } from '../config/schema.js';
import { viewGroup } from '../planner/group-view.js';
import { costOf, nodeHours, waitFigures, type MetricSample, type TaskRecord } from '../sim/metrics/index.js';

/** The demo's lines fit a 120-column terminal; longer text wraps under its first line, never cut. */
export const WIDTH = 120;
const MINUTE = 60_000;

/** Simulated time since the demo started, `t+hh:mm` (the header says it is simulated). */
export function stamp(ms: number): string {
  const m = Math.floor(ms / MINUTE);
  return `t+${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Word-wraps `text` to `width` columns; lines after the first start with `indent`. A word longer
 * than a line is split across lines rather than shortened: every character is printed.
 */
export function wrap(text: string, width = WIDTH, indent = ' '.repeat(10)): string[] {
  const out: string[] = [];
  let rest = text;
  let prefix = '';
  while (prefix.length + rest.length > width) {
    const room = width - prefix.length;
    const space = rest.lastIndexOf(' ', room);
    // No space to break at: the word is split, not shortened.
    const cut = space > 0 ? space : room;
    out.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    prefix = indent;
  }
  if (rest.length > 0 || out.length === 0) out.push(prefix + rest);
  return out;
}

const pct = (x: number | undefined): string => (x === undefined ? '  -' : `${Math.round(x * 100)}%`.padStart(4));

/** Marks: `=>` done, `!!` failed (never the other way round), `--` a dry run that changed nothing. */
export function actionLine(a: ActionRecord, at: string): string[] {
  const mark = a.dryRun ? '--' : a.ok ? '=>' : '!!';
  return wrap(`${at}   ${mark} ${a.kind} ${a.group}${a.ok ? '' : ' FAILED'}: ${a.detail}`);
}

interface GroupMemo {
  decision?: string;
  active?: number;
}

/**
 * Turns cycle reports into what a person watching the demo wants: what changed (decisions,
 * nodes arriving or leaving, actions, failures and recoveries) as it happens, and a summary of
 * every group every `summaryEveryMs` of simulated time, instead of a line per group per cycle.
 */
export class DemoNarrator {
  readonly #groups = new Map<string, GroupMemo>();
  #failing: string | undefined;
  #failedCycles = 0;
  #nextSummary = 0;

  constructor(
    private readonly config: Config,
    private readonly summaryEveryMs: number,
  ) {}

  /** Lines for one cycle; `elapsedMs` is simulated time since the start. */
  cycle(report: CycleReport, snapshot: ClusterSnapshot | undefined, elapsedMs: number): string[] {
    const at = stamp(elapsedMs);
    const lines: string[] = [];
    const problem = report.error && !report.plan ? `observation failed (${report.error.kind}): ${report.error.message}` : report.plan?.skipped ? `no action this cycle: ${report.plan.skipped}` : undefined;
    if (problem) {
      this.#failedCycles++;
      if (problem !== this.#failing) lines.push(...wrap(`${at} !! ${problem}`));
      this.#failing = problem;
      return lines;
    }
    if (this.#failing) lines.push(...wrap(`${at}    observation is back after ${this.#failedCycles} failed or skipped cycle(s)`));
    this.#failing = undefined;
    this.#failedCycles = 0;

    const summary = elapsedMs >= this.#nextSummary;
    if (summary) this.#nextSummary = (Math.floor(elapsedMs / this.summaryEveryMs) + 1) * this.summaryEveryMs;
    const summaryLines: string[] = [];
    for (const g of report.plan?.groups ?? []) {
      const memo = this.#groups.get(g.group) ?? {};
      const gc = this.config.groups.find((c) => c.name === g.group);
      const view = snapshot && gc ? viewGroup(snapshot, gc) : undefined;
      const active = g.figures['nodes.active'] ?? view?.capacity.length ?? g.current;
      const name = g.group.padEnd(8);
      if (memo.active !== undefined && memo.active !== active) lines.push(...wrap(`${at} ${name} nodes ${memo.active} -> ${active} active`));
      memo.active = active;
      const decision = g.direction === 'none' ? undefined : `${g.direction === 'up' ? 'scale up' : 'scale down'} ${g.current} -> ${g.target}`;
      if (decision && decision !== memo.decision) lines.push(...wrap(`${at} ${name} plan: ${decision}: ${g.reasons.join('; ')}`));
      memo.decision = decision;
      this.#groups.set(g.group, memo);
      if (summary) {
        const booting = g.figures['nodes.provisioning'] ?? 0;
        const draining = g.figures['nodes.draining'] ?? 0;
        const nodes = `${active}${booting ? ` +${booting} booting` : ''}${draining ? ` ${draining} draining` : ''}`;
        const mem = view && view.total.mem > 0 ? view.used.mem / view.total.mem : g.figures['util.mem'];
        const cpu = g.figures['util.cpus'] ?? view?.utilization.cpus;
        const bounds = gc ? ` (min ${gc.min}, max ${gc.max})` : '';
        summaryLines.push(...wrap(`${at} ${name} nodes ${nodes.padEnd(18)} cpu ${pct(cpu)}  mem ${pct(mem)}  pending ${String(g.figures['pending.instances'] ?? 0).padStart(3)}  target ${g.target}${bounds}`));
      }
    }
    for (const a of report.actions) lines.push(...actionLine(a, at));
    if (summary && summaryLines.length > 0) {
      const unplaceable = report.plan?.groups[0]?.figures['pending.unplaceable'] ?? 0;
      lines.push(...wrap(`${at} summary (simulated time)${unplaceable ? `: ${unplaceable} waiting instance(s) no group can host` : ''}`), ...summaryLines);
    }
    return lines;
  }
}

export interface RunFigures {
  readonly endMs: number;
  readonly cycles: number;
  readonly actions: number;
  readonly failedActions: number;
  readonly submitted: number;
  readonly samples: readonly MetricSample[];
  readonly records: readonly TaskRecord[];
}

/** The last lines: how long it ran, what it paid for (node-hours and cost at the groups' prices), how long work waited. */
export function finalSummary(f: RunFigures, groups: readonly { readonly name: string; readonly price: number }[]): string[] {
  const hours = nodeHours(f.samples, f.endMs);
  const prices = Object.fromEntries(groups.map((g) => [g.name, g.price]));
  const cost = costOf(hours, prices);
  const w = waitFigures(f.records, f.endMs);
  const secs = (x: number): string => (Number.isNaN(x) ? '-' : `${Math.round(x)} s`);
  const byGroup = groups.map((g) => `${g.name} ${(hours.byGroup[g.name] ?? 0).toFixed(1)}`).join(', ');
  return [
    `demo stopped after ${stamp(f.endMs)} simulated: ${f.cycles} cycles, ${f.actions} actions (${f.failedActions} failed), ${f.submitted} tasks submitted`,
    `node-hours ${hours.total.toFixed(1)} (${byGroup}); cost ${cost.toFixed(2)} at ${groups.map((g) => `${g.name} ${g.price}/h`).join(', ')}`,
    `waits before launch: ${w.placedInstances} instances placed, p50 ${secs(w.p50)}, p95 ${secs(w.p95)}, max ${secs(w.max)}; ${w.neverPlacedInstances} never placed; ${Math.round(w.pendingTaskSeconds)} instance-seconds of waiting`,
  ];
}
