import type { TrackedResource } from '../model/resources.js';
import type { GroupView } from './group-view.js';

/** One list per resource, so a load computed for it is cached by list identity (agent-facts.ts). */
const ONLY: Readonly<Record<TrackedResource, readonly TrackedResource[]>> = { cpus: ['cpus'], mem: ['mem'], disk: ['disk'], gpus: ['gpus'] };

/**
 * The resources a node's scale-down load is measured in (its fullest of them is its load).
 * `every`: the group's tracked resources. `scarcest`: only the one whose group utilization is
 * nearest its up cap (resourceCaps, else scaleUpCap; ties to the first listed), because that is
 * the one that costs nodes. Why: in a memory-bound group a node whose cpus are full of cpu-heavy
 * tasks but whose memory is mostly free holds little of what the group is short of; measured
 * by its fullest resource it is never a candidate, and the memory it leaves idle is what the
 * group pays for. On the generated week (memory-bound) this took demand-aware from 1.102x to
 * 1.090x the strict bound at fewer pending task-seconds (BENCHMARKS.md). Whether the node's
 * tasks fit elsewhere is still checked on every resource (scale-down.ts).
 */
export function loadResources(view: Pick<GroupView, 'config' | 'utilization'>): readonly TrackedResource[] {
  const { config } = view;
  if (config.scaleDown.load === 'every' || config.resources.length === 1) return config.resources;
  let scarcest: TrackedResource | undefined;
  let nearest = -1;
  for (const r of config.resources) {
    const u = view.utilization[r];
    if (u === undefined) continue;
    const ofCap = u / ((config.resourceCaps[r]?.up ?? config.scaleUpCap) / 100);
    if (ofCap > nearest) {
      nearest = ofCap;
      scarcest = r;
    }
  }
  return scarcest === undefined ? config.resources : ONLY[scarcest];
}
