import { CONSTRAINT_OPERATORS, type Constraint, type ConstraintOperator } from '../../model/pending.js';
import { err, ok, type Result } from '../../util/result.js';

const OPERATORS: ReadonlySet<string> = new Set(CONSTRAINT_OPERATORS);

function isOperator(s: string): s is ConstraintOperator {
  return OPERATORS.has(s);
}

/**
 * Parses the trace notation `field:OPERATOR[:value]` joined by `;`,
 * e.g. `workload:LIKE:stateless;hostname:UNIQUE`. Empty text means no constraints.
 * The value may itself hold colons (a LIKE regex), so only the first two are separators.
 */
export function parseConstraints(text: string): Result<Constraint[], string> {
  const out: Constraint[] = [];
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const first = part.indexOf(':');
    if (first <= 0) return err(`constraint "${part}" must look like field:OPERATOR[:value]`);
    const field = part.slice(0, first);
    const rest = part.slice(first + 1);
    const second = rest.indexOf(':');
    const op = (second < 0 ? rest : rest.slice(0, second)).toUpperCase();
    if (!isOperator(op)) {
      return err(`constraint "${part}" has unknown operator "${op}" (expected one of ${CONSTRAINT_OPERATORS.join(', ')})`);
    }
    if (second < 0) out.push({ field, operator: op });
    else out.push({ field, operator: op, value: rest.slice(second + 1) });
  }
  return ok(out);
}

export function formatConstraints(constraints: readonly Constraint[]): string {
  return constraints
    .map((c) => (c.value === undefined ? `${c.field}:${c.operator}` : `${c.field}:${c.operator}:${c.value}`))
    .join(';');
}
