import { z } from 'zod';
import { Secret } from '../util/secret.js';
import { httpUrlWithoutCredentials, LIMITS } from '../config/limits.js';

/**
 * A node group's `prometheus` signal: one PromQL instant query per cycle, compared with
 * `up` and `down` (default: the group's scaleUpCap and scaleDownCap, so a query that
 * returns a percentage needs no thresholds of its own).
 */
export const prometheusSignalSchema = z
  .strictObject({
    /** Prometheus base URL, e.g. http://prometheus.marathon.l4lb.thisdcos.directory:9090. */
    url: httpUrlWithoutCredentials('http://prometheus.marathon.l4lb.thisdcos.directory:9090'),
    /** Must give a scalar or a vector; of several series the largest value counts. */
    query: z.string().min(1),
    /** Scale up by scaleUpStep when the value is at or above this. */
    up: z.number().optional(),
    /** Scale down by scaleDownStep when the value is at or below this. */
    down: z.number().optional(),
    /** Bearer token, if Prometheus sits behind an authenticating proxy. */
    token: z
      .union([z.string(), z.instanceof(Secret)])
      .transform((v) => (v instanceof Secret ? v : new Secret(v)))
      .optional(),
    timeoutMs: z.number().int().min(1).max(LIMITS.requestMs).default(5_000),
  })
  .refine((p) => p.up === undefined || p.down === undefined || p.down < p.up, { message: 'down must be below up', path: ['down'] });

export type PrometheusSignalConfig = z.infer<typeof prometheusSignalSchema>;
