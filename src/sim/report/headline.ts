import type { SimulationReport } from './report.js';

const fmt = (v: number, digits: number): string => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A figure as the table prints it: fixed digits, thousands separators, "-" when unknown. */
export function formatFigure(v: number | undefined, digits: number): string {
  return v === undefined || Number.isNaN(v) ? '-' : fmt(v, digits);
}

/**
 * The figures a run is judged on first, in one line, from the same fields and with the same
 * rounding as the table: the SVG title block and the CLI summary both print this, so the three
 * can never disagree.
 */
export function headline(r: SimulationReport): string {
  return headlineParts(r).join('; ');
}

/** The headline's parts: cost first (node-hours, bound, oracle), then waits and actions. */
export function headlineParts(r: SimulationReport): string[] {
  const f = r.figures;
  const parts = [`node-hours ${formatFigure(f.nodeHours, 1)}`];
  if (f.nodeHoursOverLowerBound !== undefined) parts[0] += ` = ${formatFigure(f.nodeHoursOverLowerBound, 2)}× strict bound`;
  if (f.oracle !== undefined) parts.push(`strict bound ${formatFigure(f.oracle.lowerBoundNodeHours, 1)}, packing oracle ${formatFigure(f.oracle.nodeHours, 1)}`);
  parts.push(`pending ${formatFigure(f.waits.pendingTaskSeconds, 0)} task-s`);
  parts.push(`wait p95 ${formatFigure(f.waits.p95, 1)} s`);
  parts.push(`never placed ${formatFigure(f.waits.neverPlacedInstances, 0)}`);
  parts.push(`scaling actions ${formatFigure(f.scalingActions.total, 0)} (${formatFigure(f.scalingActions.up, 0)} up, ${formatFigure(f.scalingActions.down, 0)} down)`);
  return parts;
}
