import protobuf from 'protobufjs';

/** How one field's value is read off the wire. */
export type FieldKind =
  | 'message'
  | 'enum'
  | 'string'
  | 'bytes'
  | 'bool'
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64';

export interface FieldSpec {
  readonly name: string;
  readonly id: number;
  readonly kind: FieldKind;
  /** `kind` as a small integer (KIND_CODE), for the decoder's hot switch. */
  readonly code: number;
  readonly repeated: boolean;
  /** The wire type a (non-packed) value of this field has. */
  readonly wireType: number;
  readonly message?: MessageSpec;
  /** Enum value names by number. */
  readonly enumNames?: ReadonlyMap<number, string>;
}

export interface MessageSpec {
  readonly fullName: string;
  /** Fields by number (sparse); numbers not listed are skipped. */
  readonly byId: readonly (FieldSpec | undefined)[];
  readonly byName: ReadonlyMap<string, FieldSpec>;
  /**
   * Explicit `[default = ...]` values of non-deprecated optional fields, which the master's JSON
   * writes when the field is unset (stout `JSON::Protobuf`); the reader fills them the same way.
   */
  readonly defaults: readonly (readonly [string, unknown])[];
}

const WIRE: Record<FieldKind, number> = {
  message: 2,
  string: 2,
  bytes: 2,
  enum: 0,
  bool: 0,
  int32: 0,
  uint32: 0,
  sint32: 0,
  int64: 0,
  uint64: 0,
  sint64: 0,
  double: 1,
  fixed64: 1,
  sfixed64: 1,
  float: 5,
  fixed32: 5,
  sfixed32: 5,
};

const isKind = (t: string): t is FieldKind => t in WIRE;

/** Small integers for the kinds, in the order the decoder tests them. */
export const KIND_CODE: Record<FieldKind, number> = {
  message: 0, string: 1, enum: 2, double: 3, bool: 4, int32: 5, uint32: 6, int64: 7, uint64: 8, bytes: 9,
  float: 10, sint32: 11, fixed32: 12, sfixed32: 13, sint64: 14, fixed64: 15, sfixed64: 16,
};

/** Loads proto texts (proto2, field names as written) into one protobufjs root. */
export function loadRoot(...texts: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const text of texts) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return root;
}

/**
 * Compiles a protobufjs reflected type into the plain tables the decoder walks (message-decode.ts):
 * field number -> name, kind, nested spec or enum names. Built once per type, cycles allowed.
 */
export function compileSpec(root: protobuf.Root, typeName: string, cache = new Map<string, MessageSpec>()): MessageSpec {
  const type = root.lookupType(typeName);
  const cached = cache.get(type.fullName);
  if (cached) return cached;
  const byId: (FieldSpec | undefined)[] = [];
  const byName = new Map<string, FieldSpec>();
  const defaults: [string, unknown][] = [];
  const spec: MessageSpec = { fullName: type.fullName, byId, byName, defaults };
  cache.set(type.fullName, spec);
  for (const f of type.fieldsArray) {
    if (f.map) throw new Error(`${type.fullName}.${f.name}: map fields are not read`);
    const resolved = f.resolve().resolvedType;
    let field: FieldSpec;
    if (resolved instanceof protobuf.Type) {
      field = { name: f.name, id: f.id, kind: 'message', code: KIND_CODE.message, repeated: f.repeated, wireType: 2, message: compileSpec(root, resolved.fullName, cache) };
    } else if (resolved instanceof protobuf.Enum) {
      const names = new Map<number, string>();
      for (const [name, n] of Object.entries(resolved.values)) names.set(n, name);
      field = { name: f.name, id: f.id, kind: 'enum', code: KIND_CODE.enum, repeated: f.repeated, wireType: 0, enumNames: names };
    } else if (isKind(f.type)) {
      field = { name: f.name, id: f.id, kind: f.type, code: KIND_CODE[f.type], repeated: f.repeated, wireType: WIRE[f.type] };
    } else {
      throw new Error(`${type.fullName}.${f.name}: unsupported type ${f.type}`);
    }
    byId[f.id] = field;
    byName.set(f.name, field);
    const dflt: unknown = f.getOption('default');
    if (dflt !== undefined && f.getOption('deprecated') !== true && !f.repeated) defaults.push([f.name, dflt]);
  }
  return spec;
}

/** The field of `spec` called `name`: a missing one is a mistake in our own definitions. */
export function fieldOf(spec: MessageSpec, name: string): FieldSpec {
  const f = spec.byName.get(name);
  if (!f) throw new Error(`${spec.fullName} has no field ${name}`);
  return f;
}
