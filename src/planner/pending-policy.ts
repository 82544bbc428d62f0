import type { GroupDemand } from './demand.js';
import type { Policy } from './policy.js';

/**
 * Scale for the work that is waiting: add the nodes the estimator packed it
 * onto; consent to shrinking only when nothing waits that this group could host.
 */
export function pendingPolicy(demand: GroupDemand | undefined, waitingTotal: number): Policy {
  return ({ view, snapshot }) => {
    const figures = { 'pending.nodes': demand?.nodes ?? 0, 'pending.instances': waitingTotal };
    // Unknown waiting work: never consent to shrinking on it.
    const unknown = snapshot.sources.pendingUnknown;
    if (unknown && !(demand && demand.nodes > 0)) return { policy: 'pending', target: view.current, reason: unknown, figures };
    if (demand && demand.nodes > 0) {
      return { policy: 'pending', target: view.current + demand.nodes, reason: demand.reasons.join('; '), figures };
    }
    if (waitingTotal > 0 && demand && demand.reasons.length > 0) {
      return { policy: 'pending', target: view.current, reason: demand.reasons.join('; '), figures };
    }
    // No objection to shrinking: nothing waiting for this group.
    return { policy: 'pending', target: 0, reason: waitingTotal > 0 ? 'no waiting work this group can host' : 'no waiting work', figures };
  };
}
