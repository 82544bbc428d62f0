import { Map as ImmutableMap } from 'immutable';
import type { Agent } from '../model/agent.js';
import type { TrackedResource } from '../model/resources.js';
import { alignByIdentity } from '../util/identity-diff.js';
import { loadOf } from './agent-facts.js';
import type { GroupView } from './group-view.js';
import { loadResources } from './scale-down-load.js';
import type { GroupMemory, SinceMap } from './state.js';

const EMPTY: SinceMap = ImmutableMap<string, number>();

/**
 * The capacity list, limit and resources each map was made for (the next cycle only looks at what
 * changed), and the map it was made from when only new agent objects were looked at.
 */
const madeFrom = new WeakMap<SinceMap, { readonly capacity: readonly Agent[]; readonly limit: number; readonly resources: readonly TrackedResource[]; readonly base?: SinceMap }>();

/**
 * The map `map` was made from by looking only at new agent objects: every agent object kept from
 * the list `base` was made for has the same entry in both. Undefined when made afresh.
 */
export function unneededBase(map: SinceMap): SinceMap | undefined {
  return madeFrom.get(map)?.base;
}

/**
 * Remembers since when each capacity agent has been under the scale-down
 * utilization; an agent that rises above it starts over.
 *
 * The map is persistent (immutable's Map, shared structure): at 50,000 agents a new record per
 * cycle was 30-40 ms of a warm cycle. When `before` was made by this function from an earlier
 * capacity list, only the agents that are not the same objects as then are looked at (an agent
 * object is immutable, so a kept one has the same load, hence the same entry).
 */
export function trackUnneeded(memory: GroupMemory, view: GroupView, now: number): GroupMemory {
  const limit = view.config.scaleDown.utilization / 100;
  const resources = loadResources(view);
  const before = memory.unneededSince ?? EMPTY;
  const from = madeFrom.get(before);
  const under = (a: Agent): boolean => loadOf(a, resources) < limit;
  let next: SinceMap;
  let incremental = from !== undefined && from.limit === limit && from.resources === resources;
  const capacity = view.capacity;
  const fresh: Agent[] = [];
  const gone: Agent[] = [];
  if (incremental && from) {
    let kept = 0;
    alignByIdentity(from.capacity, capacity, {
      same: (_m, _n, count) => {
        kept += count;
      },
      fresh: (n) => fresh.push(capacity[n] as Agent),
      gone: (k) => gone.push(from.capacity[k] as Agent),
    });
    // Nothing kept (a source that reads every agent anew): one fresh map costs less than removing and re-adding each.
    if (kept === 0 && capacity.length > 0) incremental = false;
  }
  if (incremental) {
    next = before.withMutations((m) => {
      for (const a of gone) m.delete(a.id);
      // After every removal: an agent listed again as a new object keeps its time.
      for (const a of fresh) {
        if (under(a)) m.set(a.id, before.get(a.id) ?? now);
        else m.delete(a.id);
      }
    });
  } else {
    next = EMPTY.withMutations((m) => {
      for (const a of capacity) if (under(a)) m.set(a.id, before.get(a.id) ?? now);
    });
  }
  // (withMutations hands back `before` itself when nothing changed: then it is its own base.)
  madeFrom.set(next, { capacity, limit, resources, ...(incremental ? { base: next === before ? (from?.base ?? before) : before } : {}) });
  // `before` lives on as next's base; its own record must not keep its base, or every map ever
  // made stays reachable, each with its capacity list and that cycle's agents and tasks (a
  // 5,000-agent simulated month ran out of heap: bench/simulate.ts). Its record stays usable
  // for planning from `before` again.
  if (next !== before && from?.base !== undefined) madeFrom.set(before, { capacity: from.capacity, limit: from.limit, resources: from.resources });
  return { ...memory, unneededSince: next };
}
