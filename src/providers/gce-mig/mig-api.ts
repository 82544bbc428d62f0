import { z } from 'zod';
import { ProviderError } from '../provider.js';
import type { ComputeClients } from './clients.js';
import type { ComputeInstanceLike, ManagedInstanceLike } from './instances.js';

/** Where a group lives: a zonal or a regional managed instance group. */
export interface MigTarget {
  readonly project: string;
  readonly name: string;
  readonly zone?: string;
  readonly region?: string;
}

/** The call options we pass: a deadline, and none of google-gax's own retries (ours are bounded by the provider). */
export interface CallOptions {
  readonly timeout: number;
  readonly retry: null;
  /** Paged async iteration pages by itself; google-gax warns unless this is false. */
  readonly autoPaginate?: false;
}

/**
 * The compute/v1 Operation fields we read. `resize` and `deleteInstances` return it as the
 * `latestResponse` of an LRO wrapper that google-gax types as a google.longrunning.Operation,
 * so it is checked here rather than cast.
 */
const operationSchema = z.object({
  name: z.string().nullish(),
  status: z.union([z.string(), z.number()]).nullish(),
  error: z.object({ errors: z.array(z.object({ code: z.string().nullish(), message: z.string().nullish() })).nullish() }).nullish(),
  httpErrorStatusCode: z.number().nullish(),
});
export type ComputeOperation = z.infer<typeof operationSchema>;

function computeOperation(latest: unknown): ComputeOperation {
  const parsed = operationSchema.safeParse(latest);
  if (!parsed.success) throw new ProviderError(`the API answered with something that is not an Operation: ${parsed.error.message}`, 'unknown', false);
  return parsed.data;
}

/**
 * The Compute calls of one managed instance group, zonal or regional alike: the
 * instanceGroupManagers / regionInstanceGroupManagers and zoneOperations / regionOperations
 * pairs of compute/v1 take the same requests but for `zone` vs `region`. One home for that choice.
 */
export class MigApi {
  private readonly where: { zone: string } | { region: string };

  constructor(
    private readonly c: ComputeClients,
    readonly t: MigTarget,
  ) {
    this.where = t.zone ? { zone: t.zone } : { region: t.region ?? '' };
  }

  async targetSize(opts: CallOptions): Promise<number | undefined> {
    const req = { project: this.t.project, instanceGroupManager: this.t.name };
    const [igm] = 'zone' in this.where ? await this.c.zonal.get({ ...req, ...this.where }, opts) : await this.c.regional.get({ ...req, ...this.where }, opts);
    return igm.targetSize ?? undefined;
  }

  async managedInstances(opts: CallOptions): Promise<ManagedInstanceLike[]> {
    const req = { project: this.t.project, instanceGroupManager: this.t.name };
    const paged = { ...opts, autoPaginate: false as const };
    const pages = 'zone' in this.where ? this.c.zonal.listManagedInstancesAsync({ ...req, ...this.where }, paged) : this.c.regional.listManagedInstancesAsync({ ...req, ...this.where }, paged);
    const out: ManagedInstanceLike[] = [];
    for await (const mi of pages) out.push(mi);
    return out;
  }

  async instance(zone: string, name: string, opts: CallOptions): Promise<ComputeInstanceLike> {
    const [vm] = await this.c.instances.get({ project: this.t.project, zone, instance: name }, opts);
    return vm;
  }

  async resize(size: number, requestId: string, opts: CallOptions): Promise<ComputeOperation> {
    const req = { project: this.t.project, instanceGroupManager: this.t.name, size, requestId };
    const [lro] = 'zone' in this.where ? await this.c.zonal.resize({ ...req, ...this.where }, opts) : await this.c.regional.resize({ ...req, ...this.where }, opts);
    return computeOperation(lro.latestResponse);
  }

  /** skipInstancesOnValidationError false: an instance that is not in the group fails the call. */
  async deleteInstances(urls: readonly string[], requestId: string, opts: CallOptions): Promise<ComputeOperation> {
    const req = { project: this.t.project, instanceGroupManager: this.t.name, requestId };
    const body = { instances: [...urls], skipInstancesOnValidationError: false };
    const [lro] =
      'zone' in this.where
        ? await this.c.zonal.deleteInstances({ ...req, ...this.where, instanceGroupManagersDeleteInstancesRequestResource: body }, opts)
        : await this.c.regional.deleteInstances({ ...req, ...this.where, regionInstanceGroupManagersDeleteInstancesRequestResource: body }, opts);
    return computeOperation(lro.latestResponse);
  }

  /** compute/v1 zoneOperations.wait / regionOperations.wait: returns when DONE or after about two minutes. */
  async wait(operation: string, opts: CallOptions): Promise<ComputeOperation> {
    const req = { project: this.t.project, operation };
    const [op] = 'zone' in this.where ? await this.c.zoneOperations.wait({ ...req, ...this.where }, opts) : await this.c.regionOperations.wait({ ...req, ...this.where }, opts);
    return computeOperation(op);
  }
}
