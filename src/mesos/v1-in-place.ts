import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { z } from 'zod';

/**
 * Resource and task lists of the v1 operator API, checked in place by compiled
 * JSON-schema validators. They are the bulk of a large GET_STATE (ten tasks per
 * agent, a handful of resources each); zod would build a second copy of all of
 * it, and that garbage was most of the cost of parsing a big cluster's state
 * (BENCHMARKS.md, planning speed). Only the fields we read are described;
 * others pass unchecked. Omitted lists, as real masters send them, are empty.
 */
export interface RawResource {
  name: string;
  type?: string;
  scalar?: { value: number };
  ranges?: { range?: { begin: number; end: number }[] };
  set?: { item?: string[] };
  /** Deprecated single role ("*" when unreserved); still sent next to `reservations`. */
  role?: string;
  reservations?: { type?: string; role?: string; principal?: string }[];
  allocation_info?: { role?: string };
  disk?: { persistence?: { id: string; principal?: string }; volume?: { container_path?: string; mode?: string } };
  revocable?: object;
}

export interface RawTask {
  name: string;
  task_id: { value: string };
  framework_id: { value: string };
  agent_id: { value: string };
  state?: string;
  resources?: RawResource[];
  labels?: { labels?: { key: string; value?: string }[] };
}

const str = { type: 'string', nullable: true } as const;
const id = { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } as const;

const resourceSchema: JSONSchemaType<RawResource> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: str,
    scalar: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'], nullable: true },
    ranges: {
      type: 'object',
      properties: {
        range: {
          type: 'array',
          items: { type: 'object', properties: { begin: { type: 'number' }, end: { type: 'number' } }, required: ['begin', 'end'] },
          nullable: true,
        },
      },
      nullable: true,
    },
    set: { type: 'object', properties: { item: { type: 'array', items: { type: 'string' }, nullable: true } }, nullable: true },
    role: str,
    reservations: {
      type: 'array',
      items: { type: 'object', properties: { type: str, role: str, principal: str } },
      nullable: true,
    },
    allocation_info: { type: 'object', properties: { role: str }, nullable: true },
    disk: {
      type: 'object',
      properties: {
        persistence: { type: 'object', properties: { id: { type: 'string' }, principal: str }, required: ['id'], nullable: true },
        volume: { type: 'object', properties: { container_path: str, mode: str }, nullable: true },
      },
      nullable: true,
    },
    revocable: { type: 'object', nullable: true },
  },
  required: ['name'],
};

const taskSchema: JSONSchemaType<RawTask> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    task_id: id,
    framework_id: id,
    agent_id: id,
    state: str,
    resources: { type: 'array', items: resourceSchema, nullable: true },
    labels: {
      type: 'object',
      properties: {
        labels: {
          type: 'array',
          items: { type: 'object', properties: { key: { type: 'string' }, value: str }, required: ['key'] },
          nullable: true,
        },
      },
      nullable: true,
    },
  },
  required: ['name', 'task_id', 'framework_id', 'agent_id'],
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validateResources = ajv.compile<RawResource[]>({ type: 'array', items: resourceSchema });
const validateTasks = ajv.compile<RawTask[]>({ type: 'array', items: taskSchema });
const validateTask = ajv.compile<RawTask>(taskSchema);

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  return e ? `${e.instancePath || '(list)'} ${e.message ?? 'is invalid'}` : 'is invalid';
}

/** A zod schema whose check is a compiled validator: the value passes through as it is. */
function inPlace<T>(validate: ValidateFunction<T>) {
  return z.unknown().transform((value, ctx): T => {
    if (validate(value)) return value;
    ctx.addIssue({ code: 'custom', message: describe(validate.errors) });
    return z.NEVER;
  });
}

/** The same for a list; an omitted list is an empty one. */
function inPlaceList<T>(validate: ValidateFunction<T[]>) {
  return z.unknown().optional().transform((value, ctx): T[] => {
    if (value === undefined) return [];
    if (validate(value)) return value;
    ctx.addIssue({ code: 'custom', message: describe(validate.errors) });
    return z.NEVER;
  });
}

export const v1ResourceListSchema = inPlaceList(validateResources);
export const v1TaskListSchema = inPlaceList(validateTasks);
export const v1TaskSchema = inPlace(validateTask);
