import type { PendingSource } from '../controller/ports.js';
import type { Clock } from '../util/clock.js';
import { ok } from '../util/result.js';
import type { MarathonClient } from './client.js';

/**
 * The launch queue as waiting work, with every app's constraints so scale-down
 * can re-place running tasks faithfully (without the apps, on resources alone).
 */
export function marathonPendingSource(marathon: MarathonClient, from: string, clock: Clock): PendingSource {
  return {
    getQueue: async () => {
      const [queue, apps] = await Promise.all([marathon.getQueue(), marathon.getApps(false)]);
      if (!queue.ok) return { ok: false, error: { kind: queue.error.kind, message: queue.error.message } };
      const appConstraints = apps.ok ? new Map(apps.value.map((a) => [a.id, a.constraints])) : undefined;
      return ok({ pending: queue.value, from, readAt: clock.now(), ...(appConstraints ? { appConstraints } : {}) });
    },
  };
}
