import { z } from 'zod';

/**
 * Heat and Nova answers, only the fields we read, as the api-refs describe them:
 * orchestration v1 "Show stack details" and "List resources" (with nested_depth), compute v2.1
 * "Show server details".
 */
export const stackSchema = z.object({
  stack: z.object({
    id: z.string(),
    stack_name: z.string(),
    stack_status: z.string(),
    stack_status_reason: z.string().nullish(),
    /** Set when an update starts; tells our update's end from an earlier one's. */
    updated_time: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).default({}),
  }),
});
export type Stack = z.infer<typeof stackSchema>['stack'];

const linkSchema = z.object({ href: z.string(), rel: z.string() });

export const resourceSchema = z.object({
  resource_name: z.string(),
  physical_resource_id: z.string().nullish(),
  resource_type: z.string(),
  resource_status: z.string(),
  resource_status_reason: z.string().nullish(),
  creation_time: z.string().nullish(),
  links: z.array(linkSchema).default([]),
  parent_resource: z.string().nullish(),
});
export type HeatResource = z.infer<typeof resourceSchema>;

export const resourcesSchema = z.object({ resources: z.array(resourceSchema) });

export const serverSchema = z.object({
  server: z.object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    created: z.string().nullish(),
    addresses: z
      .record(z.string(), z.array(z.object({ addr: z.string(), version: z.number().optional(), 'OS-EXT-IPS:type': z.string().optional() })))
      .default({}),
  }),
});
export type NovaServer = z.infer<typeof serverSchema>['server'];
