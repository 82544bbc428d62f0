import { isSafeNumber, parse } from 'lossless-json';

/**
 * JSON with int64 kept exact, as a real master keeps it: stout's JSON parser (picojson with
 * PICOJSON_USE_INT64, 3rdparty/stout/include/stout/json.hpp) reads integer literals into int64
 * and its writer prints them back digit for digit, so `{"nanoseconds":1764320000123456789}`
 * round-trips byte for byte. `JSON.parse` would round it to a multiple of 256.
 */

/** Integers beyond 2^53 become bigint; every other number stays a number. */
function parseNumber(text: string): number | bigint {
  if (/^-?\d+$/.test(text) && !isSafeNumber(text)) return BigInt(text);
  return Number(text);
}

/** Parses a request body exactly; undefined for an empty body, an Error for bad JSON. */
export function parseExact(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parse(text, null, parseNumber);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

const MARK = '\u0001int64:';
const MARKED = /"\\u0001int64:(-?\d+)"/g;

/** An int64 for a response: a plain number while exact, a bigint (written digit for digit) beyond 2^53. */
export function int64Json(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/**
 * JSON text with bigints written as bare integers. Native JSON.stringify does the work: without
 * a replacer while no bigint is in the value (the common case, full speed on a 10,000-agent
 * GET_STATE), else with one that passes bigints through as marked strings, unquoted afterwards.
 * Node 20 has no `JSON.rawJSON`, which would do this directly.
 */
export function stringifyExact(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(MARKED, '$1');
}
