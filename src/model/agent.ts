import type { Constraint } from './pending.js';
import type { Resources } from './resources.js';

export type AgentId = string & { readonly __brand: 'AgentId' };
export const agentId = (id: string): AgentId => id as AgentId;

/** Mesos task states that still hold resources on an agent. */
export const ACTIVE_TASK_STATES: ReadonlySet<string> = new Set([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_UNREACHABLE',
]);

export interface Task {
  readonly id: string;
  readonly name: string;
  readonly frameworkId: string;
  readonly state: string;
  readonly resources: Resources;
  readonly labels: Readonly<Record<string, string>>;
  /** Role the task's resources are allocated to ("*" when unreserved). */
  readonly role?: string;
  /** Marathon app id, when the task is a Marathon instance (from the task id or labels). */
  readonly appId?: string;
  /** Placement constraints of the task's app, when known (Marathon apps, the simulator). */
  readonly constraints?: readonly Constraint[];
}

export interface PersistentVolume {
  readonly id: string;
  readonly role: string;
  readonly diskMb: number;
}

export interface FaultDomain {
  readonly region?: string;
  readonly zone?: string;
}

export interface Agent {
  readonly id: AgentId;
  readonly hostname: string;
  /** IP address of the agent, taken from its pid (`slave(1)@10.0.0.5:5051`) when Mesos reports it. */
  readonly ip?: string;
  readonly port?: number;
  /** Attributes as text: scalar, range and set values are rendered the way Mesos prints them. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly total: Resources;
  /** Allocated to tasks and executors (Mesos `used_resources` / `allocated_resources`). */
  readonly used: Resources;
  /** Resources reserved to a role other than "*", statically or dynamically. */
  readonly reserved: Resources;
  readonly reservedRoles: readonly string[];
  /**
   * Roles with dynamic reservations (frameworks' state). Undefined when the master did not say
   * which reservations are dynamic (classic /master/state): then every reserved role counts as one.
   */
  readonly dynamicRoles?: readonly string[];
  readonly persistentVolumes: readonly PersistentVolume[];
  readonly tasks: readonly Task[];
  /** Mesos `active`: false when the agent is disconnected or deactivated. */
  readonly active: boolean;
  /** Being drained (maintenance window DRAINING/DOWN or DRAIN_AGENT): not counted as capacity. */
  readonly draining: boolean;
  /** Mesos 1.9+ `drain_info` of DRAIN_AGENT: its state and the grace period's nanoseconds (our mark lives there). */
  readonly drainInfo?: { readonly state: string; readonly maxGracePeriodNs?: string };
  readonly registeredAt?: number;
  readonly version?: string;
  readonly domain?: FaultDomain;
}

/** Agents counted as capacity: registered, active and not being drained. */
export function isCapacity(agent: Agent): boolean {
  return agent.active && !agent.draining;
}
