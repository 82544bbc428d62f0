/** One change to a list between two cycles, as the event-fed model makes them: an object replaced, inserted or removed. */
export interface ListEdit<S> {
  readonly kind: string;
  readonly at: number;
  readonly s: S;
}

/**
 * The next cycle's list: a copy of `list` with the edits applied ('replace', 'insert', 'remove';
 * any other kind goes to `other` with the entry it names). Unedited positions keep their objects.
 */
export function applyEdits<T, S>(list: readonly T[], edits: readonly ListEdit<S>[], make: (s: S) => T, other?: (x: T, e: ListEdit<S>) => void): T[] {
  const next = [...list];
  for (const e of edits) {
    const at = next.length === 0 ? 0 : e.at % next.length;
    if (e.kind === 'replace' && next.length > 0) next[at] = make(e.s);
    else if (e.kind === 'insert') next.splice(at, 0, make(e.s));
    else if (e.kind === 'remove') next.splice(at, 1);
    else if (e.kind !== 'replace' && next.length > 0) other?.(next[at] as T, e);
  }
  return next;
}

/** The list without a second entry of any id (Mesos never lists an agent twice). */
export function uniqueIds<T extends { readonly id: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(x.id) && seen.add(x.id));
}
