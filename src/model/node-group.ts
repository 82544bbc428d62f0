export type InstanceState = 'creating' | 'running' | 'deleting' | 'failed' | 'unknown';

/** One cloud instance (VM) of a node group, as the provider sees it. */
export interface Instance {
  readonly id: string;
  readonly hostname?: string;
  readonly privateIp?: string;
  readonly state: InstanceState;
  /** Provider's own creation time, epoch ms, when known. */
  readonly createdAt?: number;
}

/** A node group as its cloud reports it. */
export interface NodeGroupState {
  /** Limits the cloud itself enforces (an ASG's min/max); config limits apply on top. */
  readonly min?: number;
  readonly max?: number;
  /** The size the cloud is asked to hold (VMSS sku.capacity, ASG desired capacity). */
  readonly desired: number;
  readonly instances: readonly Instance[];
}
