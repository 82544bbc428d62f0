import type { Agent } from '../model/agent.js';
import { RESOURCE_NAMES } from '../model/resources.js';
import { alignByIdentity } from '../util/identity-diff.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import type { ControllerState } from './state.js';

/** How far the agent list may shrink in one cycle before it is doubted, and for how many cycles. */
export interface SanityLimits {
  /** Fraction of the last accepted agent count (0..1). */
  readonly maxAgentDrop: number;
  /** Cycles the smaller list must be seen before it is believed. */
  readonly confirmCycles: number;
}

export const DEFAULT_SANITY: SanityLimits = { maxAgentDrop: 0.3, confirmCycles: 3 };

const EPS = 1e-6;

/**
 * Agent objects whose figures were found valid. Agents are immutable and the event-fed model keeps
 * an unchanged agent's object from one snapshot to the next, so each is checked once, not every
 * cycle (at 50,000 agents the check was 20-35 ms of a warm cycle).
 */
const valid = new WeakSet<object>();
/** The last agent list found valid in full: its positions need no look at all. */
let lastValid: readonly Agent[] = [];

/**
 * Pure: why this snapshot must not be acted on (impossible or suspiciously partial data), and the
 * gate's memory. A master that answers with allocations above totals, negative or missing figures,
 * or a list that lost many agents at once is more likely wrong than the cluster: no action this
 * cycle, and a list that stays small is believed after `confirmCycles` cycles.
 */
export function checkSanity(snapshot: ClusterSnapshot, state: ControllerState, limits: SanityLimits = DEFAULT_SANITY): { problem?: string; agents: NonNullable<ControllerState['agents']> } {
  const accepted = state.agents?.accepted;
  // Agents of DOWN machines were shut down by the master on purpose (ours or an operator's): they
  // are not missing, so they count as present here.
  const count = snapshot.agents.length + (snapshot.maintenance?.down.length ?? 0);
  // Only objects not at a position of the last list found valid are looked at (no read of the others).
  const fresh: Agent[] = [];
  alignByIdentity(lastValid, snapshot.agents, { same: () => {}, fresh: (n) => fresh.push(snapshot.agents[n] as Agent) });
  for (const a of fresh) {
    if (valid.has(a)) continue;
    for (const r of RESOURCE_NAMES) {
      const total = a.total[r];
      const used = a.used[r];
      if (!Number.isFinite(total) || !Number.isFinite(used) || total < 0 || used < 0) {
        return { problem: `agent ${a.hostname} reports ${r} total ${total}, allocated ${used}: not a valid amount`, agents: state.agents ?? { accepted: count } };
      }
      if (used > total * (1 + EPS) + EPS) {
        return { problem: `agent ${a.hostname} reports ${r} ${used} allocated of ${total}: more than it has`, agents: state.agents ?? { accepted: count } };
      }
    }
    valid.add(a);
  }
  lastValid = snapshot.agents;
  const unknown = snapshot.sources.mesos.unknownAgentTasks ?? 0;
  if (unknown > 0) {
    return { problem: `${unknown} task(s) refer to agents the master does not list: the state is partial`, agents: state.agents ?? { accepted: count } };
  }
  if (accepted === undefined || count >= accepted * (1 - limits.maxAgentDrop)) return { agents: { accepted: count } };
  const cycles = state.agents?.shrunkTo === count ? (state.agents.shrunkCycles ?? 0) + 1 : 1;
  if (cycles >= limits.confirmCycles) return { agents: { accepted: count } };
  return {
    problem: `the master lists ${count} agent(s) (with DOWN machines), ${accepted} a cycle before: more than ${Math.round(limits.maxAgentDrop * 100)}% gone at once (seen ${cycles} of ${limits.confirmCycles} cycles before it is believed)`,
    agents: { accepted, shrunkTo: count, shrunkCycles: cycles },
  };
}
