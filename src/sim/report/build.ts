import type { NodePrice } from '../metrics/cost.js';
import { computeFigures } from '../metrics/figures.js';
import { bootAwareCounts, oracleFigures, type OracleSeries } from '../metrics/oracle.js';
import type { MetricSample, TaskRecord } from '../metrics/series.js';
import type { SimulationReport } from './report.js';

export interface BuildReportInput {
  readonly policy: string;
  readonly trace?: string;
  readonly samples: readonly MetricSample[];
  readonly tasks: readonly TaskRecord[];
  readonly endMs?: number;
  readonly pricePerNodeHour: NodePrice;
  /** Unit of supply and demand in the samples, for the chart ("nodes", "cpus"). */
  readonly unit: string;
  /**
   * The oracle sampled at the same times as `samples`, its price per node-hour, and how many
   * units of the samples one oracle node is (1 for nodes, the template's cpus for cpus), and the
   * cloud's boot delay for the boot-aware bound.
   */
  readonly oracle?: { readonly series: OracleSeries; readonly pricePerNodeHour: number; readonly unitsPerNode: number; readonly bootDelayMs?: number };
}

/** Figures and chart series of one run, ready for the table, JSON and SVG writers. */
export function buildReport(input: BuildReportInput): SimulationReport {
  const end = input.endMs ?? input.samples[input.samples.length - 1]?.t;
  const delayMs = input.oracle?.bootDelayMs;
  const boot = input.oracle === undefined || delayMs === undefined ? undefined : { delayMs, counts: bootAwareCounts(input.oracle.series, delayMs) };
  const oracle = input.oracle === undefined ? undefined : oracleFigures(input.oracle.series, end, input.oracle.pricePerNodeHour, 'oracle', boot);
  const figures = computeFigures({
    samples: input.samples,
    tasks: input.tasks,
    pricePerNodeHour: input.pricePerNodeHour,
    ...(end === undefined ? {} : { endMs: end }),
    ...(oracle === undefined ? {} : { oracle }),
  });
  const units = input.oracle?.unitsPerNode ?? 1;
  return {
    policy: input.policy,
    ...(input.trace === undefined ? {} : { trace: input.trace }),
    figures,
    series: {
      unit: input.unit,
      t: input.samples.map((s) => s.t),
      demand: input.samples.map((s) => s.demand),
      supply: input.samples.map((s) => s.supply),
      ...(input.oracle === undefined ? {} : { oracle: input.oracle.series.nodes.map((n) => n * units), lowerBound: input.oracle.series.lowerBound.map((n) => n * units) }),
      ...(boot === undefined ? {} : { bootAware: boot.counts.map((n) => n * units) }),
    },
  };
}
