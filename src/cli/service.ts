import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.js';
import type { Bindings, GroupBinding } from '../controller/bindings.js';
import { Controller } from '../controller/controller.js';
import { AlwaysLeader, LeaderElection, type DescribedGate } from '../controller/leader.js';
import { LiveObserver } from '../controller/live-observer.js';
import type { AgentSource, CycleReport, PendingSource } from '../controller/ports.js';
import { EventTriggers, type EventTriggersOptions } from '../controller/triggers.js';
import { MarathonClient } from '../marathon/client.js';
import { mesosAgentSource } from '../mesos/agent-source.js';
import { MesosClient } from '../mesos/client.js';
import { MesosDrainer } from '../mesos/drainer.js';
import { viewGroup } from '../planner/group-view.js';
import { createBindings } from '../providers/factory.js';
import { withPrometheusSignals } from '../signals/prometheus.js';
import type { NodeGroupProvider } from '../providers/provider.js';
import { collectSecrets, createHandle, HttpServer, logLeadership, Metrics, serverOptionsFromConfig, StatusStore, type InFlightOperation } from '../server/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { errorMessage, ok } from '../util/result.js';

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
  /** Settles once the loop has stopped. */
  readonly done: Promise<void>;
  /** Graceful: leave the election first (a follower takes over at once), then stop the loop, streams and server. */
  stop(): Promise<void>;
}

/** Builds every adapter from config and starts the service. */
export async function startService(o: ServiceOptions): Promise<Service> {
  const { config, logger } = o;
  const clock = o.clock ?? systemClock;
  const metrics = new Metrics({ processMetrics: o.processMetrics ?? true });
  const secrets = collectSecrets(config);

  const mesos = new MesosClient(config.mesos, logger);
  const marathon = config.marathon ? new MarathonClient(config.marathon, logger) : undefined;
  const bindings = timedBindings(createBindings(config, logger, o.simulated ? { simulated: o.simulated } : {}), metrics);
  const drainer = config.drain ? new MesosDrainer(mesos) : undefined;
  const pending: PendingSource | undefined = marathon ? timedPending(marathon, config.marathon?.url ?? '', clock, metrics) : undefined;
  const live = new LiveObserver({
    agents: timedAgents(mesosAgentSource(mesos), metrics),
    bindings,
    logger,
    ...(pending ? { pending } : {}),
    ...(drainer ? { drainer } : {}),
    // Mesos failures end the cycle and are counted from its report; these do not.
    onError: (kind) => {
      if (kind === 'provider' || kind === 'marathon') metrics.error(kind);
    },
  });
  const observer = withPrometheusSignals(live, config, logger, () => metrics.error('prometheus'));

  const election = config.zk
    ? new LeaderElection({ url: config.zk, replicaId: o.replicaId ?? defaultReplicaId(), logger, ...(o.zkSessionTimeoutMs !== undefined ? { sessionTimeoutMs: o.zkSessionTimeoutMs } : {}) })
    : undefined;
  const gate: DescribedGate = election ?? new AlwaysLeader();
  const controller = new Controller({ config, observer, bindings, clock, logger, leadership: gate, debounceMs: o.debounceMs ?? 200, ...(drainer ? { drainer } : {}) });

  const store = new StatusStore({ groups: config.groups.map((g) => ({ name: g.name, min: g.min, max: g.max })), gate, secrets, dryRun: config.dryRun, now: () => clock.now() });
  const drainSeen = new Map<string, number>();
  controller.onCycle((report) => {
    store.record(report);
    metrics.recordCycle(report);
    store.setInFlight(inFlight(controller, config, report, drainSeen));
  });

  const stops: (() => Promise<void> | void)[] = [];
  let server: HttpServer | undefined;
  let url: string | undefined;
  if (config.server) {
    const handle = createHandle({
      store,
      dryRun: async () => {
        const plan = await controller.dryRun();
        if ('error' in plan) throw new Error(plan.error);
        return plan;
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
          mesos,
          ...(marathon ? { marathon } : {}),
          ...(o.triggers ?? {}),
          onDisconnect: (stream) => metrics.error(`${stream}-stream`),
        });
  triggers?.start();

  const ac = new AbortController();
  const done = controller.run(ac.signal).catch((e: unknown) => {
    logger.error({ err: errorMessage(e) }, 'controller loop failed');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Step down first: from here on no action is taken, and a follower may lead at once.
      await election?.stop().catch((e: unknown) => logger.warn({ err: errorMessage(e) }, 'leaving the election failed'));
      ac.abort();
      await triggers?.stop();
      await done;
      for (const s of stops) await s();
      await server?.close();
      await Promise.allSettled([mesos.close(), marathon?.close()]);
    })();
    return stopping;
  };

  return { controller, store, metrics, gate, ...(triggers ? { triggers } : {}), ...(url ? { url } : {}), done, stop };
}

function defaultReplicaId(): string {
  return process.env['MESOS_TASK_ID'] ?? `${hostname()}:${process.pid}`;
}

/** Operations not finished yet: size changes Mesos does not reflect, agents being drained. */
function inFlight(controller: Controller, config: Config, report: CycleReport, drainSeen: Map<string, number>): InFlightOperation[] {
  const ops: InFlightOperation[] = [];
  const snapshot = controller.snapshot();
  const draining = new Set<string>();
  for (const g of config.groups) {
    const m = controller.memory(g.name).inFlight;
    if (m) ops.push({ group: g.name, kind: m.direction === 'up' ? 'scale-up' : 'scale-down', detail: `size ${m.target}, waiting for ${m.expectAgents} active agents`, since: m.since });
    if (!snapshot) continue;
    for (const a of viewGroup(snapshot, g).draining) {
      draining.add(a.hostname);
      const since = drainSeen.get(a.hostname) ?? report.at;
      drainSeen.set(a.hostname, since);
      ops.push({ group: g.name, kind: 'drain', detail: a.hostname, since });
    }
  }
  for (const h of [...drainSeen.keys()]) if (!draining.has(h)) drainSeen.delete(h);
  return ops;
}

async function timed<T>(fn: () => Promise<T>, observe: (seconds: number) => void): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    observe((performance.now() - started) / 1000);
  }
}

/** Each provider call timed into `cloud_request_duration_seconds`; one decorator per provider instance. */
function timedBindings(bindings: Bindings, metrics: Metrics): Bindings {
  const wrapped = new Map<NodeGroupProvider, NodeGroupProvider>();
  const out = new Map<string, GroupBinding>();
  for (const [name, b] of bindings) {
    let p = wrapped.get(b.provider);
    if (!p) {
      const inner = b.provider;
      const obs = (op: string) => (s: number) => metrics.observeCloud(inner.kind, op, s);
      p = {
        kind: inner.kind,
        describe: (g) => timed(() => inner.describe(g), obs('describe')),
        setDesiredSize: (g, size) => timed(() => inner.setDesiredSize(g, size), obs('setDesiredSize')),
        deleteInstances: (g, ids) => timed(() => inner.deleteInstances(g, ids), obs('deleteInstances')),
      };
      wrapped.set(inner, p);
    }
    out.set(name, { provider: p, ref: b.ref });
  }
  return out;
}

function timedAgents(source: AgentSource, metrics: Metrics): AgentSource {
  return { getAgents: () => timed(() => source.getAgents(), (s) => metrics.observeMesos('agents', s)) };
}

function timedPending(marathon: MarathonClient, from: string, clock: Clock, metrics: Metrics): PendingSource {
  return {
    getQueue: () =>
      timed(async () => {
        const r = await marathon.getQueue();
        return r.ok ? ok({ pending: r.value, from, readAt: clock.now() }) : { ok: false as const, error: { kind: r.error.kind, message: r.error.message } };
      }, (s) => metrics.observeMesos('marathon_queue', s)),
  };
}
