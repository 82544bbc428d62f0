import { z } from 'zod';
import {
  v1AgentInfoListSchema,
  v1AgentListSchema,
  v1AgentSchema,
  v1TaskListSchema,
  v1TaskSchema,
  type RawAgent,
  type RawAttribute,
  type RawResource,
  type RawTask,
} from './v1-in-place.js';

/**
 * zod shapes of the v1 operator API (include/mesos/v1/master/master.proto, mesos.proto).
 * Only the fields we read; unknown keys are dropped. Real masters leave out empty
 * repeated fields, so every list is optional and defaults to empty. Agents, tasks and
 * resources, the bulk of a large state, are described in v1-in-place.ts and checked
 * without being copied.
 */

const list = <T extends z.ZodType>(item: T) => z.array(item).optional().default([]);
export const valueSchema = z.object({ value: z.string() });


export type V1Resource = RawResource;

export type V1Attribute = RawAttribute;

export const domainSchema = z.object({
  fault_domain: z
    .object({
      region: z.object({ name: z.string() }).optional(),
      zone: z.object({ name: z.string() }).optional(),
    })
    .optional(),
});

export const drainInfoSchema = z.object({
  state: z.string().optional(),
  config: z
    .object({ max_grace_period: z.object({ nanoseconds: z.number() }).optional(), mark_gone: z.boolean().optional() })
    .optional(),
});

export { v1AgentSchema };
export type V1Agent = RawAgent;

export const v1GetAgentsSchema = z.object({
  agents: v1AgentListSchema,
  recovered_agents: v1AgentInfoListSchema,
});


export { v1TaskSchema };
export type V1Task = RawTask;

export const v1GetTasksSchema = z.object({
  pending_tasks: v1TaskListSchema,
  tasks: v1TaskListSchema,
  unreachable_tasks: v1TaskListSchema,
  completed_tasks: v1TaskListSchema,
});

export const v1FrameworkSchema = z.object({
  framework_info: z.object({
    id: valueSchema.optional(),
    name: z.string(),
    role: z.string().optional(),
    roles: list(z.string()),
  }),
  active: z.boolean().optional(),
  connected: z.boolean().optional(),
  recovered: z.boolean().optional(),
});
export type V1Framework = z.infer<typeof v1FrameworkSchema>;

export const v1GetStateSchema = z.object({
  get_tasks: v1GetTasksSchema.optional().default({ pending_tasks: [], tasks: [], unreachable_tasks: [], completed_tasks: [] }),
  get_frameworks: z.object({ frameworks: list(v1FrameworkSchema), completed_frameworks: list(v1FrameworkSchema) }).optional(),
  get_agents: v1GetAgentsSchema.optional().default({ agents: [], recovered_agents: [] }),
});
export type V1GetState = z.infer<typeof v1GetStateSchema>;

export const v1MasterInfoSchema = z.object({
  type: z.literal('GET_MASTER'),
  get_master: z.object({
    master_info: z.object({
      id: z.string(),
      hostname: z.string().optional(),
      port: z.number(),
      pid: z.string().optional(),
      version: z.string().optional(),
      address: z.object({ hostname: z.string().optional(), ip: z.string().optional(), port: z.number().optional() }).optional(),
      domain: domainSchema.optional(),
    }),
    start_time: z.number().optional(),
    elected_time: z.number().optional(),
  }),
});
