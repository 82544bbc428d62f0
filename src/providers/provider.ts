import type { NodeGroupState } from '../model/node-group.js';

/** Which cloud resource backs a node group, as the group's config names it. */
export interface NodeGroupRef {
  /** Node group name from config. */
  readonly name: string;
  /** Provider-specific target, e.g. `{ resourceGroup, vmssName }` for Azure. */
  readonly target: Readonly<Record<string, string>>;
}

/**
 * The small contract every cloud implements. A provider knows nothing of Mesos:
 * matching instances to agents is the controller's job.
 */
export interface NodeGroupProvider {
  readonly kind: string;
  describe(group: NodeGroupRef, options?: CallOptions): Promise<NodeGroupState>;
  /** Ask the cloud to hold `size` instances. Idempotent. */
  setDesiredSize(group: NodeGroupRef, size: number, options?: CallOptions): Promise<void>;
  /** Remove exactly these instances, lowering the desired size by their number. */
  deleteInstances(group: NodeGroupRef, ids: readonly string[], options?: CallOptions): Promise<void>;
}

/**
 * Per-call options. `signal` aborts when the call's overall deadline passes (providers/deadline.ts);
 * a provider hands it to its SDK where the SDK takes one, so retries and polls stop too.
 */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/**
 * Why a cloud call failed, the same words for every cloud, so backoff and "try another group"
 * work alike: `quota` (quota or capacity exhausted: try another group), `busy` (the group is
 * being changed by someone else, e.g. an OpenStack stack update or an Azure 409: retry later).
 */
export type ProviderErrorKind = 'throttled' | 'auth' | 'not-found' | 'invalid' | 'unavailable' | 'quota' | 'busy' | 'unknown';

/** A failed cloud call, with a message that never carries credentials. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly retryable: boolean,
    /** How long the cloud asked us to wait (a 429's Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
