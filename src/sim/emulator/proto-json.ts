import { err, ok, type Result } from '../../util/result.js';

/**
 * JSON read into protobuf fields the way a real master reads it: apache/mesos
 * 3rdparty/stout/include/stout/protobuf.hpp `protobuf::internal::Parser` and `Parse<T>`.
 * Unknown fields are ignored, `null` leaves a field unset, numbers and booleans may come as
 * strings, an object given for a repeated message field is one element, a wrong JSON kind is
 * "Not expecting a JSON <kind> for field '<name>'", and missing required fields are reported
 * together as protobuf's `InitializationErrorString` ("a.b, c[0].d").
 */

/** Where missing required fields are collected while one message is read. */
export class Missing {
  readonly paths: string[] = [];

  require(obj: Readonly<Record<string, unknown>>, field: string, path: string): boolean {
    const v = obj[field];
    if (v === undefined || v === null) {
      this.paths.push(path);
      return false;
    }
    return true;
  }

  /** stout `Parse<T>`: "Missing required fields: ..." when any is missing. */
  error(): string | undefined {
    return this.paths.length > 0 ? `Missing required fields: ${this.paths.join(', ')}` : undefined;
  }
}

/** The JSON kind stout names in its errors. */
function kind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'bigint') return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

export function notExpecting(v: unknown, field: string): string {
  return `Not expecting a JSON ${kind(v)} for field '${field}'`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A message-typed field: an object, or absent (undefined / null). */
export function message(v: unknown, field: string): Result<Record<string, unknown> | undefined, string> {
  if (v === undefined || v === null) return ok(undefined);
  return isObject(v) ? ok(v) : err(notExpecting(v, field));
}

/** A repeated message field: an array of objects, or one object as a single element. */
export function messages(v: unknown, field: string): Result<Record<string, unknown>[], string> {
  if (v === undefined || v === null) return ok([]);
  const list = Array.isArray(v) ? v : [v];
  const out: Record<string, unknown>[] = [];
  for (const x of list) {
    if (x === null) continue;
    if (!isObject(x)) return err(notExpecting(x, field));
    out.push(x);
  }
  return ok(out);
}

export function string(v: unknown, field: string): Result<string | undefined, string> {
  if (v === undefined || v === null) return ok(undefined);
  return typeof v === 'string' ? ok(v) : err(notExpecting(v, field));
}

/** An int64 field, exact: a JSON integer (bigint beyond 2^53), a float truncated as stout's `as<int64_t>`, or a numeric string. */
export function int64(v: unknown, field: string): Result<bigint | undefined, string> {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'bigint') return ok(v);
  if (typeof v === 'number') return ok(BigInt(Math.trunc(v)));
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^-?\d+$/.test(t)) return ok(BigInt(t));
    const n = Number(t);
    if (t !== '' && Number.isFinite(n)) return ok(BigInt(Math.trunc(n)));
    return err(`Failed to parse '${v}' as a JSON number for field '${field}'`);
  }
  return err(notExpecting(v, field));
}

export function bool(v: unknown, field: string): Result<boolean | undefined, string> {
  if (v === undefined || v === null) return ok(undefined);
  if (typeof v === 'boolean') return ok(v);
  if (v === 'true' || v === 'false') return ok(v === 'true');
  if (typeof v === 'string') return err(`Failed to parse '${v}' as a JSON boolean for field '${field}'`);
  return err(notExpecting(v, field));
}
