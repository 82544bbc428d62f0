import type { CallOptions, NodeGroupProvider, NodeGroupRef } from './provider.js';

/**
 * A provider whose module, and the cloud SDK it imports, loads on its first call: a cloud that no
 * group uses never loads its SDK. A failed load is tried again on the next call.
 */
export function lazyProvider(kind: string, load: () => Promise<NodeGroupProvider>): NodeGroupProvider {
  let loading: Promise<NodeGroupProvider> | undefined;
  const get = (): Promise<NodeGroupProvider> => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
  return {
    kind,
    describe: async (group: NodeGroupRef, opts?: CallOptions) => (await get()).describe(group, opts),
    setDesiredSize: async (group: NodeGroupRef, size: number, opts?: CallOptions) => (await get()).setDesiredSize(group, size, opts),
    deleteInstances: async (group: NodeGroupRef, ids: readonly string[], opts?: CallOptions) => (await get()).deleteInstances(group, ids, opts),
  };
}
