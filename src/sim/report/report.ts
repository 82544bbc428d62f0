import type { SimulationFigures } from '../metrics/figures.js';

/** Time series a report keeps for charts: demand against capacity, in one unit. */
export interface ReportSeries {
  readonly unit: string;
  /** ms from trace start. */
  readonly t: readonly number[];
  readonly demand: readonly number[];
  readonly supply: readonly number[];
  /** The oracle's supply, when computed (same unit). */
  readonly oracle?: readonly number[];
  /** The strict lower bound's nodes, when the oracle is computed (same unit). */
  readonly lowerBound?: readonly number[];
  /** The boot-aware bound's nodes, when the oracle and the boot delay are known (same unit). */
  readonly bootAware?: readonly number[];
}

/** The outcome of replaying one trace under one policy. */
export interface SimulationReport {
  readonly policy: string;
  readonly trace?: string;
  readonly figures: SimulationFigures;
  readonly series: ReportSeries;
}
