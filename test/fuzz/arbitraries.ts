import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Inputs for fuzzing parsers: any JSON, and real documents damaged in one place (a subtree replaced
 * by anything, a key dropped, a value wrapped in a list), which reach far deeper into a schema than
 * random JSON does.
 */

type Json = unknown;

function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = [], limit = 4000): (string | number)[][] {
  if (out.length >= limit) return out;
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out, limit));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out, limit);
  return out;
}

function setAt(root: Json, path: readonly (string | number)[], edit: (parent: Record<string | number, unknown>, key: string | number) => void): Json {
  const copy = structuredClone(root);
  if (path.length === 0) return copy;
  let cur = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  edit(cur, path[path.length - 1] as string | number);
  return copy;
}

/** A document damaged in one place. */
export function damaged(doc: Json): fc.Arbitrary<Json> {
  const all = paths(doc);
  return fc.tuple(fc.nat({ max: all.length - 1 }), fc.constantFrom('replace', 'delete', 'wrap', 'null', 'string'), fc.jsonValue({ maxDepth: 3 })).map(([i, how, value]) => {
    const path = all[i] ?? [];
    if (path.length === 0) return how === 'replace' ? value : doc;
    return setAt(doc, path, (parent, key) => {
      if (how === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else if (how === 'wrap') parent[key] = [parent[key]];
      else if (how === 'null') parent[key] = null;
      else if (how === 'string') parent[key] = String(JSON.stringify(parent[key]) ?? '').slice(0, 8);
      else parent[key] = value;
    });
  });
}

/** Any JSON at all, or the document damaged. */
export function jsonLike(doc: Json): fc.Arbitrary<Json> {
  return fc.oneof({ arbitrary: damaged(doc), weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 });
}

/** Text of a document cut short, with noise spliced in, or any text. */
export function textLike(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc.tuple(fc.nat({ max: text.length }), fc.string({ maxLength: 20 })).map(([n, s]) => text.slice(0, n) + s + text.slice(n + s.length)),
    fc.string({ maxLength: 200 }),
  );
}

/** A parser's answer is a Result: ok, or an error value with a kind and a message that says something. */
export function expectResult(r: { ok: boolean; error?: unknown }): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    const e = r.error;
    if (typeof e === 'string') expect(e.length).toBeGreaterThan(0);
    else if (Array.isArray(e)) expect(e.length).toBeGreaterThan(0);
    else {
      expect(e).toMatchObject({ message: expect.any(String) });
      expect((e as { message: string }).message.length).toBeGreaterThan(0);
    }
  }
}

/** Runs of each property: enough to reach deep into every schema, few enough for the default test run. */
export const RUNS = { numRuns: 300, seed: 20261128 } as const;
