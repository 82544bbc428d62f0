import type { SimulationReport } from './report.js';

/**
 * What the less obvious figures mean, in one place: printed under the table, written into the
 * JSON, so a reader of either never has to look θ, τ or υ up. Elasticity definitions follow
 * SPEC RG Cloud (Herbst et al., SPEC-RG-2016-01 and ACM TOMPECS 3(4) 2018); see
 * src/sim/metrics/elasticity.ts for the formulas.
 */
export const FIGURE_DEFINITIONS = {
  lowerBound:
    'strict lower bound: at every sample, max over cpus, mem, disk, gpus of ceil(work present / node capacity), nodes appearing instantly; no policy whose nodes hold its work goes below it',
  oracle: 'packing oracle: the fewest nodes a first-fit-decreasing packing of the work present needs at every sample, provisioned instantly (an achievable packing, so at or above the strict bound)',
  ratio: '× strict bound: node-hours divided by the strict lower bound\'s node-hours (1.00 is the floor)',
  bootBound:
    'boot-aware bound: the strict bound with each sample raised to the largest of the samples within one provisioning delay after it (a node that holds work at s was paid from s - delay on); what it adds is what node boot costs any policy whose nodes hold the work as it arrives, and × boot-aware bound is node-hours over it',
  states:
    'booting / idle / draining / busy: the node-hours paid for an instance with no agent yet (or one that never joins), an agent with nothing allocated, an agent in maintenance, deactivated or gone with its instance still paid, and an agent running work',
  pending: 'pending task-s: instance-seconds from submission to placement (never placed: to withdrawal or the end of the run)',
  scalingActions: 'scaling actions: changes of a group\'s node count between consecutive samples (cycles), up or down, however many nodes each moves',
  thetaU: 'θU under-provisioning accuracy: mean relative shortfall of capacity below demand, (d - s)/d, over the run, in % of demand',
  thetaO: 'θO over-provisioning accuracy: mean relative excess of capacity over demand, (s - d)/d, over the run, in % of demand',
  tauU: 'τU under-provisioning timeshare: % of the run with capacity below demand',
  tauO: 'τO over-provisioning timeshare: % of the run with capacity above demand',
  upsilon: 'υ instability: % of the run (after the first sample) when capacity and demand do not move the same way (one up, the other flat or down)',
  upsilonOpposite: 'υ± opposite moves: % of the run when capacity and demand move in strictly opposite directions',
} as const;

export type FigureName = keyof typeof FIGURE_DEFINITIONS;

/** The definitions of the figures the given reports carry, as lines to print under a table. */
export function formatDefinitions(reports: readonly SimulationReport[]): string {
  const hasOracle = reports.some((r) => r.figures.oracle !== undefined);
  const hasStates = reports.some((r) => r.figures.nodeHoursByState !== undefined);
  const hasBoot = reports.some((r) => r.figures.oracle?.bootAware !== undefined);
  const names = (Object.keys(FIGURE_DEFINITIONS) as FigureName[]).filter(
    (n) => (hasOracle || !['lowerBound', 'oracle', 'ratio'].includes(n)) && (hasStates || n !== 'states') && (hasBoot || n !== 'bootBound'),
  );
  return `\nwhere\n${names.map((n) => `  ${FIGURE_DEFINITIONS[n]}`).join('\n')}\n`;
}
