import type { Config } from '../config/schema.js';
import type { Bindings, Leadership } from '../controller/bindings.js';
import { Controller } from '../controller/controller.js';
import { LiveObserver } from '../controller/live-observer.js';
import type { ObserveError } from '../controller/ports.js';
import { timedAgents, timedBindings, timedPending, type CallTimer } from '../controller/timing.js';
import { ServiceAccountSession } from '../dcos/session.js';
import { MarathonClient } from '../marathon/client.js';
import { marathonPendingSource } from '../marathon/pending-source.js';
import { QueueFromEvents } from '../marathon/queue-from-events.js';
import type { QueueResyncReason } from '../marathon/queue-model.js';
import { MARATHON_EVENT_TYPES } from '../controller/triggers.js';
import { mesosAgentSource } from '../mesos/agent-source.js';
import { MesosClient } from '../mesos/client.js';
import { MesosDrainer } from '../mesos/drainer.js';
import { StreamedState } from '../mesos/state/streamed-source.js';
import type { Drainer } from '../model/ports.js';
import { bindingsWithDeadlines, DEFAULT_DEADLINES, type CloudDeadlines } from '../providers/deadline.js';
import { createBindings } from '../providers/factory.js';
import type { NodeGroupProvider } from '../providers/provider.js';
import { withPrometheusSignals } from '../signals/prometheus.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

export interface WireOptions {
  readonly clock?: Clock;
  readonly leadership?: Leadership;
  /** Provider for `simulated` groups (demo, tests); real clouds need nothing. */
  readonly simulated?: NodeGroupProvider;
  /** Times every Mesos, Marathon and cloud call (the service's metrics). */
  readonly timer?: CallTimer;
  /** Counts reads that failed without ending the cycle (cloud, Marathon, Prometheus). */
  readonly onError?: (kind: ObserveError['kind'] | 'prometheus') => void;
  readonly debounceMs?: number;
  /** Counts cloud calls given up at their deadline (providers/deadline.ts). */
  readonly onDeadline?: (provider: string, operation: string) => void;
  /** Overall deadline of each cloud call (default DEFAULT_DEADLINES: 60 s reads, 120 s writes). */
  readonly cloudDeadlines?: CloudDeadlines;
  /** Counts the reads the event-fed Marathon queue could not spare (the metric). */
  readonly onQueueResync?: (reason: QueueResyncReason) => void;
}

export interface Wiring {
  readonly controller: Controller;
  readonly mesos: MesosClient;
  readonly marathon?: MarathonClient;
  readonly bindings: Bindings;
  /**
   * Agents and tasks kept from the SUBSCRIBE stream (`mesos.stateFrom` auto or stream), not started:
   * a long-running service starts it and gives `mesosState.events` to its triggers; one-shot
   * commands leave it unstarted and poll.
   */
  readonly mesosState?: StreamedState;
  /**
   * Marathon's launch queue kept from `/v2/events` (`marathon.queueFrom` auto or events), not
   * started: the service starts it and gives `marathonQueue.events` to its triggers.
   */
  readonly marathonQueue?: QueueFromEvents;
  /** The DC/OS service-account session (strict mode), when configured: its renewal timer does not hold the process. */
  readonly session?: ServiceAccountSession;
}

/** The one place where config becomes adapters joined in a controller: run, plan and demo all use it. */
export function wire(config: Config, logger: Logger, opts: WireOptions = {}): Wiring {
  const clock = opts.clock ?? systemClock;
  // DC/OS strict mode: one service-account session, renewed, for Mesos and Marathon alike.
  const account = config.mesos.serviceAccount;
  const session = account ? new ServiceAccountSession({ account, logger, ...(config.mesos.caFile ? { caFile: config.mesos.caFile } : {}) }) : undefined;
  const tokenSource = session ? { tokenSource: session } : {};
  const mesos = new MesosClient(config.mesos, logger, { now: () => clock.now(), ...tokenSource });
  const marathon = config.marathon ? new MarathonClient(config.marathon, logger, tokenSource) : undefined;
  // Every cloud call has an overall deadline, SDK retries included: a silent cloud cannot hold the loop.
  const created = bindingsWithDeadlines(createBindings(config, logger, opts.simulated ? { simulated: opts.simulated } : {}), opts.cloudDeadlines ?? DEFAULT_DEADLINES, {
    logger,
    ...(opts.onDeadline ? { onDeadline: opts.onDeadline } : {}),
  });
  const bindings = opts.timer ? timedBindings(created, opts.timer) : created;
  const polled = mesosAgentSource(mesos);
  const mesosState =
    config.mesos.stateFrom !== 'poll' && config.mesos.api !== 'v0'
      ? new StreamedState({
          client: mesos,
          poll: polled,
          agentsOnly: { getAgents: () => mesos.getAgents() },
          mode: config.mesos.stateFrom === 'stream' ? 'stream' : 'auto',
          resyncEveryMs: config.mesos.stateResyncSeconds * 1000,
          logger,
          clock,
        })
      : undefined;
  const drainer = config.drain ? withDrainNotice(new MesosDrainer(mesos), mesosState) : undefined;
  const agentSource = mesosState ?? polled;
  const polledPending = marathon ? marathonPendingSource(marathon, config.marathon?.url ?? '', clock) : undefined;
  const marathonQueue =
    marathon && polledPending && config.marathon && config.marathon.queueFrom !== 'poll'
      ? new QueueFromEvents({
          client: marathon,
          poll: polledPending,
          mode: config.marathon.queueFrom === 'events' ? 'events' : 'auto',
          checkEveryMs: config.marathon.queueCheckSeconds * 1000,
          // One connection for the model and the triggers: ask for what both apply.
          eventTypes: MARATHON_EVENT_TYPES,
          from: config.marathon.url,
          logger,
          clock,
          ...(opts.onQueueResync ? { onResync: opts.onQueueResync } : {}),
        })
      : undefined;
  const pendingSource = marathonQueue ?? polledPending;
  const pending = pendingSource && opts.timer ? timedPending(pendingSource, opts.timer) : pendingSource;
  const live = new LiveObserver({
    agents: opts.timer ? timedAgents(agentSource, opts.timer) : agentSource,
    bindings,
    logger,
    ...(pending ? { pending } : {}),
    ...(drainer ? { drainer } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  const onError = opts.onError;
  const observer = withPrometheusSignals(live, config, logger, () => onError?.('prometheus'));
  const controller = new Controller({
    config,
    observer,
    bindings,
    clock,
    logger,
    ...(drainer ? { drainer } : {}),
    ...(opts.leadership ? { leadership: opts.leadership } : {}),
    ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
  });
  return {
    controller,
    mesos,
    ...(marathon ? { marathon } : {}),
    bindings,
    ...(mesosState ? { mesosState } : {}),
    ...(marathonQueue ? { marathonQueue } : {}),
    ...(session ? { session } : {}),
  };
}

/** DRAIN_AGENT changes an agent with no event: the streamed state reads agents again after it. */
function withDrainNotice(drainer: Drainer, state: StreamedState | undefined): Drainer {
  if (!state) return drainer;
  return {
    read: () => drainer.read(),
    start: (machine, now) => drainer.start(machine, now),
    down: (machine) => drainer.down(machine),
    finish: (machine) => drainer.finish(machine),
    drainAgent: async (agentId, graceMs) => {
      try {
        await drainer.drainAgent(agentId, graceMs);
      } finally {
        state.agentsChanged();
      }
    },
  };
}
