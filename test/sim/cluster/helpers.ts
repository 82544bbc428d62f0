import { SimCluster, type ClusterOptions } from '../../../src/sim/cluster/cluster.js';
import type { AgentSpec } from '../../../src/sim/cluster/types.js';
import { VirtualClock } from '../../../src/sim/cluster/virtual-clock.js';

export function newCluster(options: Omit<ClusterOptions, 'clock'> = {}): SimCluster {
  return new SimCluster({ seed: 42, allocationIntervalMs: 1000, defaultStartupMs: 1000, ...options, clock: new VirtualClock(Date.UTC(2026, 0, 1)) });
}

export function agentSpec(n: number, extra: Partial<AgentSpec> = {}): AgentSpec {
  return {
    hostname: `node-${n}`,
    ip: `10.0.0.${n}`,
    resources: { cpus: 4, mem: 8192, disk: 10000 },
    ...extra,
  };
}

/** Host names of the agents running an app's tasks. */
export function hostsOf(cluster: SimCluster, appId: string): string[] {
  const app = cluster.getApp(appId);
  if (!app) return [];
  return [...app.tasks].map((id) => {
    const t = cluster.getTask(id);
    return t ? (cluster.getAgent(t.agentId)?.hostname ?? '?') : '?';
  });
}
