import type { Constraint } from '../model/pending.js';

/**
 * Marathon's placement constraints, evaluated as Marathon 1.10 evaluates them:
 * mesosphere/marathon src/main/scala/mesosphere/mesos/Constraints.scala
 * (`ConstraintsChecker.checkConstraint`, `readerForField`, `getValueString`), as of
 * the last release line (commit ddd6b19b1^, before GROUP_BY's unreleased rewrite).
 * Docs: https://mesosphere.github.io/marathon/docs/constraints.html
 */

/** What a constraint can read of a node (an agent, a simulated agent or a node template). */
export interface NodeFields {
  readonly hostname: string;
  /** Attribute values as Mesos prints them (text, scalar, `[1-5, 7-9]` ranges, `{a,b}` sets), or numbers. */
  readonly attributes: Readonly<Record<string, string | number>>;
  readonly domain?: { readonly region?: string; readonly zone?: string };
}

const SCALAR = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * A scalar as Marathon prints it: `DecimalFormat("0.###")`, half-even rounding of the
 * double's exact binary value, no trailing zeros (Constraints.scala `decimalFormatter`:
 * "1.0005" -> "1", "1.1005" -> "1.101"). `toPrecision(30)` shows enough exact digits
 * to tell a double from a decimal tie at these magnitudes.
 */
export function formatScalar(text: string): string {
  const x = Number(text);
  const exact = Number.isFinite(x) && x < 1e20 ? x.toPrecision(30) : text;
  const [int = '0', frac = ''] = exact.split('.');
  let digits = BigInt(int + frac.slice(0, 3).padEnd(3, '0'));
  const rest = frac.slice(3);
  if (rest.length > 0) {
    const first = Number(rest[0]);
    const tail = /[1-9]/.test(rest.slice(1));
    if (first > 5 || (first === 5 && (tail || digits % 2n === 1n))) digits += 1n;
  }
  const whole = digits / 1000n;
  const part = (digits % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return part ? `${whole}.${part}` : `${whole}`;
}

/**
 * An attribute value as Marathon compares it (`getValueString`): scalars formatted,
 * ranges sorted and joined without spaces (`[1-5,7-9]`), set items sorted (`{a,b}`).
 */
export function marathonValue(raw: string | number): string {
  const text = typeof raw === 'number' ? String(raw) : raw;
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return SCALAR.test(text) ? formatScalar(text) : text;
  if (c === 91 && text.endsWith(']')) {
    const ranges = text.slice(1, -1).split(',').map((r) => r.trim()).filter((r) => r.length > 0);
    ranges.sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
    return `[${ranges.join(',')}]`;
  }
  if (c === 123 && text.endsWith('}')) return `{${text.slice(1, -1).split(',').map((s) => s.trim()).sort().join(',')}}`;
  return text;
}

/** The value of a constraint field on a node (`readerForField`): hostname, fault domain or attribute. */
export function fieldValue(node: NodeFields, field: string): string | undefined {
  switch (field) {
    case 'hostname':
    case '@hostname':
      return node.hostname;
    case '@region':
      return node.domain?.region;
    case '@zone':
      return node.domain?.zone;
    default: {
      const v = node.attributes[field];
      return v === undefined ? undefined : marathonValue(v);
    }
  }
}

const regexes = new Map<string, RegExp | null>();

/** Java's `String.matches`: the whole value must match. Compiled once per pattern; an invalid one matches nothing. */
function fullMatch(pattern: string, value: string): boolean {
  let re = regexes.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    regexes.set(pattern, re);
  }
  return re !== null && re.test(value);
}

/** `["rack", "GROUP_BY", "3"]` -> 3; Marathon's `getIntValue` (with "inf"), 0 when absent or not a number. */
function intValue(value: string | undefined): number {
  if (value === 'inf') return Number.MAX_SAFE_INTEGER;
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Where an app's instances are: per constrained field, how many instances sit on
 * each value (undefined: on nodes without the field). Seeded with the running
 * instances, then updated as the planner or the simulator places more, so each
 * placement changes what the next instance of the app may use.
 */
export class Placements {
  readonly #counts = new Map<string, Map<string | undefined, number>>();
  /** Value of the app's first instance per field (CLUSTER without a value follows it). */
  readonly #first = new Map<string, string | undefined>();
  #total = 0;

  constructor(readonly constraints: readonly Constraint[]) {
    for (const c of constraints) this.#counts.set(c.field, new Map());
  }

  get total(): number {
    return this.#total;
  }

  /** Counts one more instance of the app on this node. */
  record(node: NodeFields): void {
    for (const [field, counts] of this.#counts) {
      const v = fieldValue(node, field);
      counts.set(v, (counts.get(v) ?? 0) + 1);
      if (this.#total === 0) this.#first.set(field, v);
    }
    this.#total += 1;
  }

  /** Takes one instance away again (a simulated move that was undone). */
  unrecord(node: NodeFields): void {
    for (const [field, counts] of this.#counts) {
      const v = fieldValue(node, field);
      const n = (counts.get(v) ?? 0) - 1;
      if (n > 0) counts.set(v, n);
      else counts.delete(v);
    }
    this.#total = Math.max(0, this.#total - 1);
  }

  clone(): Placements {
    const out = new Placements(this.constraints);
    for (const [field, counts] of this.#counts) out.#counts.set(field, new Map(counts));
    for (const [field, v] of this.#first) out.#first.set(field, v);
    out.#total = this.#total;
    return out;
  }

  /** Instances on nodes whose `field` has `value`. */
  count(field: string, value: string | undefined): number {
    return this.#counts.get(field)?.get(value) ?? 0;
  }

  /** Whether one more instance may go on a node whose field has value `v`, for one constraint. */
  meets(c: Constraint, v: string | undefined): boolean {
    // Only UNLIKE accepts a node without the field (`checkConstraint`, case None).
    if (v === undefined) return c.operator === 'UNLIKE';
    const value = c.value ?? '';
    const counts = this.#counts.get(c.field);
    switch (c.operator) {
      case 'LIKE':
        return value !== '' && fullMatch(value, v);
      case 'UNLIKE':
        return value !== '' && !fullMatch(value, v);
      case 'UNIQUE':
        return (counts?.get(v) ?? 0) === 0;
      case 'MAX_PER':
        return (counts?.get(v) ?? 0) < intValue(value);
      case 'CLUSTER':
        // With a value: that value. Without: the value of the first instance, or any for the first.
        return value !== '' ? v === value : this.#total === 0 || this.#first.get(c.field) === v;
      case 'IS':
        return v === (SCALAR.test(value) ? formatScalar(value) : value);
      case 'GROUP_BY': {
        // `checkGroupBy`: a value with no instance yet is always taken; a value that has some
        // only when at least the expected number of values are in use and it holds the fewest.
        const here = counts?.get(v);
        if (here === undefined || counts === undefined) return true;
        if (counts.size < intValue(value)) return false;
        let min = Number.POSITIVE_INFINITY;
        for (const n of counts.values()) if (n < min) min = n;
        return here === min;
      }
    }
  }

  /** The first constraint that refuses the node, or undefined when all accept it. */
  refusing(node: NodeFields): Constraint | undefined {
    for (const c of this.constraints) if (!this.meets(c, fieldValue(node, c.field))) return c;
    return undefined;
  }
}

const HOST_LIMITS = new WeakMap<readonly Constraint[], number | null>();

/**
 * When every constraint is `hostname:UNIQUE` or `hostname:MAX_PER:n` (daemons, spread services),
 * the most instances of the app one node may hold, so a check that knows the node's own instances
 * needs no Placements; undefined for any other list.
 */
export function perHostLimit(constraints: readonly Constraint[]): number | undefined {
  let limit = HOST_LIMITS.get(constraints);
  if (limit === undefined) {
    limit = constraints.length === 0 ? null : Number.POSITIVE_INFINITY;
    for (const c of constraints) {
      if (c.field !== 'hostname' || (c.operator !== 'UNIQUE' && c.operator !== 'MAX_PER')) {
        limit = null;
        break;
      }
      limit = Math.min(limit as number, c.operator === 'UNIQUE' ? 1 : intValue(c.value));
    }
    HOST_LIMITS.set(constraints, limit);
  }
  return limit ?? undefined;
}

/** True when a refusal by this constraint may turn into acceptance as more instances are placed elsewhere. */
export function canReopen(c: Constraint): boolean {
  return c.operator === 'GROUP_BY';
}

/** A short text for reasons: `workload:LIKE:stateless, hostname:UNIQUE`. */
export function describeConstraints(constraints: readonly Constraint[]): string {
  return constraints.map(describeConstraint).join(', ');
}

export function describeConstraint(c: Constraint): string {
  return [c.field, c.operator, c.value].filter((x) => x !== undefined && x !== '').join(':');
}
