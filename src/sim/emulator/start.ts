import { SimulatedProvider, type SimNodeGroupSpec } from '../../providers/simulated/simulated-provider.js';
import type { ProviderFaults } from '../../providers/simulated/faults.js';
import { SimCluster, type ClusterOptions } from '../cluster/cluster.js';
import type { AgentSpec, AppSpec } from '../cluster/types.js';
import { driveRealtime, VirtualClock } from '../cluster/virtual-clock.js';
import { startMarathonServer, type MarathonServer, type MarathonServerOptions } from './marathon-server.js';
import { startMasterServer, type MasterServer, type MasterServerOptions } from './master-server.js';

export interface EmulatedClusterOptions {
  readonly host?: string;
  /**
   * The simulated cluster; `mesosVersion` (default 1.9.0) is also the emulated master's version,
   * which decides what it serves (no /api/v1 before 1.0, no heartbeats before 1.5, no draining before 1.9).
   */
  readonly cluster?: Omit<ClusterOptions, 'clock'>;
  readonly clock?: VirtualClock;
  /** Node groups of the simulated cloud; their `initial` instances register at once. */
  readonly groups?: readonly SimNodeGroupSpec[];
  /** Agents outside any node group (masters' public agents, static machines). */
  readonly agents?: readonly AgentSpec[];
  readonly apps?: readonly AppSpec[];
  readonly providerFaults?: ProviderFaults;
  readonly master?: Omit<MasterServerOptions, 'cluster' | 'host'>;
  readonly marathon?: Omit<MarathonServerOptions, 'cluster' | 'host'>;
  /** Drive the virtual clock from wall time at this speed (1 = real time); manual when absent. */
  readonly realtimeSpeed?: number;
}

export interface EmulatedCluster {
  readonly masterUrl: string;
  readonly marathonUrl: string;
  readonly cluster: SimCluster;
  readonly provider: SimulatedProvider;
  readonly clock: VirtualClock;
  readonly master: MasterServer;
  readonly marathon: MarathonServer;
  close(): Promise<void>;
}

/** A whole emulated cluster on loopback: Mesos master, Marathon, simulated cloud, one clock. */
export async function startEmulatedCluster(options: EmulatedClusterOptions = {}): Promise<EmulatedCluster> {
  const clock = options.clock ?? new VirtualClock();
  const cluster = new SimCluster({ ...(options.cluster ?? {}), clock });
  for (const a of options.agents ?? []) cluster.addAgent(a);
  const provider = new SimulatedProvider({ cluster, groups: options.groups ?? [], ...(options.providerFaults ? { faults: options.providerFaults } : {}) });
  for (const app of options.apps ?? []) {
    const r = cluster.createApp(app);
    if (!r.ok) throw r.error;
  }
  const host = options.host ?? '127.0.0.1';
  const master = await startMasterServer({ ...(options.master ?? {}), cluster, host });
  let marathon: MarathonServer;
  try {
    marathon = await startMarathonServer({ ...(options.marathon ?? {}), cluster, host });
  } catch (e) {
    await master.close();
    throw e;
  }
  const stopClock = options.realtimeSpeed !== undefined ? driveRealtime(clock, { speed: options.realtimeSpeed }) : undefined;
  return {
    masterUrl: master.url,
    marathonUrl: marathon.url,
    cluster,
    provider,
    clock,
    master,
    marathon,
    close: async () => {
      stopClock?.();
      await Promise.all([master.close(), marathon.close()]);
    },
  };
}
