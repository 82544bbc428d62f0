import type { CloudFault } from './chaos-provider.js';
import type { CycleFaults } from './choose.js';
import type { MasterFaults } from './master-faults.js';
import type { Network } from './network.js';
import type { AutoscalerProcess } from './process.js';
import type { Referee } from './referee.js';
import { agentMachine } from '../cluster/cluster.js';
import { CACHE_APP, GROUP_ATTR, type ChaosWorld } from './world.js';
import type { SimAgent } from '../cluster/types.js';

/** One replica of the autoscaler: its clock offset, its leadership term, its current process. */
export interface Replica {
  readonly name: 'A' | 'B';
  skewMs: number;
  term: number;
  proc?: AutoscalerProcess;
}

/** Where a cycle's faults go. */
export interface FaultTargets {
  readonly world: ChaosWorld;
  readonly referee: Referee;
  readonly cloudFaults: CloudFault[];
  readonly masterFaults: MasterFaults | undefined;
  readonly net: Network | undefined;
  readonly replicas: readonly Replica[];
  readonly leader: Replica;
  readonly restart: (r: Replica) => Promise<void>;
}

/** Puts the cycle's chosen faults in place, where each one happens. */
export async function applyFaults(f: CycleFaults, t: FaultTargets): Promise<void> {
  const { world, referee } = t;
  if (t.net) {
    const [p1, p2] = t.net.masters;
    const lead = p1.leading ? p1 : p2;
    lead.arm(f.master);
    (lead === p1 ? p2 : p1).arm(undefined);
    if (f.master?.kind === 'master-failover') t.net.reregisteringCycles = 1 + (f.master.count % 3);
    t.net.marathonProxy.arm(f.marathon ? { kind: f.marathon, from: 0, count: 1, variant: f.master?.variant ?? 0 } : undefined);
  } else if (t.masterFaults) {
    const m = f.master;
    t.masterFaults.arm(m && m.kind !== 'master-bad-redirect' && m.kind !== 'master-echoes-credentials' && m.kind !== 'marathon-5xx' && m.kind !== 'marathon-malformed-json' ? { kind: m.kind, from: m.from, count: m.count } : undefined);
  }
  t.cloudFaults.push(...f.cloud);
  if (f.neverJoin > 0) {
    world.provider.faults.set({ neverJoin: f.neverJoin });
    referee.count('instance-never-joins', f.neverJoin);
  }
  if (f.workload !== undefined) {
    const r = world.cluster.scaleApp('/web', f.workload);
    if (r.ok) referee.count('workload-change');
  }
  if (f.cacheWorkload !== undefined) {
    const r = world.cluster.scaleApp(CACHE_APP.id, f.cacheWorkload);
    if (r.ok) referee.count('workload-change');
  }
  if (f.skew) {
    const standby = t.replicas.find((r) => r !== t.leader);
    if (standby) {
      standby.skewMs = f.skew;
      referee.count('clock-skew');
    }
  }
  if (f.operatorDrain !== undefined) {
    const candidates = [...world.cluster.agents()].filter((a) => ours(world, a) && !a.drain && world.cluster.machineMode(a) === undefined);
    const a = candidates[f.operatorDrain % Math.max(1, candidates.length)];
    if (a && world.cluster.drainAgent(a.id, { markGone: false }).ok) referee.count('operator-drain-agent');
  }
  if (f.operatorWindow !== undefined) {
    const candidates = [...world.cluster.agents()].filter((a) => ours(world, a) && !a.drain && world.cluster.machineMode(a) === undefined);
    const a = candidates[f.operatorWindow.pick % Math.max(1, candidates.length)];
    if (a) {
      const windows = world.cluster.maintenance.windows.map((w) => ({ machines: w.machines, startNs: w.startNs, ...(w.durationNs !== undefined ? { durationNs: w.durationNs } : {}) }));
      const startNs = BigInt(world.clock.now() + f.operatorWindow.startInMs) * 1_000_000n;
      // Operators write whole seconds (docs/maintenance.md examples): no mark of ours.
      const r = world.cluster.updateMaintenanceSchedule([...windows, { machines: [agentMachine(a)], startNs, durationNs: 3_600n * 1_000_000_000n }]);
      if (r.ok) referee.count('operator-maintenance');
    }
  }
  if (f.restart) {
    referee.count('sigkill-between-cycles');
    await t.restart(t.leader);
  }
}

/** An agent of one of the world's groups (by its attribute). */
function ours(w: ChaosWorld, a: SimAgent): boolean {
  return w.groups.some((g) => a.attributes[GROUP_ATTR] === g.name);
}
