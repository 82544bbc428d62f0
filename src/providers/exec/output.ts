import { z } from 'zod';
import type { NodeGroupState } from '../../model/node-group.js';
import { err, ok, type Result } from '../../util/result.js';
import type { ProviderErrorKind } from '../provider.js';

const count = z.number().int().min(0);

/** What `<command> describe` prints on stdout. Unknown keys are allowed and ignored. */
export const describeOutputSchema = z.object({
  desired: count,
  /** Limits the backend itself enforces; optional, the group's config limits apply anyway. */
  min: count.optional(),
  max: count.optional(),
  instances: z.array(
    z.object({
      id: z.string().min(1),
      hostname: z.string().min(1).optional(),
      privateIp: z.string().min(1).optional(),
      state: z.enum(['creating', 'running', 'deleting', 'failed', 'unknown']),
      /** Epoch milliseconds. */
      createdAt: z.number().optional(),
    }),
  ),
});

const KINDS = ['throttled', 'auth', 'not-found', 'invalid', 'unavailable', 'quota', 'busy', 'unknown'] as const satisfies readonly ProviderErrorKind[];

/**
 * What a failing command may print on stdout to say why, in the same words every cloud uses, so
 * backoff and "try another group" work for it too: `{"error":{"kind":"quota","message":"..."}}`.
 */
export const errorOutputSchema = z.object({
  error: z.object({ kind: z.enum(KINDS), message: z.string().optional() }),
});
export type ErrorOutput = z.infer<typeof errorOutputSchema>['error'];

/** Parses describe's stdout; the error names the first offending field by its path. */
export function parseDescribe(stdout: string): Result<NodeGroupState, string> {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (e) {
    return err(`stdout is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = describeOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return err(`stdout does not match { desired, min?, max?, instances: [{ id, hostname?, privateIp?, state }] }: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const d = parsed.data;
  return ok({
    desired: d.desired,
    ...(d.min !== undefined ? { min: d.min } : {}),
    ...(d.max !== undefined ? { max: d.max } : {}),
    instances: d.instances.map((i) => ({
      id: i.id,
      state: i.state,
      ...(i.hostname !== undefined ? { hostname: i.hostname } : {}),
      ...(i.privateIp !== undefined ? { privateIp: i.privateIp } : {}),
      ...(i.createdAt !== undefined ? { createdAt: i.createdAt } : {}),
    })),
  });
}

/** The classified error a failing command printed, if it printed one. */
export function parseError(stdout: string): ErrorOutput | undefined {
  try {
    const parsed = errorOutputSchema.safeParse(JSON.parse(stdout));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}
