import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Config, GroupConfig } from '../config/schema.js';
import type { NewNodesEstimate } from './estimator.js';
import type { NodeTemplate } from './template.js';

export interface Option {
  readonly group: GroupConfig;
  readonly template: NodeTemplate;
  readonly estimate: NewNodesEstimate;
  readonly covered: number;
}

/** Share of the added capacity (cpus and mem, averaged) that the waiting work leaves unused. */
export function waste(o: Option): number {
  const { cpus, mem } = o.template.resources;
  const share = (used: number, per: number): number => (per > 0 ? used / (per * o.estimate.nodes) : 1);
  return 1 - (share(o.estimate.requested.cpus, cpus) + share(o.estimate.requested.mem, mem)) / 2;
}

const costPerInstance = (o: Option): number => (o.group.price * o.estimate.nodes) / o.covered;

function byName(a: Option, b: Option): number {
  return a.group.name < b.group.name ? -1 : a.group.name > b.group.name ? 1 : 0;
}

/** Chooses which group grows for the waiting work; deterministic for a given seed and time. */
export function expand(options: readonly Option[], config: Config, now: number): { chosen: Option; why: string } | undefined {
  if (options.length === 0) return undefined;
  const sorted = [...options];
  const leastWaste = (a: Option, b: Option): number => b.covered - a.covered || waste(a) - waste(b) || a.estimate.nodes - b.estimate.nodes || byName(a, b);
  switch (config.expander) {
    case 'least-waste':
      sorted.sort(leastWaste);
      break;
    case 'priority':
      sorted.sort((a, b) => b.group.priority - a.group.priority || leastWaste(a, b));
      break;
    case 'price':
      sorted.sort((a, b) => costPerInstance(a) - costPerInstance(b) || leastWaste(a, b));
      break;
    case 'random': {
      sorted.sort(byName);
      const rng = xoroshiro128plus(config.seed ^ Math.floor(now / 1000));
      const i = uniformInt(rng, 0, sorted.length - 1);
      const pick = sorted[i];
      return pick ? { chosen: pick, why: `random choice among ${sorted.length} group(s)` } : undefined;
    }
  }
  const chosen = sorted[0];
  if (!chosen) return undefined;
  const why = options.length === 1
    ? 'the only group that can host it'
    : `${config.expander} among ${options.map((o) => o.group.name).join(', ')}` +
      (config.expander === 'least-waste' ? ` (waste ${(waste(chosen) * 100).toFixed(0)}%)` : config.expander === 'price' ? ` (${costPerInstance(chosen).toFixed(3)} per instance-hour)` : ` (priority ${chosen.group.priority})`);
  return { chosen, why };
}
