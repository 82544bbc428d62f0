import type { Resources } from './resources.js';

/** Marathon placement constraint operators (https://mesosphere.github.io/marathon/docs/constraints.html). */
export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

export interface Constraint {
  /** Attribute name, or `hostname`. */
  readonly field: string;
  readonly operator: ConstraintOperator;
  readonly value?: string;
}

/** Instances of one Marathon app (or Metronome job run) waiting to be placed. */
export interface PendingLaunch {
  readonly id: string;
  readonly source: 'marathon' | 'metronome' | 'trace';
  /** Instances still waiting. */
  readonly count: number;
  /** Resources one instance needs. */
  readonly resources: Resources;
  readonly constraints: readonly Constraint[];
  /** Mesos role the app launches under ("*" by default). */
  readonly role: string;
  /**
   * Roles whose resources the app may take (Marathon `acceptedResourceRoles`, e.g.
   * ["slave_public"] on DC/OS public agents); absent: "*" and `role`.
   */
  readonly acceptedRoles?: readonly string[];
  /** Host ports bound by number (`requirePorts`, container `hostPort`s): one instance per agent per port. */
  readonly fixedPorts?: readonly number[];
  /** The app's `GPU_SCHEDULING_BEHAVIOR` label, else Marathon's default `restricted`: no GPU agents for apps without GPUs. */
  readonly gpuScheduling?: 'restricted' | 'unrestricted';
  /** Marathon has delayed launches after failures: not waiting for capacity. */
  readonly delayed: boolean;
  /** Epoch ms since when the instances have been waiting, when known. */
  readonly since?: number;
  /** Offer rejection reasons Marathon reported for its last offers, with counts. */
  readonly rejections: Readonly<Record<string, number>>;
}
