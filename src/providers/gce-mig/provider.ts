import { randomUUID } from 'node:crypto';
import type { Instance, NodeGroupState } from '../../model/node-group.js';
import type { Logger } from '../../util/logger.js';
import { pause, retryCloudCall, type CallRetry } from '../cloud-call.js';
import { ProviderError, type CallOptions as ProviderCallOptions, type NodeGroupProvider, type NodeGroupRef } from '../provider.js';
import { createComputeClients, type ComputeClients } from './clients.js';
import { operationError, toProviderError } from './errors.js';
import { parseInstanceUrl, toInstance } from './instances.js';
import { readVms, stillToDelete } from './members.js';
import { MigApi, type CallOptions, type ComputeOperation, type MigTarget } from './mig-api.js';

export interface GceMigProviderOptions {
  /** Compute API endpoint; defaults to `gce.apiEndpoint`, then GCE_API_ENDPOINT, then Google's. */
  readonly apiEndpoint?: string;
  /** Service-account key file; default is Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, the metadata server). */
  readonly keyFilename?: string;
  readonly retry?: CallRetry;
  /** Pause between operation polls when the wait call returns before the operation is done (default 2 s). */
  readonly pollIntervalMs?: number;
  /** Deadline of one call (default 60 s). */
  readonly readTimeoutMs?: number;
  /** Deadline of a resize or delete, operation included (default 10 min). */
  readonly operationTimeoutMs?: number;
  /** Reads of instances in flight at once (default 8). */
  readonly concurrency?: number;
}

/**
 * Node groups backed by GCE managed instance groups (zonal or regional), through
 * @google-cloud/compute on its REST transport, loaded on first use.
 *
 * describe reads the group's `targetSize`, its managed instances (URL, status, current action)
 * and each instance's name and first NIC's IP. setDesiredSize calls `resize`; deleteInstances
 * calls `deleteInstances` with exactly the given instance URLs, which lowers the target size by
 * their number (compute/v1 instanceGroupManagers.deleteInstances). Both wait for the zone or
 * region operation, bounded, and carry a `requestId` so that a retried call is not done twice.
 */
export class GceMigProvider implements NodeGroupProvider {
  readonly kind = 'gce-mig';
  private clients: Promise<ComputeClients> | undefined;
  private readonly log: Logger;
  private readonly apiEndpoint: string | undefined;

  constructor(
    settings: { readonly apiEndpoint?: string | undefined },
    logger: Logger,
    private readonly options: GceMigProviderOptions = {},
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.log = logger.child({ provider: 'gce-mig' });
    this.apiEndpoint = options.apiEndpoint ?? settings.apiEndpoint ?? (env['GCE_API_ENDPOINT'] || undefined);
  }

  async describe(group: NodeGroupRef, options: ProviderCallOptions = {}): Promise<NodeGroupState> {
    const { signal } = options;
    const t = this.target(group);
    return this.call('describe', group, t, async (api) => {
      const opts = this.callOptions();
      const targetSize = await this.retrying(() => api.targetSize(opts), signal);
      const managed = await this.retrying(() => api.managedInstances(opts), signal);
      const vms = await readVms(api, managed, opts, (fn) => this.retrying(fn, signal), this.options.concurrency ?? 8);
      const instances = managed.map((mi) => toInstance(mi, mi.instance ? vms.get(mi.instance) : undefined)).filter((i): i is Instance => i !== undefined);
      return { desired: targetSize ?? instances.length, instances };
    });
  }

  async setDesiredSize(group: NodeGroupRef, size: number, options: ProviderCallOptions = {}): Promise<void> {
    const { signal } = options;
    const t = this.target(group);
    if (!Number.isInteger(size) || size < 0)
      throw new ProviderError(`setDesiredSize ${group.name}: size ${size} is not a whole number >= 0`, 'invalid', false);
    await this.call('setDesiredSize', group, t, async (api) => {
      const requestId = randomUUID();
      const op = await this.retrying(() => api.resize(size, requestId, this.callOptions()), signal);
      await this.waitFor(api, op, `setDesiredSize ${this.label(t)}`, signal);
    });
    this.log.info({ group: group.name, ...t, size }, 'managed instance group resized');
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[], options: ProviderCallOptions = {}): Promise<void> {
    const { signal } = options;
    const t = this.target(group);
    if (ids.length === 0) return;
    const bad = ids.find((id) => parseInstanceUrl(id) === undefined);
    if (bad !== undefined)
      throw new ProviderError(`deleteInstances ${group.name}: "${bad}" is not an instance URL (.../zones/ZONE/instances/NAME)`, 'invalid', false);
    const deleted = await this.call('deleteInstances', group, t, async (api) => {
      const remaining = await stillToDelete(api, ids, this.callOptions(), (fn) => this.retrying(fn, signal));
      if (remaining.length === 0) return remaining;
      const requestId = randomUUID();
      const op = await this.retrying(() => api.deleteInstances(remaining, requestId, this.callOptions()), signal);
      await this.waitFor(api, op, `deleteInstances ${this.label(t)}`, signal);
      return remaining;
    });
    this.log.info({ group: group.name, ...t, instances: deleted, alreadyGone: ids.filter((id) => !deleted.includes(id)) }, 'managed instances deleted');
  }

  /** Closes the HTTP clients, if they were ever made. */
  async close(): Promise<void> {
    const c = this.clients;
    this.clients = undefined;
    if (c) await (await c).close();
  }

  private compute(): Promise<ComputeClients> {
    this.clients ??= createComputeClients({
      ...(this.apiEndpoint ? { apiEndpoint: this.apiEndpoint } : {}),
      ...(this.options.keyFilename ? { keyFilename: this.options.keyFilename } : {}),
    }).catch((e: unknown) => {
      this.clients = undefined;
      throw e;
    });
    return this.clients;
  }

  private callOptions(): CallOptions {
    return { timeout: this.options.readTimeoutMs ?? 60_000, retry: null };
  }

  /**
   * Waits for a zone or region operation with the `wait` method (compute/v1
   * zoneOperations.wait: returns when DONE or after about two minutes), bounded by the
   * operation deadline; a DONE operation with errors becomes a ProviderError.
   */
  private async waitFor(api: MigApi, first: ComputeOperation, what: string, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + (this.options.operationTimeoutMs ?? 10 * 60_000);
    let op = first;
    while (op.status !== 'DONE') {
      const name = op.name;
      if (!name) throw new ProviderError(`${what}: the API returned an operation without a name`, 'unknown', false);
      const left = deadline - Date.now();
      if (left <= 0) throw new ProviderError(`${what}: operation ${name} not done before the deadline`, 'unavailable', true);
      const before = Date.now();
      op = await this.retrying(() => api.wait(name, { timeout: Math.min(left, 150_000), retry: null }), signal);
      const rest = (this.options.pollIntervalMs ?? 2_000) - (Date.now() - before);
      if (op.status !== 'DONE' && rest > 0) await pause(Math.min(rest, Math.max(0, deadline - Date.now())), signal);
    }
    const errors = op.error?.errors ?? [];
    if (errors.length > 0) throw operationError(what, errors, op.httpErrorStatusCode);
  }

  /** One SDK call, its failure classified, retried while throttled or unavailable. */
  private retrying<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return retryCloudCall(
      async () => {
        try {
          return await fn();
        } catch (e) {
          throw toProviderError('compute call', e);
        }
      },
      this.options.retry,
      (e, attempt) => this.log.debug({ attempt, kind: e.kind, err: e.message }, 'compute call retried'),
      signal,
    );
  }

  private target(group: NodeGroupRef): MigTarget {
    const { project, name, zone, region } = group.target;
    if (!project || !name) throw new ProviderError(`node group ${group.name}: target needs project and name`, 'invalid', false);
    if (Boolean(zone) === Boolean(region))
      throw new ProviderError(`node group ${group.name}: target needs exactly one of zone and region`, 'invalid', false);
    return { project, name, ...(zone ? { zone } : {}), ...(region ? { region } : {}) };
  }

  private label(t: MigTarget): string {
    return `${t.project}/${t.zone ?? t.region ?? ''}/${t.name}`;
  }

  private async call<T>(op: string, group: NodeGroupRef, t: MigTarget, fn: (api: MigApi) => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn(new MigApi(await this.compute(), t));
      this.log.debug({ op, group: group.name, ...t, ms: Date.now() - started }, 'gce call done');
      return result;
    } catch (e) {
      const raw = toProviderError(`${op} ${this.label(t)}`, e);
      // Name the operation and group in front of the inner "compute call" text.
      const pe = raw.message.startsWith('compute call')
        ? new ProviderError(`${op} ${this.label(t)}: ${raw.message.slice('compute call: '.length)}`, raw.kind, raw.retryable)
        : raw;
      this.log.warn({ op, group: group.name, ...t, ms: Date.now() - started, kind: pe.kind, retryable: pe.retryable, err: pe.message }, 'gce call failed');
      throw pe;
    }
  }
}
