import { overLowerBound } from '../metrics/figures.js';
import { formatFigure } from './headline.js';
import type { SimulationReport } from './report.js';

interface Row {
  readonly label: string;
  readonly value: (r: SimulationReport) => number | undefined;
  readonly digits: number;
  /** Printed after the number (e.g. "×" for a ratio). */
  readonly suffix?: string;
  /** Header when policies are rows (labels that lean on the row above need a name of their own). */
  readonly column?: string;
}

/** Rows in print order; `formatDefinitions` (definitions.ts) explains the less obvious ones. */
const ROWS: readonly Row[] = [
  { label: 'node-hours', value: (r) => r.figures.nodeHours, digits: 1 },
  { label: '  × strict bound', column: 'node-hours × bound', value: (r) => r.figures.nodeHoursOverLowerBound, digits: 2, suffix: '×' },
  { label: '  × boot-aware bound', column: 'node-hours × boot bound', value: (r) => r.figures.nodeHoursOverBootAwareBound, digits: 2, suffix: '×' },
  { label: '  booting', column: 'booting node-hours', value: (r) => r.figures.nodeHoursByState?.booting, digits: 1 },
  { label: '  idle', column: 'idle node-hours', value: (r) => r.figures.nodeHoursByState?.idle, digits: 1 },
  { label: '  draining', column: 'draining node-hours', value: (r) => r.figures.nodeHoursByState?.draining, digits: 1 },
  { label: '  busy', column: 'busy node-hours', value: (r) => r.figures.nodeHoursByState?.busy, digits: 1 },
  { label: 'cost', value: (r) => r.figures.cost, digits: 2 },
  { label: 'strict lower bound node-hours', value: (r) => r.figures.oracle?.lowerBoundNodeHours, digits: 1 },
  { label: 'boot-aware bound node-hours', value: (r) => r.figures.oracle?.bootAware?.lowerBoundNodeHours, digits: 1 },
  { label: 'oracle node-hours (packing)', value: (r) => r.figures.oracle?.nodeHours, digits: 1 },
  { label: '  × strict bound', column: 'oracle × bound', value: (r) => (r.figures.oracle ? overLowerBound(r.figures.oracle.nodeHours, r.figures.oracle) : undefined), digits: 2, suffix: '×' },
  { label: 'oracle cost', value: (r) => r.figures.oracle?.cost, digits: 2 },
  { label: 'pending task-s', value: (r) => r.figures.waits.pendingTaskSeconds, digits: 0 },
  { label: 'wait p50 (s)', value: (r) => r.figures.waits.p50, digits: 1 },
  { label: 'wait p95 (s)', value: (r) => r.figures.waits.p95, digits: 1 },
  { label: 'wait p99 (s)', value: (r) => r.figures.waits.p99, digits: 1 },
  { label: 'never placed', value: (r) => r.figures.waits.neverPlacedInstances, digits: 0 },
  { label: 'scaling actions', value: (r) => r.figures.scalingActions.total, digits: 0 },
  { label: 'θU under-prov. acc. %', value: (r) => r.figures.elasticity.thetaU, digits: 1 },
  { label: 'θO over-prov. acc. %', value: (r) => r.figures.elasticity.thetaO, digits: 1 },
  { label: 'τU under-prov. time %', value: (r) => r.figures.elasticity.tauU, digits: 1 },
  { label: 'τO over-prov. time %', value: (r) => r.figures.elasticity.tauO, digits: 1 },
  { label: 'υ instability %', value: (r) => r.figures.elasticity.upsilon, digits: 1 },
  { label: 'υ± opposite moves %', value: (r) => r.figures.elasticity.upsilonOpposite, digits: 1 },
];

function cell(row: Row, r: SimulationReport): string {
  const v = row.value(r);
  const text = formatFigure(v, row.digits);
  return v === undefined || Number.isNaN(v) || row.suffix === undefined ? text : `${text}${row.suffix}`;
}

/** Text width in columns; the Greek letters and "±" used here are one column each. */
const width = (s: string): number => [...s].length;

function render(grid: readonly (readonly string[])[]): string {
  const cols = Math.max(...grid.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...grid.map((r) => width(r[c] ?? ''))));
  return grid
    .map((row, i) => {
      const line = row.map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ').trimEnd();
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export interface TableOptions {
  /** Policies as columns (default: easy to compare one figure) or as rows. */
  readonly policiesAs?: 'columns' | 'rows';
}

/** Several reports side by side as an aligned plain-text table (labels left, numbers right). */
export function formatReportTable(reports: readonly SimulationReport[], options: TableOptions = {}): string {
  const rows = ROWS.filter((row) => reports.some((r) => row.value(r) !== undefined));
  if (options.policiesAs === 'rows') {
    return `${render([['policy', ...rows.map((r) => r.column ?? r.label)], ...reports.map((rep) => [rep.policy, ...rows.map((r) => cell(r, rep))])])}\n`;
  }
  return `${render([['', ...reports.map((r) => r.policy)], ...rows.map((row) => [row.label, ...reports.map((rep) => cell(row, rep))])])}\n`;
}
