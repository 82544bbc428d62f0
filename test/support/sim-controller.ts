import type { Config } from '../../src/config/schema.js';
import { Controller } from '../../src/controller/controller.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import type { SimulatedProvider } from '../../src/providers/simulated/simulated-provider.js';
import type { SimCluster } from '../../src/sim/cluster/cluster.js';
import type { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { SimAgentSource, SimDrainer, simPendingSource } from '../../src/sim/replay/in-process.js';
import { createLogger } from '../../src/util/logger.js';

/**
 * The real controller over an in-process emulated cluster and one simulated group: agents read
 * afresh every cycle, drains through the cluster's maintenance book, no retries (each cycle's
 * moves are what the test sees).
 */
export function simController(cluster: SimCluster, provider: SimulatedProvider, config: Config, clock: VirtualClock, group = 'pool'): Controller {
  const source = new SimAgentSource(cluster);
  const agents = { getAgents: () => (source.markAllDirty(), source.getAgents()) };
  const drainer = new SimDrainer(cluster, () => source.markAllDirty());
  const bindings = new Map([[group, { provider, ref: { name: group, target: {} } }]]);
  const logger = createLogger('silent');
  const observer = new LiveObserver({ agents, bindings, pending: simPendingSource(cluster), drainer, logger });
  return new Controller({ config, observer, bindings, clock, logger, drainer, retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } });
}
