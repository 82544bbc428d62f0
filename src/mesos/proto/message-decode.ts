import protobuf from 'protobufjs';
import type { FieldSpec, MessageSpec } from './message-spec.js';

/** protobufjs' wire reader: positions, varints, length checks against the whole buffer. */
export type Reader = protobuf.Reader;

/** The bytes are not the message they should be (cut off, garbled, wrong wire types). */
export class ProtoFormatError extends Error {}

export function newReader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
}

/**
 * int64 values come as `Long` (protobufjs finds the `long` package) or as numbers; the master's JSON
 * gives numbers, rounded to the nearest double as `JSON.parse` rounds them (one rounding here too).
 */
function toNumber(v: number | protobuf.Long): number {
  return typeof v === 'number' ? v : new protobuf.util.LongBits(v.low >>> 0, v.high >>> 0).toNumber(v.unsigned);
}

/** Skips one value of wire type `wireType` (protobufjs checks lengths and rejects wire types 4, 6, 7). */
export function skipValue(r: Reader, wireType: number): void {
  r.skipType(wireType);
}

/** Reads a length prefix and returns where that submessage ends; it must end within `end`. */
export function subEnd(r: Reader, end: number, what: string): number {
  const len = r.uint32();
  const stop = r.pos + len;
  if (stop > end) throw new ProtoFormatError(`${what}: length ${len} runs past its enclosing message`);
  return stop;
}

/** Reads one tag: the field number (0 is never valid) and the wire type. */
export function readTag(r: Reader, what: string): { id: number; wireType: number } {
  const tag = r.uint32();
  const id = tag >>> 3;
  if (id === 0) throw new ProtoFormatError(`${what}: field number 0`);
  return { id, wireType: tag & 7 };
}

/** After a message's fields: the reader must stand exactly at its end. */
export function expectEnd(r: Reader, end: number, what: string): void {
  if (r.pos !== end) throw new ProtoFormatError(`${what}: fields run past its length`);
}

function readScalar(r: Reader, f: FieldSpec, end: number): unknown {
  // Numbered as KIND_CODE (message-spec.ts); the common kinds first.
  switch (f.code) {
    case 0: {
      const spec = f.message;
      if (!spec) throw new Error(`${f.name}: no message spec`);
      return decodeMessage(r, subEnd(r, end, f.name), spec);
    }
    case 1:
      return r.string();
    case 2: {
      const n = r.int32();
      // A value newer than our definitions: its number, which names no state we act on.
      return f.enumNames?.get(n) ?? String(n);
    }
    case 3:
      return r.double();
    case 4:
      return r.bool();
    case 5:
      return r.int32();
    case 6:
      return r.uint32();
    case 7:
      return toNumber(r.int64());
    case 8:
      return toNumber(r.uint64());
    case 9:
      return r.bytes();
    case 10:
      return r.float();
    case 11:
      return r.sint32();
    case 12:
      return r.fixed32();
    case 13:
      return r.sfixed32();
    case 14:
      return toNumber(r.sint64());
    case 15:
      return toNumber(r.fixed64());
    default:
      return toNumber(r.sfixed64());
  }
}

function push(out: Record<string, unknown>, name: string, v: unknown): void {
  const list = out[name];
  if (Array.isArray(list)) list.push(v);
  else out[name] = [v];
}

/**
 * Decodes the message in [r.pos, end) into a plain object shaped as the master's JSON is (field
 * names as in the .proto, enums by name, int64 as numbers, repeated fields as arrays and left out
 * when empty, explicit defaults of unset non-deprecated fields filled in). Fields `spec` does not
 * list are skipped by their length, which is where reading protobuf saves its time. Throws
 * `ProtoFormatError` (or protobufjs' RangeError) on bytes that are not such a message.
 */
export function decodeMessage(r: Reader, end: number, spec: MessageSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    // The tag read inline (no object per field: a large state has millions of them).
    const tag = r.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    if (id === 0) throw new ProtoFormatError(`${spec.fullName}: field number 0`);
    const f = spec.byId[id];
    if (f === undefined) {
      skipValue(r, wireType);
      continue;
    }
    if (wireType === f.wireType) {
      const v = readScalar(r, f, end);
      if (!f.repeated) out[f.name] = v;
      else {
        push(out, f.name, v);
      }
    } else if (wireType === 2 && f.repeated && f.kind !== 'message') {
      // A packed repeated number field: parsers accept it whatever the .proto says.
      const stop = subEnd(r, end, f.name);
      while (r.pos < stop) push(out, f.name, readScalar(r, f, stop));
      expectEnd(r, stop, f.name);
    } else {
      throw new ProtoFormatError(`${spec.fullName}.${f.name}: wire type ${wireType}, expected ${f.wireType}`);
    }
  }
  expectEnd(r, end, spec.fullName);
  const defaults = spec.defaults;
  for (let i = 0; i < defaults.length; i++) {
    const d = defaults[i];
    if (d && out[d[0]] === undefined) out[d[0]] = d[1];
  }
  return out;
}
