import { costOf, nodeHours, scalingActions, type NodePrice, type ScalingActions } from './cost.js';
import { elasticity, type ElasticityFigures } from './elasticity.js';
import type { OracleFigures } from './oracle.js';
import type { MetricSample, TaskRecord } from './series.js';
import { sampledPendingSeconds, waitFigures, type WaitFigures } from './waits.js';

/** Everything a run is judged on. */
export interface SimulationFigures {
  /** Length of the measured run, ms. */
  readonly durationMs: number;
  readonly nodeHours: number;
  readonly nodeHoursByGroup: Readonly<Record<string, number>>;
  readonly cost: number;
  readonly waits: WaitFigures;
  /** Pending instance-seconds integrated from the samples (coarser than `waits.pendingTaskSeconds`). */
  readonly sampledPendingSeconds: number;
  readonly scalingActions: ScalingActions;
  readonly elasticity: ElasticityFigures;
  readonly oracle?: OracleFigures;
}

export interface FiguresInput {
  readonly samples: readonly MetricSample[];
  readonly tasks: readonly TaskRecord[];
  /** End of the run, ms; default: the last sample's time. */
  readonly endMs?: number;
  readonly pricePerNodeHour: NodePrice;
  readonly oracle?: OracleFigures;
}

export function computeFigures(input: FiguresInput): SimulationFigures {
  const first = input.samples[0]?.t ?? 0;
  const end = input.endMs ?? input.samples[input.samples.length - 1]?.t ?? first;
  const hours = nodeHours(input.samples, end);
  return {
    durationMs: Math.max(0, end - first),
    nodeHours: hours.total,
    nodeHoursByGroup: hours.byGroup,
    cost: costOf(hours, input.pricePerNodeHour),
    waits: waitFigures(input.tasks, end),
    sampledPendingSeconds: sampledPendingSeconds(input.samples, end),
    scalingActions: scalingActions(input.samples),
    elasticity: elasticity(input.samples, end),
    ...(input.oracle === undefined ? {} : { oracle: input.oracle }),
  };
}
