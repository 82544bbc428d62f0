import { closest, distance } from 'fastest-levenshtein';

/** The parts of a zod schema's definition the key walk reads (zod 4 keeps them on `_zod.def`). */
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly options?: readonly unknown[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

const defOf = (s: unknown): Def | undefined =>
  typeof s === 'object' && s !== null && '_zod' in s ? (s as { _zod: { def: Def } })._zod.def : undefined;
const child = (v: unknown, k: PropertyKey): unknown => (typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined);

/**
 * The keys the schema allows at `path` of `input`: for a union of objects (provider kinds),
 * those of the option `input` names by its discriminator, else of every option.
 */
export function keysAt(schema: unknown, path: readonly PropertyKey[], input: unknown): string[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return keysAt(def.innerType, path, input);
    case 'pipe':
      return keysAt(def.in, path, input);
    case 'union': {
      const options = def.options ?? [];
      const wanted = def.discriminator !== undefined ? child(input, def.discriminator) : undefined;
      const chosen = options.filter((o) => defOf(defOf(o)?.shape?.[def.discriminator ?? ''])?.values?.includes(wanted));
      return [...new Set((chosen.length ? chosen : options).flatMap((o) => keysAt(o, path, input)))];
    }
    case 'object': {
      const [head, ...rest] = path;
      if (head === undefined) return Object.keys(def.shape ?? {});
      return keysAt(def.shape?.[String(head)], rest, child(input, head));
    }
    case 'array':
    case 'record': {
      const [head, ...rest] = path;
      return head === undefined ? [] : keysAt(def.type === 'array' ? def.element : def.valueType, rest, child(input, head));
    }
    default:
      return [];
  }
}

/** The known key a misspelt one most likely meant (`timr` -> `timer`), if one is close enough. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, [...known]);
  // Two edits covers a swapped pair of letters (`tokne`), which Levenshtein counts as two.
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
