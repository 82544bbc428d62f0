import { z } from 'zod';

/** zod shapes of Marathon's REST API v2 (apps, pods, launch queue); only the fields we read. */

const num = z.number().optional();

const portMappingSchema = z.object({
  containerPort: num,
  hostPort: num,
  name: z.string().optional(),
  protocol: z.string().optional(),
});

export const appSchema = z.object({
  id: z.string(),
  /** The definition's version (a timestamp); a deployment plan carries the version it deploys. */
  version: z.string().optional(),
  instances: num,
  cpus: num,
  mem: num,
  disk: num,
  gpus: num,
  /** Marathon < 1.5 style port list; `portDefinitions` replaced it. */
  ports: z.array(z.number()).optional(),
  portDefinitions: z.array(z.object({ port: num, name: z.string().optional() })).optional(),
  requirePorts: z.boolean().optional(),
  constraints: z.array(z.array(z.string())).optional().default([]),
  acceptedResourceRoles: z.array(z.string()).nullable().optional(),
  role: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional().default({}),
  container: z
    .object({
      type: z.string().optional(),
      portMappings: z.array(portMappingSchema).nullable().optional(),
      docker: z.object({ network: z.string().optional(), portMappings: z.array(portMappingSchema).nullable().optional() }).optional(),
    })
    .nullable()
    .optional(),
  networks: z.array(z.object({ mode: z.string().optional(), name: z.string().optional() })).optional(),
  tasks: z
    .array(
      z.object({
        id: z.string(),
        appId: z.string().optional(),
        host: z.string().optional(),
        slaveId: z.string().optional(),
        state: z.string().optional(),
        ports: z.array(z.number()).optional(),
        startedAt: z.string().nullable().optional(),
      }),
    )
    .optional()
    .default([]),
  tasksRunning: num,
  tasksStaged: num,
});
export type MarathonAppJson = z.infer<typeof appSchema>;

const podResources = z.object({ cpus: num, mem: num, disk: num, gpus: num });

export const podSchema = z.object({
  id: z.string(),
  role: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  containers: z
    .array(
      z.object({
        name: z.string().optional(),
        resources: podResources.optional(),
        endpoints: z.array(z.object({ name: z.string().optional(), hostPort: num, containerPort: num })).optional().default([]),
      }),
    )
    .optional()
    .default([]),
  executorResources: podResources.optional(),
  scheduling: z
    .object({
      placement: z
        .object({
          constraints: z.array(z.object({ fieldName: z.string(), operator: z.string(), value: z.string().optional() })).optional().default([]),
          acceptedResourceRoles: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type MarathonPodJson = z.infer<typeof podSchema>;

const rejectSummary = z.array(z.object({ reason: z.string(), declined: z.number(), processed: z.number().optional() }));

export const queueItemSchema = z
  .object({
    app: appSchema.optional(),
    pod: podSchema.optional(),
    count: z.number().int().min(0),
    role: z.string().optional(),
    delay: z.object({ timeLeftSeconds: z.number(), overdue: z.boolean() }).optional(),
    since: z.string().optional(),
    processedOffersSummary: z
      .object({
        processedOffersCount: num,
        unusedOffersCount: num,
        rejectSummaryLastOffers: rejectSummary.optional().default([]),
      })
      .optional(),
  })
  .refine((q) => q.app !== undefined || q.pod !== undefined, { message: 'queue entry has neither app nor pod' });
export type QueueItemJson = z.infer<typeof queueItemSchema>;

export const queueSchema = z.object({ queue: z.array(queueItemSchema) });
export const appsSchema = z.object({ apps: z.array(appSchema) });
