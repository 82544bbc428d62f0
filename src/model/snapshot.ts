import type { Agent } from './agent.js';
import type { NodeGroupState } from './node-group.js';
import type { PendingLaunch } from './pending.js';
import type { MaintenanceView } from './drain.js';

/** One immutable observation of the cluster; the planner's only input besides config and state. */
export interface ClusterSnapshot {
  /** Epoch ms when observation finished. */
  readonly takenAt: number;
  readonly agents: readonly Agent[];
  readonly pending: readonly PendingLaunch[];
  /** Provider state per node group name; absent when the provider could not be read this cycle. */
  readonly groups: Readonly<Record<string, NodeGroupState>>;
  readonly sources: SnapshotSources;
  /** Mesos maintenance (schedule and down machines), when read this cycle; drains move only with it. */
  readonly maintenance?: MaintenanceView;
  /** External signals read this cycle, per node group (the `prometheus` policy's query). */
  readonly signals?: Readonly<Record<string, SignalReading>>;
}

/** One signal value, or why there is none this cycle. */
export interface SignalReading {
  readonly value?: number;
  readonly error?: string;
  /** What was read (the query). */
  readonly source: string;
  readonly readAt: number;
}

export interface SourceInfo {
  /** Epoch ms when this part was read. */
  readonly readAt: number;
  /** Where it was read from (URL of the leading master, ...). */
  readonly from: string;
  /** Mesos only: the API the agents came through; DRAIN_AGENT needs the v1 operator API. */
  readonly api?: 'v1' | 'v0';
  /** Mesos only: active tasks naming agents the master does not list (a partial state). */
  readonly unknownAgentTasks?: number;
  /**
   * Mesos only: the agents came without their tasks (GET_AGENTS or /master/slaves, read when the
   * state could not be): no agent's work, protected tasks or labels are known this cycle.
   */
  readonly tasksUnlisted?: boolean;
}

export interface SnapshotSources {
  readonly mesos: SourceInfo;
  readonly marathon?: SourceInfo;
  /** Why the waiting work is unknown this cycle (a configured queue could not be read). */
  readonly pendingUnknown?: string;
}
