import type { GroupDemand } from './demand.js';
import type { Policy } from './policy.js';

/**
 * Scale for the work that is waiting: add the nodes the estimator packed it
 * onto; hold while anything waits that this group could host; consent to
 * shrinking only when nothing waiting fits this group. Work that no group can
 * host is reported with the plan and is never a reason to shrink or to hold.
 */
export function pendingPolicy(demand: GroupDemand | undefined, waitingTotal: number, unplaceable = 0): Policy {
  return ({ view, snapshot }) => {
    // Unknown waiting work: never consent to shrinking on it.
    const unknown = snapshot.sources.pendingUnknown;
    if (unknown && !(demand && demand.nodes > 0)) return { policy: 'pending', target: view.current, reason: unknown };
    if (demand && demand.nodes > 0) {
      return { policy: 'pending', target: view.current + demand.nodes, reason: demand.reasons.join('; ') };
    }
    if (demand && demand.eligible > 0) {
      const why = demand.reasons.length > 0 ? demand.reasons.join('; ') : `${demand.eligible} waiting instance(s) this group could host`;
      return { policy: 'pending', target: view.current, reason: why };
    }
    const others = unplaceable > 0 ? ` (${unplaceable} waiting instance(s) fit no group: see the plan's unplaceable work)` : '';
    // No objection to shrinking: nothing waiting for this group.
    return { policy: 'pending', target: 0, reason: waitingTotal > 0 ? `no waiting work this group can host${others}` : 'no waiting work' };
  };
}
