import type { Agent } from '../model/agent.js';
import type { Constraint } from '../model/pending.js';
import { alignByIdentity } from '../util/identity-diff.js';

type ByApp = ReadonlyMap<string, readonly Constraint[]>;

/**
 * Joins Marathon's app constraints onto the agents' running tasks (scale-down re-places them
 * faithfully), remembering the result per agent object: the event-fed model hands out the same
 * Agent object until that agent changes, so a warm cycle at 50,000 agents costs one lookup per
 * agent instead of copying every task list (bench/warm.ts). The memory is dropped whenever the
 * constraints themselves change.
 */
export class ConstraintMarks {
  #byApp: ByApp | undefined;
  #memo = new WeakMap<Agent, Agent>();
  #lastIn: readonly Agent[] | undefined;
  #lastOut: readonly Agent[] | undefined;

  mark(agents: readonly Agent[], byApp: ByApp | undefined): readonly Agent[] {
    if (!byApp || byApp.size === 0) return agents;
    if (!this.#byApp || !sameConstraints(this.#byApp, byApp)) {
      this.#memo = new WeakMap();
      this.#lastIn = undefined;
    }
    this.#byApp = byApp;
    if (agents === this.#lastIn && this.#lastOut) return this.#lastOut;
    const out = new Array<Agent>(agents.length);
    const lastIn = this.#lastIn ?? [];
    const lastOut = this.#lastOut ?? [];
    // A position holding the same agent object as the last list keeps its marked object (no lookup, no read).
    alignByIdentity(lastIn, agents, {
      same: (m, n, count) => {
        for (let k = 0; k < count; k++) out[n + k] = lastOut[m + k] as Agent;
      },
      fresh: (n) => {
        const a = agents[n] as Agent;
        let marked = this.#memo.get(a);
        if (!marked) {
          marked = withConstraints(a, byApp);
          this.#memo.set(a, marked);
        }
        out[n] = marked;
      },
    });
    this.#lastIn = agents;
    this.#lastOut = out;
    return out;
  }
}

/** The agent with each running task of a constrained app carrying its app's constraints (the same object when none does). */
export function withConstraints(agent: Agent, byApp: ByApp): Agent {
  let changed = false;
  const tasks = agent.tasks.map((t) => {
    const c = t.appId !== undefined && t.constraints === undefined ? byApp.get(t.appId) : undefined;
    if (!c || c.length === 0) return t;
    changed = true;
    return { ...t, constraints: c };
  });
  return changed ? { ...agent, tasks } : agent;
}

function sameConstraints(a: ByApp, b: ByApp): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [app, list] of a) {
    const other = b.get(app);
    if (!other || other.length !== list.length) return false;
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      const y = other[i];
      if (!x || !y || x.field !== y.field || x.operator !== y.operator || x.value !== y.value) return false;
    }
  }
  return true;
}
