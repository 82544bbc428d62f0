import type { SimulatedProvider } from '../../providers/simulated/simulated-provider.js';
import type { SimCluster } from '../cluster/cluster.js';
import type { MetricSample, NodeStates } from '../metrics/series.js';
import { agentState, AgentState, CpuLedger, type AgentCounts } from './cpu-ledger.js';

/**
 * The paid nodes by state: the cloud's count of nodes without an agent (booting), the agents'
 * states, and instances still paid whose agent has gone (machine down) counted as draining. Every
 * registered agent is taken to be a paid node: in the replay all of them are the provider's.
 */
function nodeStates(paid: number, booting: number, agents: AgentCounts): NodeStates {
  const gone = Math.max(0, paid - booting - agents.registered);
  const draining = agents.draining + gone;
  return { booting, idle: agents.idle, draining, busy: Math.max(0, paid - booting - draining - agents.idle) };
}

/**
 * One sample of the cluster, in cpus: supply is the cpus of agents that count as
 * capacity (registered, active, not draining); demand the cpus of running tasks plus
 * those of waiting instances. Nodes per group are the cloud instances being paid for
 * (booting, running or draining), so provisioning time costs money as it does in a cloud.
 */
export function sampleCluster(cluster: SimCluster, provider: SimulatedProvider, groups: readonly string[], t: number): MetricSample {
  let supply = 0;
  let used = 0;
  const agents = { registered: 0, draining: 0, idle: 0 };
  for (const a of cluster.agents()) {
    const inMaintenance = cluster.isDraining(a);
    const state = agentState(a, inMaintenance);
    agents.registered++;
    if (state === AgentState.DRAINING) agents.draining++;
    else if (state === AgentState.IDLE) agents.idle++;
    const star = a.pools.get('*');
    let total = 0;
    if (star !== undefined && a.pools.size === 1) {
      // The common agent, all unreserved: no iterator per agent per cycle.
      total += star.total.cpus;
      used += star.used.cpus;
    } else {
      for (const p of a.pools.values()) {
        total += p.total.cpus;
        used += p.used.cpus;
      }
    }
    if (star !== undefined && a.active && !a.deactivated && !inMaintenance) supply += total;
  }
  let waiting = 0;
  let pendingInstances = 0;
  for (const app of cluster.queue()) {
    const n = cluster.waitingCount(app);
    pendingInstances += n;
    waiting += n * app.spec.cpus;
  }
  const nodesByGroup: Record<string, number> = {};
  let paid = 0;
  let booting = 0;
  for (const g of groups) {
    let n = 0;
    for (const i of provider.instances(g)) {
      if (i.state === 'deleting') continue;
      n++;
      if (i.agentId === undefined) booting++;
    }
    nodesByGroup[g] = n;
    paid += n;
  }
  return { t, supply, demand: used + waiting, nodesByGroup, pendingInstances, nodesByState: nodeStates(paid, booting, agents) };
}

/**
 * `sampleCluster` for a replay that samples every cycle: the cpus and agent states come from a
 * ledger kept as agents change, the nodes from the provider's counts, the queue without a copy. Gives the
 * same samples (equality tested against `sampleCluster`).
 */
export class ClusterSampler {
  readonly #ledger: CpuLedger;

  constructor(
    private readonly cluster: SimCluster,
    private readonly provider: SimulatedProvider,
    private readonly groups: readonly string[],
  ) {
    this.#ledger = new CpuLedger(cluster);
  }

  sample(t: number): MetricSample {
    const { used, supply, agents } = this.#ledger.sums();
    let waiting = 0;
    let pendingInstances = 0;
    for (const app of this.cluster.waitingApps()) {
      const n = this.cluster.waitingCount(app);
      pendingInstances += n;
      waiting += n * app.spec.cpus;
    }
    const nodesByGroup: Record<string, number> = {};
    let paid = 0;
    let booting = 0;
    for (const g of this.groups) {
      const n = this.provider.liveCount(g);
      nodesByGroup[g] = n;
      paid += n;
      booting += this.provider.bootingCount(g);
    }
    return { t, supply, demand: used + waiting, nodesByGroup, pendingInstances, nodesByState: nodeStates(paid, booting, agents) };
  }
}
