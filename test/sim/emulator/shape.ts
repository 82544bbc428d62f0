/**
 * Structural comparison of emulator output with real captures.
 *
 * Every key the emulator emits must exist at the same place in at least one capture,
 * with the same JSON type; every key that all captures have at a place must be in the
 * emulator's output. Array elements are compared with the union of the captures'
 * elements (resources mix SCALAR and RANGES entries). Paths read `a.b[].c`.
 */
export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function kindOf(v: unknown): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'boolean' || t === 'number' || t === 'string') return t;
  return 'object';
}

const isObject = (v: unknown): v is Record<string, unknown> => kindOf(v) === 'object';

export interface ShapeOptions {
  /** Paths (and everything below them) whose differences are deliberate. */
  readonly ignore?: readonly string[];
}

export function compareShape(actual: unknown, captures: readonly unknown[], options: ShapeOptions = {}): string[] {
  const found = new Set<string>();
  walk(actual, captures, '', found);
  const ignore = options.ignore ?? [];
  return [...found].filter((d) => {
    const path = d.slice(0, d.indexOf(':'));
    return !ignore.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
  });
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(actual: unknown, refs: readonly unknown[], path: string, out: Set<string>): void {
  const present = refs.filter((r) => r !== undefined);
  if (present.length === 0) return;
  const kind = kindOf(actual);
  const kinds = new Set(present.map(kindOf));
  if (!kinds.has(kind)) {
    out.add(`${path || '(root)'}: emulator has ${kind}, capture has ${[...kinds].join('|')}`);
    return;
  }
  if (kind === 'object' && isObject(actual)) {
    const objects = present.filter(isObject);
    for (const [key, value] of Object.entries(actual)) {
      const values = objects.filter((o) => key in o).map((o) => o[key]);
      if (values.length === 0) out.add(`${join(path, key)}: not in any capture`);
      else walk(value, values, join(path, key), out);
    }
    const first = objects[0];
    if (!first) return;
    for (const key of Object.keys(first)) {
      if (objects.every((o) => key in o) && !(key in actual)) out.add(`${join(path, key)}: missing (every capture has it)`);
    }
  } else if (kind === 'array' && Array.isArray(actual)) {
    const elements = present.filter(Array.isArray).flat();
    for (const el of actual) walk(el, elements, `${path}[]`, out);
  }
}
