import type { Config } from '../config/schema.js';
import { Controller } from '../controller/controller.js';
import { LiveObserver } from '../controller/live-observer.js';
import type { Leadership } from '../controller/bindings.js';
import type { ObserveError, PendingSource } from '../controller/ports.js';
import { MarathonClient } from '../marathon/client.js';
import { MesosClient } from '../mesos/client.js';
import { MesosDrainer } from '../mesos/drainer.js';
import { mesosAgentSource } from '../mesos/agent-source.js';
import { createBindings } from '../providers/factory.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { ok } from '../util/result.js';

export interface Wiring {
  readonly controller: Controller;
  readonly mesos: MesosClient;
  readonly marathon?: MarathonClient;
}

/** Builds the real adapters from config and joins them in one controller. */
export function wire(config: Config, logger: Logger, opts: { clock?: Clock; leadership?: Leadership; onError?: (kind: ObserveError['kind']) => void } = {}): Wiring {
  const mesos = new MesosClient(config.mesos, logger);
  const marathon = config.marathon ? new MarathonClient(config.marathon, logger) : undefined;
  const bindings = createBindings(config, logger);
  const drainer = config.drain ? new MesosDrainer(mesos) : undefined;
  const clock = opts.clock ?? systemClock;
  const pending: PendingSource | undefined = marathon
    ? {
        getQueue: async () => {
          const [r, apps] = await Promise.all([marathon.getQueue(), marathon.getApps(false)]);
          if (!r.ok) return { ok: false, error: { kind: r.error.kind, message: r.error.message } };
          // Without the apps, scale-down re-places tasks on resources alone.
          const appConstraints = apps.ok ? new Map(apps.value.map((a) => [a.id, a.constraints])) : undefined;
          return ok({ pending: r.value, from: config.marathon?.url ?? '', readAt: clock.now(), ...(appConstraints ? { appConstraints } : {}) });
        },
      }
    : undefined;
  const observer = new LiveObserver({ agents: mesosAgentSource(mesos), bindings, logger, ...(pending ? { pending } : {}), ...(drainer ? { drainer } : {}), ...(opts.onError ? { onError: opts.onError } : {}) });
  const controller = new Controller({ config, observer, bindings, clock, logger, ...(drainer ? { drainer } : {}), ...(opts.leadership ? { leadership: opts.leadership } : {}) });
  return { controller, mesos, marathon };
}
