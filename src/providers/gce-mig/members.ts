import { mapLimit } from '../cloud-call.js';
import { ProviderError } from '../provider.js';
import { parseInstanceUrl, type ComputeInstanceLike, type ManagedInstanceLike } from './instances.js';
import type { CallOptions, MigApi } from './mig-api.js';

/** Runs one Compute call with the provider's classification and retries. */
export type Retrying = <T>(fn: () => Promise<T>) => Promise<T>;

/** The VM of an instance URL; undefined when it is gone or not made yet. */
async function vmOf(api: MigApi, url: string, opts: CallOptions, retrying: Retrying): Promise<ComputeInstanceLike | undefined> {
  const where = parseInstanceUrl(url);
  if (!where) return undefined;
  try {
    return await retrying(() => api.instance(where.zone, where.name, opts));
  } catch (e) {
    if (e instanceof ProviderError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

/** Instance URL -> the VM, read with bounded concurrency; a VM that is gone or not yet made is left out. */
export async function readVms(api: MigApi, managed: readonly ManagedInstanceLike[], opts: CallOptions, retrying: Retrying, concurrency: number): Promise<Map<string, ComputeInstanceLike>> {
  const urls = managed.map((m) => m.instance).filter((u): u is string => Boolean(u));
  const vms = await mapLimit(urls, concurrency, async (url) => {
    const vm = await vmOf(api, url, opts, retrying);
    return vm ? ([url, vm] as const) : undefined;
  });
  return new Map(vms.filter((x) => x !== undefined));
}

/**
 * The ids still to delete: members not already being deleted. An id that is no member and whose
 * VM no longer exists was deleted before (a repeated call after a lost answer): done. One whose
 * VM exists outside this group is refused: it is not ours to delete.
 */
export async function stillToDelete(api: MigApi, ids: readonly string[], opts: CallOptions, retrying: Retrying): Promise<string[]> {
  const managed = await retrying(() => api.managedInstances(opts));
  const byUrl = new Map(managed.map((m) => [m.instance ?? '', m]));
  const out: string[] = [];
  for (const id of ids) {
    const member = byUrl.get(id);
    if (member) {
      if (member.currentAction !== 'DELETING' && member.currentAction !== 'ABANDONING') out.push(id);
      continue;
    }
    if (await vmOf(api, id, opts, retrying)) {
      const t = api.t;
      throw new ProviderError(`instance ${id} is not a member of ${t.project}/${t.zone ?? t.region ?? ''}/${t.name}`, 'invalid', false);
    }
  }
  return out;
}
