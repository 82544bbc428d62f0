import type { ClusterSnapshot } from './snapshot.js';
import type { Plan } from './plan.js';
import type { Result } from '../util/result.js';
import type { Agent } from './agent.js';
import type { Constraint, PendingLaunch } from './pending.js';
import type { MaintenanceView } from './drain.js';
import type { MachineId } from './machine.js';

/** Ports: what the adapters (Mesos, Marathon, the simulator) implement for the controller. */

/** Why an observation could not be used; the cycle then takes no action. */
export interface ObserveError {
  readonly kind: 'mesos-unreachable' | 'mesos-malformed' | 'mesos-stale' | 'marathon' | 'provider';
  readonly message: string;
}

/** Builds one snapshot: from real masters and clouds, or from the simulator in process. */
export interface Observer {
  observe(now: number): Promise<Result<ClusterSnapshot, ObserveError>>;
}

/**
 * Mesos maintenance as the act path uses it. State is read once per cycle (`read`, into the
 * snapshot); the writes are idempotent and each names the exact machine (hostname and IP).
 */
export interface Drainer {
  read(): Promise<MaintenanceView>;
  /** Puts the machine into a window of ours starting now (DRAINING). */
  start(machine: MachineId, now: number): Promise<void>;
  /** machine/down: the master shuts the machine's agent down. */
  down(machine: MachineId): Promise<void>;
  /** machine/up when down, and out of our windows; an operator's window is never touched. */
  finish(machine: MachineId): Promise<void>;
  /** v1 DRAIN_AGENT (Mesos 1.9+) with our mark in `max_grace_period`, `mark_gone` false. */
  drainAgent(agentId: string, graceMs: number): Promise<void>;
}

/** What the controller reports after each cycle, for logs, /status and metrics. */
export interface CycleReport {
  readonly at: number;
  readonly durationMs: number;
  readonly plan?: Plan;
  readonly error?: ObserveError;
  readonly actions: readonly ActionRecord[];
}

export interface ActionRecord {
  readonly at: number;
  readonly group: string;
  readonly kind: 'set-size' | 'drain' | 'down' | 'delete' | 'finish';
  readonly detail: string;
  readonly ok: boolean;
  readonly dryRun: boolean;
}

/** Where agents come from (the Mesos client, or the simulator in process). */
export interface AgentSource {
  getAgents(): Promise<Result<{ agents: readonly Agent[]; from: string; readAt: number; api?: 'v1' | 'v0'; unknownAgentTasks?: number; tasksUnlisted?: boolean }, { kind: string; message: string }>>;
}

/** Where waiting work comes from (Marathon's launch queue, Metronome, the simulator). */
export interface PendingSource {
  getQueue(): Promise<Result<PendingRead, { kind: string; message: string }>>;
}

export interface PendingRead {
  readonly pending: readonly PendingLaunch[];
  readonly from: string;
  readonly readAt: number;
  /** Placement constraints per app id, so scale-down can re-place running tasks faithfully. */
  readonly appConstraints?: ReadonlyMap<string, readonly Constraint[]>;
}
