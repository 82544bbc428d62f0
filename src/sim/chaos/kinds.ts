/**
 * The faults the chaos suite injects, by name, and the invariants it checks, by name: one list
 * each, so the report, the CLI and RELIABILITY.md count the same things.
 */

/** Every fault the harness can inject, grouped by where it happens. */
export const FAULT_KINDS = [
  // Mesos master (in process: at the agent source; over HTTP: by the chaos proxy in front of the emulated master)
  'master-5xx',
  'master-hang',
  'master-truncated-json',
  'master-malformed-json',
  'master-impossible-json',
  'master-failover',
  'master-bad-redirect',
  'master-echoes-credentials',
  // Marathon
  'marathon-5xx',
  'marathon-malformed-json',
  // the cloud
  'cloud-429',
  'cloud-500',
  'cloud-quota',
  'cloud-capacity',
  'cloud-hang',
  'cloud-describe-fails',
  'cloud-delete-fails',
  'instance-never-joins',
  // the autoscaler itself
  'sigkill-before-call',
  'sigkill-after-call',
  'sigkill-between-cycles',
  'leader-replaced-mid-action',
  'clock-skew',
  // the workload and operators (not faults of anything, but what makes the cluster move)
  'workload-change',
  'operator-maintenance',
  'operator-drain-agent',
  'operator-pause',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Every invariant checked every cycle (and, for drains, once faults stop). */
export const INVARIANTS = [
  'agents-within-min-max',
  'no-protected-foreign-or-operator-agent-drained',
  'no-vm-deleted-under-tasks',
  'no-drain-forgotten',
  'no-double-scale-up',
  'no-secret-in-output',
  'process-alive',
  'no-move-while-paused',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** One invariant break: which, in which run and cycle, and what was seen. */
export interface Break {
  readonly invariant: InvariantName;
  readonly seed: number;
  readonly episode: number;
  readonly cycle: number;
  readonly detail: string;
}

/** A fresh count per fault kind, all zero. */
export function zeroFaults(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
}
