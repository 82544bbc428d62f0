import type { NodeGroupProvider, NodeGroupRef } from '../providers/provider.js';

/** The provider and cloud target behind one configured node group. */
export interface GroupBinding {
  readonly provider: NodeGroupProvider;
  readonly ref: NodeGroupRef;
}

export type Bindings = ReadonlyMap<string, GroupBinding>;

/** Only the leader acts; single replicas are always leader. */
export interface Leadership {
  isLeader(): boolean;
  /** Increases every time this replica becomes leader; tags actions. */
  term(): number;
}

export const alwaysLeader: Leadership = { isLeader: () => true, term: () => 1 };
