import type { Constraint } from '../model/pending.js';

/** What a placement check needs to know of a node (an agent or a template). */
export interface NodeFacts {
  readonly hostname: string;
  readonly attributes: Readonly<Record<string, string>>;
}

function valueOf(node: NodeFacts, field: string): string | undefined {
  return field === 'hostname' ? node.hostname : node.attributes[field];
}

/** Marathon matches LIKE/UNLIKE values as whole-string regular expressions. */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/**
 * Whether one more instance of an app may go on this node. `onNode` counts the
 * app's instances already there. Constraints that balance across the whole
 * cluster (GROUP_BY, MAX_PER on attributes other than hostname) are treated as
 * satisfiable: they spread instances but do not keep a node from taking one.
 */
export function allows(constraints: readonly Constraint[], node: NodeFacts, onNode: number): boolean {
  for (const c of constraints) {
    const v = valueOf(node, c.field);
    switch (c.operator) {
      case 'LIKE':
        if (v === undefined || !fullMatch(c.value ?? '.*', v)) return false;
        break;
      case 'UNLIKE':
        if (v !== undefined && fullMatch(c.value ?? '', v)) return false;
        break;
      case 'CLUSTER':
      case 'IS':
        if (v === undefined || (c.value !== undefined && c.value !== '' && v !== c.value)) return false;
        break;
      case 'UNIQUE':
        if (c.field === 'hostname' ? onNode >= 1 : v === undefined) return false;
        break;
      case 'MAX_PER':
        if (c.field === 'hostname' && onNode >= Number(c.value ?? '1')) return false;
        if (v === undefined) return false;
        break;
      case 'GROUP_BY':
        if (v === undefined) return false;
        break;
    }
  }
  return true;
}

/** A short text for reasons: `workload:LIKE:stateless, hostname:UNIQUE`. */
export function describeConstraints(constraints: readonly Constraint[]): string {
  return constraints.map((c) => [c.field, c.operator, c.value].filter((x) => x !== undefined && x !== '').join(':')).join(', ');
}
