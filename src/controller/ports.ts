import type { ClusterSnapshot } from '../model/snapshot.js';
import type { Plan } from '../model/plan.js';
import type { Result } from '../util/result.js';
import type { Agent, AgentId } from '../model/agent.js';
import type { Constraint, PendingLaunch } from '../model/pending.js';

/** Why an observation could not be used; the cycle then takes no action. */
export interface ObserveError {
  readonly kind: 'mesos-unreachable' | 'mesos-malformed' | 'mesos-stale' | 'marathon' | 'provider';
  readonly message: string;
}

/** Builds one snapshot: from real masters and clouds, or from the simulator in process. */
export interface Observer {
  observe(now: number): Promise<Result<ClusterSnapshot, ObserveError>>;
}

/** Mesos maintenance operations used to drain an agent before its instance is deleted. */
export interface Drainer {
  /** Start draining (maintenance window or DRAIN_AGENT). Idempotent. */
  startDrain(agent: { id: AgentId; hostname: string; ip?: string }, now: number): Promise<void>;
  /** Agents currently being drained according to Mesos itself, so a restart finds them again. */
  draining(): Promise<readonly DrainRecord[]>;
  /** Mark the machine down (after its tasks left or the drain timed out). */
  down(record: DrainRecord): Promise<void>;
  /** Clear the maintenance entry once the instance is gone. */
  finish(record: DrainRecord): Promise<void>;
}

export interface DrainRecord {
  readonly hostname: string;
  readonly ip?: string;
  readonly agentId?: AgentId;
  /** Epoch ms when the drain started, as recorded in Mesos (window start). */
  readonly since: number;
  readonly mode: 'DRAINING' | 'DOWN';
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
  readonly kind: 'set-size' | 'drain' | 'delete' | 'undrain';
  readonly detail: string;
  readonly ok: boolean;
  readonly dryRun: boolean;
}

/** Where agents come from (the Mesos client, or the simulator in process). */
export interface AgentSource {
  getAgents(): Promise<Result<{ agents: readonly Agent[]; from: string; readAt: number }, { kind: string; message: string }>>;
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
