import type { ConstraintOperator } from '../../model/pending.js';
import type { AppConstraint, SimAgent, SimTask } from './types.js';

/** The value an agent has for a constraint field: hostname, fault domain or an attribute. */
export function fieldValue(agent: SimAgent, field: string): string | undefined {
  if (field === 'hostname') return agent.hostname;
  if (field === '@region') return agent.domain?.region;
  if (field === '@zone') return agent.domain?.zone;
  const v = agent.attributes[field];
  return v === undefined ? undefined : String(v);
}

/** Per-app placement counts, built once per scheduling pass and updated as instances are placed. */
export class ConstraintState {
  /** field -> value -> number of the app's active tasks on agents with that value. */
  readonly #counts = new Map<string, Map<string, number>>();
  /** GROUP_BY: every value of the field among agents that get offers. */
  readonly #known = new Map<string, Set<string>>();
  readonly #regexes = new Map<string, RegExp>();

  constructor(
    readonly constraints: readonly AppConstraint[],
    tasks: Iterable<SimTask>,
    agentOf: (task: SimTask) => SimAgent | undefined,
    offerAgents: readonly SimAgent[],
  ) {
    const fields = new Set(constraints.map((c) => c.field));
    for (const f of fields) this.#counts.set(f, new Map());
    for (const task of tasks) {
      const agent = agentOf(task);
      if (agent) this.record(agent);
    }
    for (const c of constraints) {
      if (c.operator !== 'GROUP_BY') continue;
      const values = new Set<string>();
      for (const a of offerAgents) {
        const v = fieldValue(a, c.field);
        if (v !== undefined) values.add(v);
      }
      this.#known.set(c.field, values);
    }
  }

  /** Counts a newly placed instance. */
  record(agent: SimAgent): void {
    for (const [field, counts] of this.#counts) {
      const v = fieldValue(agent, field);
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }

  /** True when every constraint accepts the agent. */
  accepts(agent: SimAgent): boolean {
    for (const c of this.constraints) if (!this.#acceptsOne(c, agent)) return false;
    return true;
  }

  #regex(pattern: string): RegExp {
    let re = this.#regexes.get(pattern);
    if (!re) {
      re = new RegExp(`^(?:${pattern})$`);
      this.#regexes.set(pattern, re);
    }
    return re;
  }

  #acceptsOne(c: AppConstraint, agent: SimAgent): boolean {
    const v = fieldValue(agent, c.field);
    // Marathon: an agent without the field matches only UNLIKE.
    if (v === undefined) return c.operator === 'UNLIKE';
    const counts = this.#counts.get(c.field) ?? new Map<string, number>();
    const here = counts.get(v) ?? 0;
    const op: ConstraintOperator = c.operator;
    switch (op) {
      case 'UNIQUE':
        return here === 0;
      case 'CLUSTER':
        if (c.value !== undefined && c.value !== '') return v === c.value;
        // Without a value, every instance goes where the first one went.
        for (const [value, n] of counts) if (n > 0 && value !== v) return false;
        return true;
      case 'IS':
        return v === c.value;
      case 'LIKE':
        return this.#regex(c.value ?? '.*').test(v);
      case 'UNLIKE':
        return !this.#regex(c.value ?? '').test(v);
      case 'MAX_PER':
        return here < Number(c.value ?? '1');
      case 'GROUP_BY': {
        // Balance across values: accept only values holding the fewest instances. When the
        // declared group count exceeds the values seen, the unseen groups count as empty
        // (Marathon behaves so too: it waits for offers from them).
        const known = this.#known.get(c.field) ?? new Set<string>();
        const declared = c.value === undefined ? 0 : Number(c.value);
        let min = Number.POSITIVE_INFINITY;
        for (const value of known) min = Math.min(min, counts.get(value) ?? 0);
        if (declared > known.size) min = 0;
        if (!Number.isFinite(min)) min = 0;
        return here <= min;
      }
    }
  }
}
