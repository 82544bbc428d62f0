import protobuf from 'protobufjs';
import { DURATION_PROTO, MAINTENANCE_V1_PROTO, MASTER_V1_PROTO, MESOS_V1_PROTO } from './mesos-v1-proto.js';

/** The emulated master's protobuf messages (its fuller definitions, mesos-v1-proto.ts). */
const root = new protobuf.Root();
for (const text of [MESOS_V1_PROTO, MAINTENANCE_V1_PROTO, DURATION_PROTO, MASTER_V1_PROTO]) protobuf.parse(text, root, { keepCase: true });
root.resolveAll();

export const RESPONSE = root.lookupType('mesos.v1.master.Response');
export const EVENT = root.lookupType('mesos.v1.master.Event');
export const CALL = root.lookupType('mesos.v1.master.Call');

/** The emulator's types by full name (tests encode single messages, e.g. a capture's task). */
export const protoType = (name: string): protobuf.Type => root.lookupType(name);

/**
 * The emulator's JSON writes int64s beyond 2^53 as bigint (exact-json.ts); protobufjs takes them
 * exactly as decimal strings (Long.fromString), while a bigint would be dropped by `fromObject`.
 */
function forProtobuf(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(forProtobuf);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = forProtobuf(x);
    return out;
  }
  return v;
}

/**
 * A message written as the master writes it in JSON, encoded as the master would send it in
 * protobuf. protobufjs `fromObject` reads the proto3-JSON-like shape the master's JSON has (enum
 * names, base64 bytes, numbers or decimal strings for 64-bit integers).
 */
export function encodeJson(type: protobuf.Type, json: unknown): Uint8Array {
  const value = forProtobuf(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${type.fullName}: not an object`);
  return type.encode(type.fromObject(value as Record<string, unknown>)).finish();
}

/** Protobuf bytes back into the master's JSON shape: enums by name, int64 as decimal strings, bytes base64. */
export function decodeToJson(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), { enums: String, longs: String, bytes: String, defaults: false, arrays: false });
}

/**
 * One length-delimited field (tag with wire type 2, varint length, bytes): how a large message is
 * written element by element (a repeated field's items one at a time) without encoding it whole.
 */
export function lengthDelimited(id: number, bytes: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((id << 3) | 2).bytes(bytes);
  return Buffer.from(w.finish());
}
