import { hostname } from 'node:os';
import type { Config } from '../config/schema.js';
import { AlwaysLeader, LeaderElection, type DescribedGate } from '../controller/leader.js';
import type { CycleReport } from '../controller/ports.js';
import type { Controller } from '../controller/controller.js';
import { wire } from './wire.js';
import { EventTriggers, type EventTriggersOptions } from '../controller/triggers.js';
import { formatMachine } from '../model/machine.js';
import type { CloudDeadlines } from '../providers/deadline.js';
import type { NodeGroupProvider } from '../providers/provider.js';
import { sourcesView } from './status-sources.js';
import { createHandle, HttpServer, logLeadership, Metrics, serverOptionsFromConfig, StatusStore, type InFlightOperation } from '../server/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import { scrub } from '../util/secret.js';
import { processSecrets } from './secrets.js';

export interface ServiceOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Provider for `simulated` groups (tests, demo, benchmarks); real clouds need nothing. */
  readonly simulated?: NodeGroupProvider;
  /** Shown in ZooKeeper and /status; defaults to Marathon's task id or host:pid. */
  readonly replicaId?: string;
  readonly zkSessionTimeoutMs?: number;
  /** Subscribe to Mesos and Marathon events to cycle at once (default true); false leaves only the timer. */
  readonly events?: boolean;
  /** Quiet period between an event and the cycle it triggers (default 200 ms). */
  readonly debounceMs?: number;
  readonly triggers?: Partial<Pick<EventTriggersOptions, 'initialDelayMs' | 'maxDelayMs' | 'minIntervalMs' | 'mesosIdleTimeoutMs' | 'marathonIdleTimeoutMs'>>;
  /** Export process metrics too (default true; tests with many services turn it off). */
  readonly processMetrics?: boolean;
  readonly clock?: Clock;
  /** Overall deadline of each cloud call (tests shorten it; default 60 s reads, 120 s writes). */
  readonly cloudDeadlines?: CloudDeadlines;
}

/** A running autoscaler: loop, leadership, status, metrics, HTTP server and event triggers. */
export interface Service {
  readonly controller: Controller;
  readonly store: StatusStore;
  readonly metrics: Metrics;
  readonly gate: DescribedGate;
  readonly triggers?: EventTriggers;
  /** Base URL of the HTTP server when `config.server` is set. */
  readonly url?: string;
  /** Settles once the loop has stopped: with the error when it failed (the process must then exit non-zero). */
  readonly done: Promise<LoopEnd>;
  /** Graceful: leave the election first (a follower takes over at once), then stop the loop, streams and server. */
  stop(): Promise<void>;
}

/** How the control loop ended: stopped on request, or failed with this message. */
export interface LoopEnd {
  readonly error?: string;
}

/** Builds every adapter from config and starts the service. */
export async function startService(o: ServiceOptions): Promise<Service> {
  const { config, logger } = o;
  const clock = o.clock ?? systemClock;
  // One list for /status, HTTP answers and the loop's failure (cli/secrets.ts).
  const secrets = processSecrets(config);

  const election = config.zk
    ? new LeaderElection({ url: config.zk, replicaId: o.replicaId ?? defaultReplicaId(), logger, ...(o.zkSessionTimeoutMs !== undefined ? { sessionTimeoutMs: o.zkSessionTimeoutMs } : {}) })
    : undefined;
  const gate: DescribedGate = election ?? new AlwaysLeader();
  const groupBounds = config.groups.map((g) => ({ name: g.name, min: g.min, max: g.max, provider: g.provider.kind }));
  // Leadership and pauses are read at each scrape; the store is created below, before any scrape.
  let pausedIn: ((group: string) => boolean) | undefined;
  const metrics = new Metrics({ processMetrics: o.processMetrics ?? true, groups: groupBounds, leader: () => gate.describe(), paused: (g) => pausedIn?.(g) ?? false });
  const { controller, mesos, marathon, mesosState, marathonQueue, session } = wire(config, logger, {
    clock,
    leadership: gate,
    timer: metrics,
    debounceMs: o.debounceMs ?? 200,
    onDeadline: () => metrics.error('cloud-deadline'),
    onQueueResync: (reason) => metrics.marathonQueueResync(reason),
    ...(o.cloudDeadlines ? { cloudDeadlines: o.cloudDeadlines } : {}),
    ...(o.simulated ? { simulated: o.simulated } : {}),
    // Mesos failures end the cycle and are counted from its report; these do not.
    onError: (kind) => {
      if (kind === 'provider' || kind === 'marathon' || kind === 'prometheus') metrics.error(kind);
    },
  });

  const store = new StatusStore({
    groups: groupBounds,
    gate,
    secrets,
    dryRun: config.dryRun,
    now: () => clock.now(),
    sources: () => sourcesView(mesosState, marathonQueue, marathon !== undefined),
  });
  pausedIn = (g) => store.isPaused(g);
  const drainSeen = new Map<string, number>();
  controller.onCycle((report) => {
    store.record(report);
    metrics.recordCycle(report, report.plan ? controller.snapshot()?.pending : undefined);
    store.setInFlight(inFlight(report, drainSeen));
  });

  const stops: (() => Promise<void> | void)[] = [];
  let server: HttpServer | undefined;
  let url: string | undefined;
  if (config.server) {
    const handle = createHandle({
      store,
      // From the last cycle's snapshot: /api/plan reads nothing from Mesos or the cloud.
      dryRun: () => {
        const plan = controller.planFromLastSnapshot();
        return plan ? Promise.resolve(plan) : Promise.reject(new Error('no cycle has observed the cluster yet; try again after the first cycle'));
      },
      setPaused: (group, paused) => controller.setPaused(group, paused),
    });
    server = new HttpServer({ handle, metrics, ...serverOptionsFromConfig(config.server), secrets, logger });
    url = (await server.listen()).url;
    logger.info({ url }, 'HTTP server listening');
  }

  if (election) {
    stops.push(logLeadership(store, election));
    // A new leader looks at the cluster at once instead of waiting for its timer.
    stops.push(election.onElected(() => controller.trigger()));
    await election.start();
  } else {
    store.event('info', 'single replica: always leader');
  }

  const triggers =
    o.events === false
      ? undefined
      : new EventTriggers({
          trigger: () => controller.trigger(),
          logger,
          // One SUBSCRIBE feeds both the state model and the triggers.
          mesos: mesosState?.events ?? mesos,
          // One /v2/events connection feeds both the queue model and the triggers.
          ...(marathon ? { marathon: marathonQueue?.events ?? marathon } : {}),
          ...(o.triggers ?? {}),
          onDisconnect: (stream) => metrics.error(`${stream}-stream`),
        });
  mesosState?.start();
  marathonQueue?.start({ initialDelayMs: o.triggers?.initialDelayMs, maxDelayMs: o.triggers?.maxDelayMs, idleTimeoutMs: o.triggers?.marathonIdleTimeoutMs });
  triggers?.start();

  const ac = new AbortController();
  const done: Promise<LoopEnd> = controller.run(ac.signal).then(
    () => ({}),
    (e: unknown) => {
      const error = scrub(errorMessage(e), secrets);
      logger.error({ err: error }, 'controller loop failed');
      return { error };
    },
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Step down first: from here on no action is taken, and a follower may lead at once.
      await election?.stop().catch((e: unknown) => logger.warn({ err: errorMessage(e) }, 'leaving the election failed'));
      ac.abort();
      await triggers?.stop();
      await mesosState?.stop();
      await marathonQueue?.stop();
      await done;
      for (const s of stops) await s();
      await server?.close();
      await Promise.allSettled([mesos.close(), marathon?.close(), session?.close()]);
    })();
    return stopping;
  };

  return { controller, store, metrics, gate, ...(triggers ? { triggers } : {}), ...(url ? { url } : {}), done, stop };
}

function defaultReplicaId(): string {
  return process.env['MESOS_TASK_ID'] ?? `${hostname()}:${process.pid}`;
}

/** Operations not finished yet: instances on their way in, drains of ours with their next move. */
function inFlight(report: CycleReport, drainSeen: Map<string, number>): InFlightOperation[] {
  const ops: InFlightOperation[] = [];
  const plan = report.plan;
  for (const g of plan?.groups ?? []) {
    const booting = g.figures['nodes.provisioning'] ?? 0;
    if (booting > 0) ops.push({ group: g.group, kind: 'scale-up', detail: `${booting} instance(s) booting, ${g.figures['nodes.registered'] ?? 0} registered`, since: report.at });
  }
  const live = new Set<string>();
  for (const d of plan?.drains ?? []) {
    const key = `${d.group}|${formatMachine(d.machine)}`;
    live.add(key);
    const since = drainSeen.get(key) ?? report.at - d.watchedMs;
    drainSeen.set(key, since);
    ops.push({ group: d.group, kind: 'drain', detail: `${formatMachine(d.machine)}${d.instanceId ? ` (instance ${d.instanceId})` : ''}: ${d.phase}, next ${d.next}`, since });
  }
  for (const g of plan?.ghosts ?? []) ops.push({ group: g.group, kind: 'scale-down', detail: `instance ${g.instanceId} never registered: removing it`, since: report.at - g.watchedMs });
  // A failed cycle saw nothing: keep the start times of what was in flight.
  if (plan) for (const k of [...drainSeen.keys()]) if (!live.has(k)) drainSeen.delete(k);
  return ops;
}
