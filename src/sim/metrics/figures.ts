import { costOf, nodeHours, nodeHoursByState, scalingActions, type NodePrice, type ScalingActions } from './cost.js';
import { elasticity, type ElasticityFigures } from './elasticity.js';
import type { OracleFigures } from './oracle.js';
import type { MetricSample, NodeStates, TaskRecord } from './series.js';
import { sampledPendingSeconds, waitFigures, type WaitFigures } from './waits.js';

/** Everything a run is judged on. */
export interface SimulationFigures {
  /** Length of the measured run, ms. */
  readonly durationMs: number;
  readonly nodeHours: number;
  readonly nodeHoursByGroup: Readonly<Record<string, number>>;
  /** The same node-hours by what the nodes were doing (booting, idle, draining, busy), when the samples tell. */
  readonly nodeHoursByState?: NodeStates;
  readonly cost: number;
  readonly waits: WaitFigures;
  /** Pending instance-seconds integrated from the samples (coarser than `waits.pendingTaskSeconds`). */
  readonly sampledPendingSeconds: number;
  readonly scalingActions: ScalingActions;
  readonly elasticity: ElasticityFigures;
  readonly oracle?: OracleFigures;
  /**
   * Node-hours as a multiple of the strict lower bound (`oracle.lowerBoundNodeHours`: at every
   * instant, max over dimensions of ceil(work present / node capacity), provisioned instantly).
   * No policy whose capacity holds its work can go under 1; undefined without an oracle or work.
   */
  readonly nodeHoursOverLowerBound?: number;
  /** Node-hours as a multiple of the boot-aware bound (`oracle.bootAware`), when it is known. */
  readonly nodeHoursOverBootAwareBound?: number;
}

/** `hours` over the strict lower bound, or undefined when there is no bound to divide by. */
export function overLowerBound(hours: number, oracle: OracleFigures | undefined): number | undefined {
  return oracle !== undefined && oracle.lowerBoundNodeHours > 0 ? hours / oracle.lowerBoundNodeHours : undefined;
}

/** `hours` over the boot-aware bound, or undefined without one. */
export function overBootAwareBound(hours: number, oracle: OracleFigures | undefined): number | undefined {
  const bound = oracle?.bootAware?.lowerBoundNodeHours;
  return bound !== undefined && bound > 0 ? hours / bound : undefined;
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
  const byState = nodeHoursByState(input.samples, end);
  return {
    durationMs: Math.max(0, end - first),
    nodeHours: hours.total,
    nodeHoursByGroup: hours.byGroup,
    ...(byState === undefined ? {} : { nodeHoursByState: byState }),
    cost: costOf(hours, input.pricePerNodeHour),
    waits: waitFigures(input.tasks, end),
    sampledPendingSeconds: sampledPendingSeconds(input.samples, end),
    scalingActions: scalingActions(input.samples),
    elasticity: elasticity(input.samples, end),
    ...(input.oracle === undefined ? {} : { oracle: input.oracle }),
    ...optionalRatio(overLowerBound(hours.total, input.oracle)),
    ...optionalBootRatio(overBootAwareBound(hours.total, input.oracle)),
  };
}

const optionalRatio = (r: number | undefined): { nodeHoursOverLowerBound?: number } => (r === undefined ? {} : { nodeHoursOverLowerBound: r });
const optionalBootRatio = (r: number | undefined): { nodeHoursOverBootAwareBound?: number } => (r === undefined ? {} : { nodeHoursOverBootAwareBound: r });
