/** A JSON value, for the shapes the emulators write; a bigint is an exact int64 (see exact-json.ts). */
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Mesos v1 `TimeInfo`: epoch nanoseconds (above 2^53, as real masters print them). */
export function timeInfo(ms: number): JsonObject {
  return { nanoseconds: Math.round(ms * 1e6) };
}

/** Mesos v0 and status timestamps: float seconds. */
export function seconds(ms: number): number {
  return ms / 1000;
}

/** Leaves out empty repeated fields, as the v1 API's JSON mapping does. */
export function withList(obj: JsonObject, key: string, list: Json[]): JsonObject {
  if (list.length > 0) obj[key] = list;
  return obj;
}
