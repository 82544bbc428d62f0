import type { Constraint } from '../../model/pending.js';
import { fieldValue } from '../../planner/placement.js';
import { nodeOf } from './constraints.js';
import type { SimAgent } from './types.js';

/** Operators whose verdict on a node never changes as instances are placed. */
const FIXED = new Set<string>(['LIKE', 'UNLIKE', 'IS']);
/** Operators whose verdict on a node changes only with the instances on nodes of the same value. */
const BY_VALUE = new Set<string>(['UNIQUE', 'MAX_PER']);

/**
 * The fields whose constraints change verdicts only where a placement went (UNIQUE, MAX_PER:
 * nodes sharing the new instance's value), or undefined when some constraint may change
 * verdicts anywhere (CLUSTER follows the first instance, GROUP_BY the least used value).
 */
export function fieldsPlacingChanges(constraints: readonly Constraint[]): string[] | undefined {
  const fields = new Set<string>();
  for (const c of constraints) {
    if (BY_VALUE.has(c.operator)) fields.add(c.field);
    else if (!FIXED.has(c.operator)) return undefined;
  }
  return [...fields];
}

/**
 * Positions in a list of agents of the agents sharing a field's value (made per field when first
 * asked): after an instance goes to an agent, only these may answer an app's constraints
 * differently.
 */
export class SameValue {
  readonly #byField = new Map<string, Map<string | undefined, number[]>>();

  constructor(private readonly agents: readonly SimAgent[]) {}

  /** Positions of the agents whose `field` has the agent's value, in order (the agent's own included). */
  positions(agent: SimAgent, field: string): readonly number[] {
    let byValue = this.#byField.get(field);
    if (byValue === undefined) {
      byValue = new Map();
      for (let k = 0; k < this.agents.length; k++) {
        const v = fieldValue(nodeOf(this.agents[k] as SimAgent), field);
        const list = byValue.get(v);
        if (list === undefined) byValue.set(v, [k]);
        else list.push(k);
      }
      this.#byField.set(field, byValue);
    }
    return byValue.get(fieldValue(nodeOf(agent), field)) ?? [];
  }
}
