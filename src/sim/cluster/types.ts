import type { Constraint } from '../../model/pending.js';
import type { Task } from '../../model/agent.js';
import type { Resources } from '../../model/resources.js';
import type { Range } from './ranges.js';
import type { TimerHandle } from './virtual-clock.js';

export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_LOST'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNREACHABLE';

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** Resources of one role on an agent: "*" is the unreserved pool. */
export interface Pool {
  total: Resources;
  used: Resources;
  /** Disk held by persistent volumes of this role: not free for tasks. */
  volumeDisk: number;
  readonly totalPorts: readonly Range[];
  freePorts: Range[];
}

export interface PersistentVolumeSpec {
  readonly id: string;
  readonly role: string;
  readonly diskMb: number;
  readonly containerPath?: string;
  readonly principal?: string;
}

export interface FaultDomainSpec {
  readonly region: string;
  readonly zone: string;
}

/** What a new agent brings: its machine and the resources it offers. */
export interface AgentSpec {
  readonly hostname: string;
  readonly ip?: string;
  /** Text attributes are strings, scalar attributes numbers (Mesos prints them so in v0). */
  readonly attributes?: Readonly<Record<string, string | number>>;
  /** Total resources of the agent, reserved ones included. `ports` here is ignored: use `ports`. */
  readonly resources: Partial<Resources>;
  readonly ports?: readonly Range[];
  /** Static reservations, carved out of the total, per role. */
  readonly reservations?: Readonly<Record<string, Partial<Resources> & { readonly portRanges?: readonly Range[] }>>;
  readonly volumes?: readonly PersistentVolumeSpec[];
  readonly domain?: FaultDomainSpec;
  readonly version?: string;
  /** Provider bookkeeping: which node group / instance this agent runs on. */
  readonly group?: string;
  readonly instanceId?: string;
}

/** An agent's drain as the master keeps it (mesos.proto `DrainInfo`, `DrainConfig`). */
export interface DrainInfo {
  state: 'DRAINING' | 'DRAINED';
  /** `DrainConfig.max_grace_period` in nanoseconds, exactly as posted; absent when not posted. */
  readonly maxGracePeriodNs?: bigint;
  readonly markGone: boolean;
  /** Virtual time the drain started (`estimated_drain_start_time`). */
  readonly startedAt: number;
}

export interface SimAgent {
  readonly id: string;
  readonly seq: number;
  readonly spec: AgentSpec;
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  readonly attributes: Readonly<Record<string, string | number>>;
  /** Pools by role; "*" always exists. */
  readonly pools: Map<string, Pool>;
  readonly volumes: readonly PersistentVolumeSpec[];
  readonly tasks: Map<string, SimTask>;
  active: boolean;
  /** Operator deactivated it (DRAIN_AGENT): it gets no offers. */
  deactivated: boolean;
  drain?: DrainInfo;
  readonly registeredAt: number;
  readonly version: string;
  readonly domain?: FaultDomainSpec;
}

/** Part of a task's resources taken from one role's pool. */
export interface Allocation {
  readonly role: string;
  readonly resources: Resources;
  readonly ports: readonly Range[];
}

export interface TaskStatusRecord {
  readonly state: TaskState;
  readonly timestamp: number;
}

export interface SimTask {
  readonly id: string;
  readonly name: string;
  readonly appId: string;
  readonly frameworkId: string;
  readonly agentId: string;
  state: TaskState;
  readonly resources: Resources;
  /** Role the resources are allocated to (the app's role). */
  readonly role: string;
  readonly allocations: readonly Allocation[];
  readonly ports: readonly number[];
  readonly stagedAt: number;
  startedAt?: number;
  endedAt?: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly statuses: TaskStatusRecord[];
  readonly version: string;
  timer?: TimerHandle;
  /** The task as the in-process observer last modelled it: kept on the task, reused while its state holds. */
  model?: Task;
}


/** Marathon placement constraints: the model's type, shared with the planner and the Marathon client. */
export type AppConstraint = Constraint;

/** A Marathon app (kind "service") or a run-to-completion job (kind "batch"). */
export interface AppSpec {
  readonly id: string;
  readonly instances: number;
  readonly cpus: number;
  readonly mem: number;
  readonly disk?: number;
  readonly gpus?: number;
  /** Number of host ports each instance needs. */
  readonly ports?: number;
  /** Host ports bound by number (requirePorts, container hostPorts), part of `ports`: one instance per agent per port. */
  readonly fixedPorts?: readonly number[];
  readonly constraints?: readonly AppConstraint[];
  readonly role?: string;
  /** Marathon `acceptedResourceRoles`; absent: "*" and `role`. */
  readonly acceptedRoles?: readonly string[];
  /** The `GPU_SCHEDULING_BEHAVIOR` label; absent: Marathon's default `restricted`. */
  readonly gpuScheduling?: 'restricted' | 'unrestricted';
  readonly labels?: Readonly<Record<string, string>>;
  readonly kind?: 'service' | 'batch';
  /** Batch only: how long each instance runs once started. */
  readonly durationMs?: number;
  /** Time from TASK_STAGING to TASK_RUNNING. */
  readonly startupMs?: number;
  /** Framework name that launches it: "marathon" unless told. */
  readonly framework?: string;
}

// Marathon's decline reasons: the placement module's, so the emulator and the planner speak alike.
import { REJECT_REASONS, type RejectReason } from '../../planner/placement.js';
export { REJECT_REASONS, type RejectReason };

/** Offers seen for one app, counted the way Marathon's processedOffersSummary reports them. */
export interface OfferFunnel {
  /** Offers processed. */
  processed: number;
  /** Offers used for a launch. */
  used: number;
  /** Offers declined, by the first check that declined them. */
  readonly declined: Record<RejectReason, number>;
}

export interface UnusedOffer {
  readonly agentId: string;
  readonly hostname: string;
  readonly reason: RejectReason;
  readonly at: number;
}

export interface LaunchQueueState {
  /** When the app started waiting (epoch ms of the virtual clock). */
  since: number;
  /** Funnel of the last scheduling pass. */
  lastPass: OfferFunnel;
  /** Funnel since the app started waiting; read it through `attemptFunnel`. */
  attempt: OfferFunnel;
  /** Last scheduling pass folded into `attempt`; later skipped passes declined like `lastPass`. */
  settledAt: number;
  lastUnusedOfferAt?: number;
  lastUsedOfferAt?: number;
  readonly lastUnused: UnusedOffer[];
  /** The app failed to place at its last evaluation: only agents whose capacity grew since can take it. */
  failed: boolean;
}

export interface SimApp {
  spec: AppSpec;
  /** Resources one instance needs (from the spec, kept to spare allocations in hot loops). */
  readonly need: Resources;
  readonly role: string;
  readonly frameworkId: string;
  version: string;
  readonly createdAt: number;
  /** Ids of tasks that hold resources now. */
  readonly tasks: Set<string>;
  /** Batch: instances that finished. */
  completed: number;
  queue?: LaunchQueueState;
  /** Its tasks' name and the start of their ids, made once (the id never changes). */
  readonly taskName: string;
  readonly taskIdPrefix: string;
}

export interface SimFramework {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly principal?: string;
  readonly hostname: string;
  readonly webuiUrl?: string;
  readonly registeredAt: number;
}

// Machine identity is the model's (Mesos MachineID equality lives in src/model/machine.ts).
import type { MachineId } from '../../model/machine.js';
export type { MachineId };

export type MachineMode = 'DRAINING' | 'DOWN';

/**
 * A maintenance window as the master keeps it: int64 nanoseconds exactly as posted (a real
 * master echoes them digit for digit), with a millisecond view for the simulator's clock.
 */
export interface SimWindow {
  readonly machines: readonly MachineId[];
  readonly startNs: bigint;
  readonly durationNs?: bigint;
  /** Epoch ms of `startNs`, for the virtual clock. */
  readonly start: number;
  readonly durationMs?: number;
}

/**
 * What a schedule update takes: exact nanoseconds (bigint, or decimal digits as the Mesos client
 * keeps them) or milliseconds; nanoseconds win when both are given.
 */
export interface WindowInput {
  readonly machines: readonly MachineId[];
  readonly startNs?: bigint | string;
  readonly durationNs?: bigint | string;
  readonly start?: number;
  readonly durationMs?: number;
}

/** Kept for callers of the simulator that speak milliseconds. */
export type MaintenanceWindow = WindowInput;
