import {
  ComputeManagementClient,
  type ComputeManagementClientOptionalParams,
  type VirtualMachineScaleSetVM,
} from '@azure/arm-compute';
import { createComputeManagement, type ComputeManagementContext } from '@azure/arm-compute/api';
import type { TokenCredential } from '@azure/identity';
import type { Instance, NodeGroupState } from '../../model/node-group.js';
import { withDeadline } from '../../util/deadline.js';
import type { Logger } from '../../util/logger.js';
import type { Secret } from '../../util/secret.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef } from '../provider.js';
import { createCredential, singleFlight, type AzureSettings, type CredentialKind } from './credential.js';
import { sanitize, toProviderError } from './errors.js';
import { nicPageSchema, privateIpsFromNics, toInstance, type NicPage } from './instances.js';
import { failFastOnLongRetryAfter } from './throttle.js';

/** Microsoft.Network API version for the scale set's NIC list (no @azure/arm-network here). */
const NETWORK_API_VERSION = '2024-05-01';

export interface AzureVmssProviderOptions {
  /** Entra ID authority host; defaults to AZURE_AUTHORITY_HOST, then the public cloud. */
  readonly authorityHost?: string;
  /**
   * CA certificate (PEM) to trust for ARM and token calls, in-process. Child processes can use
   * NODE_EXTRA_CA_CERTS instead. Note that it replaces the default roots for these clients.
   */
  readonly tlsCa?: string;
  /** Use this credential instead of choosing one from the settings. */
  readonly credential?: TokenCredential;
  /**
   * SDK pipeline retries for 429 (honouring Retry-After), 408, 5xx and transport errors: 2 retries
   * by default, so a persistent 500 costs 3 requests per call, not the SDK's 4 retries times ours.
   */
  readonly retry?: { readonly maxRetries?: number; readonly retryDelayMs?: number; readonly maxRetryDelayMs?: number };
  /**
   * Longest Retry-After (429 or 503) waited out inside a call (default 30 s); a longer one fails the
   * call at once as `throttled` with `retryAfterMs`, and the controller backs the group off.
   */
  readonly maxRetryAfterMs?: number;
  /** Every other configured secret (the process's one list: util/secret.ts `secretsIn`), scrubbed from errors too. */
  readonly secrets?: readonly Secret[];
  /** Long-running operation poll interval when the service sends no Retry-After (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Deadline of describe's reads (default 60 s). */
  readonly readTimeoutMs?: number;
  /** Deadline of a scale or delete operation, polling included (default 15 min; the service caps every cloud call lower: providers/deadline.ts). */
  readonly operationTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

interface ScaleSetTarget {
  readonly resourceGroup: string;
  readonly vmssName: string;
}

/**
 * Node groups backed by Azure VM Scale Sets (Uniform orchestration), through the ARM SDK.
 *
 * describe reads `sku.capacity` and the scale set's VMs. The compute API carries no IP addresses,
 * and @azure/arm-network is not a dependency, so private IPs come from the scale set's NIC list
 * (a plain ARM GET through an SDK context with the same credential, endpoint, TLS and retries);
 * when that list cannot be read, instances are reported without IPs and matched by hostname.
 * Flexible-orchestration scale sets list their VMs elsewhere and are not covered.
 *
 * setDesiredSize PATCHes only `sku.capacity`; deleteInstances deletes exactly the given instance
 * ids, which lowers the capacity by their number. Both wait for the long-running operation.
 */
export class AzureVmssProvider implements NodeGroupProvider {
  readonly kind = 'azure-vmss';
  readonly credentialKind: CredentialKind | 'override';
  private readonly client: ComputeManagementClient;
  private readonly context: ComputeManagementContext;
  private readonly log: Logger;
  private readonly pollIntervalMs: number;
  private readonly readTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly secrets: readonly (Secret | undefined)[];

  constructor(
    private readonly azure: AzureSettings,
    logger: Logger,
    options: AzureVmssProviderOptions = {},
  ) {
    this.log = logger.child({ provider: 'azure-vmss' });
    const retryOptions = {
      maxRetries: options.retry?.maxRetries ?? 2,
      retryDelayInMs: options.retry?.retryDelayMs ?? 1_000,
      maxRetryDelayInMs: options.retry?.maxRetryDelayMs ?? 30_000,
    };
    const chosen = options.credential
      ? { kind: 'override' as const, credential: options.credential }
      : createCredential(
          azure,
          {
            ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
            ...(options.tlsCa ? { tlsCa: options.tlsCa } : {}),
            retry: retryOptions,
          },
          options.env,
        );
    this.credentialKind = chosen.kind;
    const credential = singleFlight(chosen.credential);
    const endpoint = azure.armEndpoint.replace(/\/+$/, '');
    const clientOptions: ComputeManagementClientOptionalParams = {
      endpoint,
      // Azure Stack and sovereign clouds have their own ARM audience.
      credentials: { scopes: [`${endpoint}/.default`] },
      retryOptions,
      additionalPolicies: [{ policy: failFastOnLongRetryAfter(options.maxRetryAfterMs ?? 30_000), position: 'perRetry' }],
      ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
    };
    this.client = new ComputeManagementClient(credential, azure.subscriptionId, clientOptions);
    // A bare ARM context for the NIC list, which lives outside the compute operation groups.
    this.context = createComputeManagement(credential, azure.subscriptionId, clientOptions);
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 60_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 15 * 60_000;
    this.secrets = [azure.clientSecret, ...(options.secrets ?? [])];
    this.log.debug({ endpoint, credential: this.credentialKind }, 'azure-vmss provider ready');
  }

  async describe(group: NodeGroupRef, options?: CallOptions): Promise<NodeGroupState> {
    const t = this.target(group);
    return this.call('describe', group, t, this.readTimeoutMs, options, async (deadline) => {
      // The reads run in parallel; when one fails, the others are cancelled rather than left running.
      const failed = new AbortController();
      const abortSignal = signals(failed.signal, deadline);
      const [vmss, vms, ips] = await Promise.all([
        this.client.virtualMachineScaleSets.get(t.resourceGroup, t.vmssName, { abortSignal }),
        this.listVms(t, abortSignal),
        this.privateIps(group, t, abortSignal),
      ]).catch((e: unknown) => {
        failed.abort();
        throw e;
      });
      const instances = vms.map((vm) => toInstance(vm, ips)).filter((i): i is Instance => i !== undefined);
      return { desired: vmss.sku?.capacity ?? instances.length, instances };
    });
  }

  async setDesiredSize(group: NodeGroupRef, size: number, options?: CallOptions): Promise<void> {
    const t = this.target(group);
    if (!Number.isInteger(size) || size < 0)
      throw new ProviderError(`setDesiredSize ${group.name}: size ${size} is not a whole number >= 0`, 'invalid', false);
    await this.call('setDesiredSize', group, t, this.operationTimeoutMs, options, async (deadline) => {
      // PATCH with the capacity only: a full PUT would overwrite changes others made to the model.
      await this.client.virtualMachineScaleSets.update(
        t.resourceGroup,
        t.vmssName,
        { sku: { capacity: size } },
        { updateIntervalInMs: this.pollIntervalMs, abortSignal: deadline },
      );
    });
    this.log.info({ group: group.name, ...t, size }, 'scale set capacity set');
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[], options?: CallOptions): Promise<void> {
    const t = this.target(group);
    if (ids.length === 0) return;
    if (ids.some((id) => id.trim() === ''))
      throw new ProviderError(`deleteInstances ${group.name}: empty instance id`, 'invalid', false);
    await this.call('deleteInstances', group, t, this.operationTimeoutMs, options, async (deadline) => {
      await this.client.virtualMachineScaleSets.deleteInstances(
        t.resourceGroup,
        t.vmssName,
        { instanceIds: [...ids] },
        { updateIntervalInMs: this.pollIntervalMs, abortSignal: deadline },
      );
    });
    this.log.info({ group: group.name, ...t, instanceIds: ids }, 'scale set instances deleted');
  }

  private target(group: NodeGroupRef): ScaleSetTarget {
    const vmssName = group.target['vmssName'];
    const resourceGroup = group.target['resourceGroup'] ?? this.azure.resourceGroup;
    if (!vmssName) throw new ProviderError(`node group ${group.name}: no vmssName in its target`, 'invalid', false);
    if (!resourceGroup)
      throw new ProviderError(`node group ${group.name}: no resource group (target or azure.resourceGroup)`, 'invalid', false);
    return { resourceGroup, vmssName };
  }

  private async listVms(t: ScaleSetTarget, abortSignal: AbortSignal): Promise<VirtualMachineScaleSetVM[]> {
    const out: VirtualMachineScaleSetVM[] = [];
    const pages = this.client.virtualMachineScaleSetVMs.list(t.resourceGroup, t.vmssName, {
      expand: 'instanceView',
      abortSignal,
    });
    for await (const vm of pages) out.push(vm);
    return out;
  }

  /** instanceId -> private IP; empty (with a warning) when the NIC list cannot be read. */
  private async privateIps(group: NodeGroupRef, t: ScaleSetTarget, abortSignal: AbortSignal): Promise<Map<string, string>> {
    try {
      const nics: NicPage['value'] = [];
      let next: string | undefined =
        `/subscriptions/${encodeURIComponent(this.azure.subscriptionId)}/resourceGroups/${encodeURIComponent(t.resourceGroup)}` +
        `/providers/Microsoft.Compute/virtualMachineScaleSets/${encodeURIComponent(t.vmssName)}/networkInterfaces` +
        `?api-version=${NETWORK_API_VERSION}`;
      for (let page = 0; next && page < 100; page++) {
        const res = await this.context.pathUnchecked(next).get({ abortSignal });
        if (res.status !== '200') throw new Error(`HTTP ${res.status}`);
        const parsed = nicPageSchema.parse(res.body);
        nics.push(...parsed.value);
        next = parsed.nextLink ?? undefined;
      }
      return privateIpsFromNics(nics);
    } catch (e) {
      this.log.warn(
        { group: group.name, ...t, err: sanitize(e instanceof Error ? e.message : String(e), this.secrets) },
        'cannot list scale set NICs; instances are reported without private IPs',
      );
      return new Map();
    }
  }

  /**
   * One provider call under its deadline (`withDeadline`: it settles in time even while the identity
   * SDK waits on a silent token endpoint, which takes no abort signal), with errors made safe.
   */
  private async call<T>(op: string, group: NodeGroupRef, t: ScaleSetTarget, deadlineMs: number, options: CallOptions | undefined, fn: (deadline: AbortSignal) => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await withDeadline(fn, deadlineMs, `${op} ${t.resourceGroup}/${t.vmssName}`, options?.signal);
      this.log.debug({ op, group: group.name, ...t, ms: Date.now() - started }, 'azure call done');
      return result;
    } catch (e) {
      const pe = toProviderError(`${op} ${t.resourceGroup}/${t.vmssName}`, e, this.secrets);
      this.log.warn(
        { op, group: group.name, ...t, ms: Date.now() - started, kind: pe.kind, retryable: pe.retryable, err: pe.message },
        'azure call failed',
      );
      throw pe;
    }
  }
}

/** One signal that aborts with the first of these (the caller's deadline among them). */
function signals(...all: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(all.filter((x): x is AbortSignal => x !== undefined));
}
