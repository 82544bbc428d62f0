import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { z } from 'zod';

/**
 * Agents, tasks and their resources in the v1 operator API, checked in place by
 * compiled JSON-schema validators. They are the bulk of a large GET_STATE (ten
 * tasks per agent, a handful of resources each); zod would build a second copy of all of
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
  /** Pre-1.6 format: present only on dynamic reservations (ReservationInfo with principal/labels). */
  reservation?: { principal?: string };
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

export interface RawAttribute {
  name: string;
  type?: string;
  text?: { value: string };
  scalar?: { value: number };
  ranges?: { range?: { begin: number; end: number }[] };
  set?: { item?: string[] };
}

export interface RawAgentInfo {
  id: { value: string };
  hostname: string;
  port?: number;
  attributes?: RawAttribute[];
  resources?: RawResource[];
  domain?: { fault_domain?: { region?: { name: string }; zone?: { name: string } } };
}

/** Response.GetAgents.Agent */
export interface RawAgent {
  agent_info: RawAgentInfo;
  active: boolean;
  deactivated?: boolean;
  version?: string;
  pid?: string;
  registered_time?: { nanoseconds: number };
  total_resources?: RawResource[];
  allocated_resources?: RawResource[];
  drain_info?: { state?: string; config?: { max_grace_period?: { nanoseconds?: number }; mark_gone?: boolean } };
}

const str = { type: 'string', nullable: true } as const;
const id = { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } as const;

const rangesSchema = {
  type: 'object',
  properties: {
    range: {
      type: 'array',
      items: { type: 'object', properties: { begin: { type: 'number' }, end: { type: 'number' } }, required: ['begin', 'end'] },
      nullable: true,
    },
  },
  nullable: true,
} as const;
const setSchema = { type: 'object', properties: { item: { type: 'array', items: { type: 'string' }, nullable: true } }, nullable: true } as const;

const resourceSchema: JSONSchemaType<RawResource> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: str,
    scalar: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'], nullable: true },
    ranges: rangesSchema,
    set: setSchema,
    role: str,
    reservations: {
      type: 'array',
      items: { type: 'object', properties: { type: str, role: str, principal: str } },
      nullable: true,
    },
    reservation: { type: 'object', properties: { principal: str }, nullable: true },
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

const named = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], nullable: true } as const;

const agentInfoSchema: JSONSchemaType<RawAgentInfo> = {
  type: 'object',
  properties: {
    id,
    hostname: { type: 'string' },
    port: { type: 'number', nullable: true },
    attributes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          type: str,
          text: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'], nullable: true },
          scalar: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'], nullable: true },
          ranges: rangesSchema,
          set: setSchema,
        },
        required: ['name'],
      },
      nullable: true,
    },
    resources: { type: 'array', items: resourceSchema, nullable: true },
    domain: {
      type: 'object',
      properties: { fault_domain: { type: 'object', properties: { region: named, zone: named }, nullable: true } },
      nullable: true,
    },
  },
  required: ['id', 'hostname'],
};

const agentSchema: JSONSchemaType<RawAgent> = {
  type: 'object',
  properties: {
    agent_info: agentInfoSchema,
    active: { type: 'boolean' },
    deactivated: { type: 'boolean', nullable: true },
    version: str,
    pid: str,
    registered_time: { type: 'object', properties: { nanoseconds: { type: 'number' } }, required: ['nanoseconds'], nullable: true },
    total_resources: { type: 'array', items: resourceSchema, nullable: true },
    allocated_resources: { type: 'array', items: resourceSchema, nullable: true },
    drain_info: {
      type: 'object',
      properties: {
        state: str,
        config: {
          type: 'object',
          properties: { max_grace_period: { type: 'object', properties: { nanoseconds: { type: 'number', nullable: true } }, nullable: true }, mark_gone: { type: 'boolean', nullable: true } },
          nullable: true,
        },
      },
      nullable: true,
    },
  },
  required: ['agent_info', 'active'],
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validateResources = ajv.compile<RawResource[]>({ type: 'array', items: resourceSchema });
const validateTasks = ajv.compile<RawTask[]>({ type: 'array', items: taskSchema });
const validateTask = ajv.compile<RawTask>(taskSchema);
const validateAgents = ajv.compile<RawAgent[]>({ type: 'array', items: agentSchema });
const validateAgent = ajv.compile<RawAgent>(agentSchema);
const validateAgentInfos = ajv.compile<RawAgentInfo[]>({ type: 'array', items: agentInfoSchema });

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
export const v1AgentListSchema = inPlaceList(validateAgents);
export const v1AgentSchema = inPlace(validateAgent);
export const v1AgentInfoListSchema = inPlaceList(validateAgentInfos);
