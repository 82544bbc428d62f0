import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import { z } from 'zod';

/**
 * The fields of a v1 `Task` we read. Task lists are the bulk of a large
 * GET_STATE (ten tasks per agent, each with its resources), so they are checked
 * with a compiled JSON-schema validator that does not copy what it checks; zod
 * would build a second copy of the whole list, and that garbage is most of the
 * cost of parsing a big cluster's state.
 */
export interface RawTaskResource {
  name: string;
  scalar?: { value: number };
  ranges?: { range?: { begin: number; end: number }[] };
  role?: string;
  allocation_info?: { role?: string };
  revocable?: object;
}

export interface RawTask {
  name: string;
  task_id: { value: string };
  framework_id: { value: string };
  agent_id: { value: string };
  state?: string;
  resources?: RawTaskResource[];
  labels?: { labels?: { key: string; value?: string }[] };
}

const id = { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } as const;

const resourceSchema: JSONSchemaType<RawTaskResource> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
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
    role: { type: 'string', nullable: true },
    allocation_info: { type: 'object', properties: { role: { type: 'string', nullable: true } }, nullable: true },
    revocable: { type: 'object', nullable: true },
  },
  required: ['name'],
};

const taskListSchema: JSONSchemaType<RawTask[]> = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      task_id: id,
      framework_id: id,
      agent_id: id,
      state: { type: 'string', nullable: true },
      resources: { type: 'array', items: resourceSchema, nullable: true },
      labels: {
        type: 'object',
        properties: {
          labels: {
            type: 'array',
            items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'string', nullable: true } }, required: ['key'] },
            nullable: true,
          },
        },
        nullable: true,
      },
    },
    required: ['name', 'task_id', 'framework_id', 'agent_id'],
  },
};

const validate = new Ajv({ allErrors: false, strict: true }).compile(taskListSchema);

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  return e ? `${e.instancePath || '(list)'} ${e.message ?? 'is invalid'}` : 'is invalid';
}

/** A v1 task list, validated in place; omitted (as masters do for empty lists) means empty. */
export const v1TaskListSchema = z.unknown().optional().transform((value, ctx): readonly RawTask[] => {
  if (value === undefined) return [];
  if (validate(value)) return value;
  ctx.addIssue({ code: 'custom', message: describe(validate.errors) });
  return z.NEVER;
});
