import { z } from 'zod';
import { v1ResourceListSchema, v1TaskListSchema, v1TaskSchema, type RawResource, type RawTask } from './v1-in-place.js';

/**
 * zod shapes of the v1 operator API (include/mesos/v1/master/master.proto, mesos.proto).
 * Only the fields we read; unknown keys are dropped. Real masters leave out empty
 * repeated fields, so every list is optional and defaults to empty.
 */

const list = <T extends z.ZodType>(item: T) => z.array(item).optional().default([]);
export const valueSchema = z.object({ value: z.string() });
const timeInfo = z.object({ nanoseconds: z.number() });

export const rangeSchema = z.object({ begin: z.number(), end: z.number() });

export type V1Resource = RawResource;

export const v1AttributeSchema = z.object({
  name: z.string(),
  type: z.string().optional(),
  text: z.object({ value: z.string() }).optional(),
  scalar: z.object({ value: z.number() }).optional(),
  ranges: z.object({ range: list(rangeSchema) }).optional(),
  set: z.object({ item: list(z.string()) }).optional(),
});
export type V1Attribute = z.infer<typeof v1AttributeSchema>;

export const domainSchema = z.object({
  fault_domain: z
    .object({
      region: z.object({ name: z.string() }).optional(),
      zone: z.object({ name: z.string() }).optional(),
    })
    .optional(),
});

export const v1AgentInfoSchema = z.object({
  id: valueSchema,
  hostname: z.string(),
  port: z.number().optional(),
  attributes: list(v1AttributeSchema),
  resources: v1ResourceListSchema,
  domain: domainSchema.optional(),
});

export const drainInfoSchema = z.object({
  state: z.string().optional(),
  config: z
    .object({ max_grace_period: z.object({ nanoseconds: z.number() }).optional(), mark_gone: z.boolean().optional() })
    .optional(),
});

/** Response.GetAgents.Agent */
export const v1AgentSchema = z.object({
  agent_info: v1AgentInfoSchema,
  active: z.boolean(),
  deactivated: z.boolean().optional(),
  version: z.string().optional(),
  pid: z.string().optional(),
  registered_time: timeInfo.optional(),
  total_resources: v1ResourceListSchema,
  allocated_resources: v1ResourceListSchema,
  // offered_resources, capabilities and the drain estimates are not read: left unchecked.
  drain_info: drainInfoSchema.optional(),
});
export type V1Agent = z.infer<typeof v1AgentSchema>;

export const v1GetAgentsSchema = z.object({
  agents: list(v1AgentSchema),
  recovered_agents: list(v1AgentInfoSchema),
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
