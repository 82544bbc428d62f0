import type { Config } from '../../config/schema.js';
import type { Bindings, Leadership } from '../../controller/bindings.js';
import { Controller } from '../../controller/controller.js';
import { LiveObserver } from '../../controller/live-observer.js';
import { MarathonClient } from '../../marathon/client.js';
import { marathonPendingSource } from '../../marathon/pending-source.js';
import { mesosAgentSource } from '../../mesos/agent-source.js';
import { MesosClient } from '../../mesos/client.js';
import { MesosDrainer } from '../../mesos/drainer.js';
import type { AgentSource, Drainer, PendingSource } from '../../model/ports.js';
import { withCloudDeadlines } from '../../providers/deadline.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { SimAgentSource, SimDrainer, simPendingSource } from '../replay/in-process.js';
import { ChaosDrainer } from './chaos-drainer.js';
import { ChaosProvider, type CloudFault } from './chaos-provider.js';
import { faultyAgents, faultyPending, MasterFaults } from './master-faults.js';
import { Life, type CallGate, type Referee } from './referee.js';
import type { ChaosWorld } from './world.js';

/** One autoscaler process (a replica): its controller, its life, and the clients to close when it ends. */
export interface AutoscalerProcess {
  readonly controller: Controller;
  readonly life: Life;
  close(): Promise<void>;
}

/** What every process of an episode shares: the world, the fault plans of the cycle, the referee. */
export interface ProcessContext {
  readonly world: ChaosWorld;
  readonly config: Config;
  readonly logger: Logger;
  readonly referee: Referee;
  readonly gate: CallGate;
  readonly cloudFaults: CloudFault[];
  /** In process: the master's faults; over HTTP the proxies inject them and this is undefined. */
  readonly masterFaults: MasterFaults | undefined;
  readonly takeMarathonFault: () => 'marathon-5xx' | 'marathon-malformed-json' | undefined;
  readonly rand: () => number;
  /** Over HTTP: the real clients talk to the proxies named in the config. */
  readonly http: boolean;
}

const RETRY = { retries: 1, minTimeoutMs: 1, maxTimeoutMs: 2 } as const;
const CLOUD_DEADLINES = { readMs: 40, writeMs: 40 } as const;

/**
 * Starts a fresh autoscaler process with empty memory over the same cluster (what a restart after
 * SIGKILL, or a replica taking over, is): the real Controller and LiveObserver, with either the
 * real Mesos and Marathon clients over HTTP or the simulator's in-process sources.
 */
export function startProcess(ctx: ProcessContext, clock: Clock, leadership: Leadership): AutoscalerProcess {
  const { world, config, logger, referee, gate } = ctx;
  const life = new Life();
  const closers: (() => Promise<void>)[] = [];
  let agents: AgentSource;
  let pending: PendingSource;
  let drainer: Drainer;
  if (ctx.http) {
    const mesos = new MesosClient(config.mesos, logger, { now: () => clock.now() });
    const marathonConfig = config.marathon;
    if (!marathonConfig) throw new Error('chaos config has no marathon section');
    const marathon = new MarathonClient(marathonConfig, logger);
    closers.push(() => mesos.close(), () => marathon.close());
    agents = mesosAgentSource(mesos);
    pending = marathonPendingSource(marathon, marathonConfig.url, clock);
    drainer = new MesosDrainer(mesos);
  } else {
    // The source follows the world's events (tasks, drains); maintenance, which has no event, is
    // re-read on every read. It once followed nothing and kept the task list of its first read of
    // each agent: a drained agent whose tasks had ended still listed them, and the drain never ended.
    const source = new SimAgentSource(world.cluster);
    const unfollow = source.follow();
    closers.push(async () => unfollow());
    // Reads are stamped with this process's clock, as the real clients stamp them (MesosClient's `now`).
    const fresh: AgentSource = {
      getAgents: async () => {
        source.markAllDirty();
        const r = await source.getAgents();
        return r.ok ? { ok: true, value: { ...r.value, readAt: clock.now() } } : r;
      },
    };
    const queue = simPendingSource(world.cluster);
    const stamped: PendingSource = {
      getQueue: async () => {
        const r = await queue.getQueue();
        return r.ok ? { ok: true, value: { ...r.value, readAt: clock.now() } } : r;
      },
    };
    agents = faultyAgents(fresh, ctx.masterFaults ?? new MasterFaults(referee), life, ctx.rand);
    pending = faultyPending(stamped, ctx.takeMarathonFault, life);
    drainer = new SimDrainer(world.cluster, () => source.markAllDirty());
  }
  const chaosDrainer = new ChaosDrainer(world, drainer, referee, gate, life, ctx.masterFaults);
  // Every cloud call under the service's own overall deadline (short here: the hangs are real).
  const provider = withCloudDeadlines(new ChaosProvider(world, ctx.cloudFaults, referee, gate, life), CLOUD_DEADLINES, { logger });
  const bindings: Bindings = new Map(world.groups.map((g) => [g.name, { provider, ref: { name: g.name, target: {} } }]));
  const observer = new LiveObserver({ agents, bindings, pending, drainer: chaosDrainer, logger });
  const controller = new Controller({ config, observer, bindings, clock, logger, drainer: chaosDrainer, leadership, retry: RETRY });
  return {
    controller,
    life,
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}
