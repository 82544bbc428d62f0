import { randomUUID } from 'node:crypto';
import { armError, type FakeRequest, type FakeResponse } from './http.js';
import type { FakeAzureState, FakeVm, FakeVmss } from './state.js';

/** An asynchronous ARM operation, reported `InProgress` for a few polls and then `Succeeded`. */
interface FakeOperation {
  pollsLeft: number;
  done: boolean;
  readonly complete: () => void;
}

export interface FakeArmOptions {
  readonly subscriptionId: string;
  readonly location: string;
  /** How many status polls answer `InProgress` before `Succeeded` (default 1). */
  readonly lroPolls: number;
  /** Retry-After seconds on LRO responses; omitted when undefined (the SDK then polls at its own interval). */
  readonly lroRetryAfter: number | undefined;
  /** Page size of VM and NIC lists, to exercise nextLink paging. */
  readonly pageSize: number;
}

const VMSS_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)(\/[^?]*)?$/i;
const OPERATION_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/operations\/([^/]+)$/i;

/**
 * The slice of the ARM REST API that a VMSS autoscaler uses: get / patch a scale set, list its
 * VMs and their NICs, delete instances, and poll the long-running operations those start.
 */
export class FakeArm {
  private readonly operations = new Map<string, FakeOperation>();

  constructor(
    private readonly state: FakeAzureState,
    private readonly options: FakeArmOptions,
    private readonly baseUrl: () => string,
    private readonly apiVersionSeen: (v: string | null) => void,
  ) {}

  handle(req: FakeRequest): FakeResponse {
    this.apiVersionSeen(req.query.get('api-version'));
    const op = OPERATION_PATH.exec(req.path);
    if (op?.[3] && req.method === 'GET') return this.pollOperation(op[3], req.query.get('monitor') === 'true');

    const m = VMSS_PATH.exec(req.path);
    if (!m?.[2] || !m[3]) return armError(404, 'InvalidResourceType', `no fake route for ${req.method} ${req.path}`);
    if (m[1] !== this.options.subscriptionId)
      return armError(404, 'SubscriptionNotFound', `The subscription '${m[1]}' could not be found.`);
    const vmss = this.state.get(m[2], m[3]);
    if (!vmss)
      return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachineScaleSets/${m[3]}' under resource group '${m[2]}' was not found.`);
    const sub = (m[4] ?? '').toLowerCase();

    if (sub === '' && req.method === 'GET') return { status: 200, body: this.vmssJson(vmss, 'Succeeded') };
    if (sub === '' && req.method === 'PATCH') return this.patch(vmss, req);
    if (sub === '/virtualmachines' && req.method === 'GET') return this.listVms(vmss, req);
    if (sub === '/networkinterfaces' && req.method === 'GET') return this.listNics(vmss, req);
    if (sub === '/delete' && req.method === 'POST') return this.deleteInstances(vmss, req);
    return armError(405, 'MethodNotAllowed', `fake azure does not implement ${req.method} ${req.path}`);
  }

  private vmssId(vmss: FakeVmss): string {
    return `/subscriptions/${this.options.subscriptionId}/resourceGroups/${vmss.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss.name}`;
  }

  private vmssJson(vmss: FakeVmss, provisioningState: string): Record<string, unknown> {
    return {
      id: this.vmssId(vmss),
      name: vmss.name,
      type: 'Microsoft.Compute/virtualMachineScaleSets',
      location: this.options.location,
      sku: { name: vmss.skuName, tier: 'Standard', capacity: vmss.capacity },
      properties: {
        provisioningState,
        overprovision: false,
        upgradePolicy: { mode: 'Manual' },
        uniqueId: '00000000-0000-0000-0000-000000000001',
        timeCreated: '2026-01-01T00:00:00Z',
      },
    };
  }

  private vmJson(vmss: FakeVmss, vm: FakeVm, expandInstanceView: boolean): Record<string, unknown> {
    const id = `${this.vmssId(vmss)}/virtualMachines/${vm.instanceId}`;
    return {
      id,
      name: `${vmss.name}_${vm.instanceId}`,
      type: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines',
      location: this.options.location,
      instanceId: vm.instanceId,
      sku: { name: vmss.skuName, tier: 'Standard' },
      properties: {
        latestModelApplied: true,
        vmId: `00000000-0000-0000-0000-${vm.instanceId.padStart(12, '0')}`,
        provisioningState: vm.provisioningState,
        timeCreated: vm.timeCreated,
        hardwareProfile: { vmSize: vmss.skuName },
        osProfile: { computerName: vm.computerName, adminUsername: 'azureuser' },
        networkProfile: {
          networkInterfaces: [{ id: `${id}/networkInterfaces/nic0` }],
        },
        ...(expandInstanceView
          ? {
              instanceView: {
                computerName: vm.computerName,
                statuses: [
                  { code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`, level: 'Info' },
                  { code: vm.provisioningState === 'Succeeded' ? 'PowerState/running' : 'PowerState/starting', level: 'Info' },
                ],
              },
            }
          : {}),
      },
    };
  }

  private nicJson(vmss: FakeVmss, vm: FakeVm): Record<string, unknown> {
    const vmId = `${this.vmssId(vmss)}/virtualMachines/${vm.instanceId}`;
    return {
      id: `${vmId}/networkInterfaces/nic0`,
      name: 'nic0',
      properties: {
        provisioningState: 'Succeeded',
        primary: true,
        ipConfigurations: vm.privateIp
          ? [{ name: 'ipconfig1', properties: { primary: true, privateIPAddress: vm.privateIp, privateIPAllocationMethod: 'Dynamic' } }]
          : [],
        virtualMachine: { id: vmId },
      },
    };
  }

  private page<T>(items: readonly T[], req: FakeRequest): { value: T[]; nextLink?: string } {
    const skip = Number(req.query.get('$skiptoken') ?? '0');
    const value = items.slice(skip, skip + this.options.pageSize);
    const next = skip + this.options.pageSize;
    if (next >= items.length) return { value };
    const q = new URLSearchParams(req.query);
    q.set('$skiptoken', String(next));
    return { value, nextLink: `${this.baseUrl()}${req.path}?${q.toString()}` };
  }

  private listVms(vmss: FakeVmss, req: FakeRequest): FakeResponse {
    const expand = (req.query.get('$expand') ?? '').toLowerCase() === 'instanceview';
    return { status: 200, body: this.page(vmss.vms.map((vm) => this.vmJson(vmss, vm, expand)), req) };
  }

  private listNics(vmss: FakeVmss, req: FakeRequest): FakeResponse {
    return { status: 200, body: this.page(vmss.vms.map((vm) => this.nicJson(vmss, vm)), req) };
  }

  private patch(vmss: FakeVmss, req: FakeRequest): FakeResponse {
    const parsed = parseJson(req.rawBody);
    const sku = isRecord(parsed) && isRecord(parsed['sku']) ? parsed['sku'] : undefined;
    const capacity = sku?.['capacity'];
    if (capacity !== undefined && (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0))
      return armError(400, 'InvalidParameter', 'The value of parameter sku.capacity is invalid.');
    if (typeof capacity === 'number') {
      // ARM records the new capacity at once; VMs appear as Creating and finish with the operation.
      const created: FakeVm[] = [];
      while (vmss.vms.length < capacity) created.push(this.state.addVm(vmss));
      const removed = vmss.vms.slice(capacity);
      for (const vm of removed) vm.provisioningState = 'Deleting';
      vmss.capacity = capacity;
      return this.startOperation(
        () => {
          for (const vm of created) vm.provisioningState = 'Succeeded';
          vmss.vms = vmss.vms.filter((vm) => !removed.includes(vm));
        },
        200,
        this.vmssJson(vmss, 'Updating'),
        false,
      );
    }
    return this.startOperation(() => undefined, 200, this.vmssJson(vmss, 'Updating'), false);
  }

  private deleteInstances(vmss: FakeVmss, req: FakeRequest): FakeResponse {
    const parsed = parseJson(req.rawBody);
    const ids = isRecord(parsed) && Array.isArray(parsed['instanceIds']) ? parsed['instanceIds'] : undefined;
    if (!ids || ids.length === 0 || !ids.every((i): i is string => typeof i === 'string'))
      return armError(400, 'InvalidParameter', 'instanceIds must be a non-empty list of strings.');
    const unknown = ids.filter((id) => !vmss.vms.some((vm) => vm.instanceId === id));
    if (unknown.length > 0)
      return armError(400, 'InvalidParameter', `The instance ids ${unknown.join(', ')} are not valid for this scale set.`);
    const doomed = vmss.vms.filter((vm) => ids.includes(vm.instanceId));
    for (const vm of doomed) vm.provisioningState = 'Deleting';
    // Deleting instances lowers the capacity by their number, as ARM does.
    vmss.capacity = Math.max(0, vmss.capacity - doomed.length);
    return this.startOperation(() => {
      vmss.vms = vmss.vms.filter((vm) => !doomed.includes(vm));
    }, 202, undefined, true);
  }

  private operationUrl(id: string, monitor: boolean): string {
    const path = `/subscriptions/${this.options.subscriptionId}/providers/Microsoft.Compute/locations/${this.options.location}/operations/${id}`;
    return `${this.baseUrl()}${path}?${monitor ? 'monitor=true&' : ''}api-version=2026-03-01`;
  }

  private retryAfterHeader(): Record<string, string> {
    return this.options.lroRetryAfter === undefined ? {} : { 'retry-after': String(this.options.lroRetryAfter) };
  }

  private startOperation(complete: () => void, status: number, body: unknown, withLocation: boolean): FakeResponse {
    const id = randomUUID();
    const op: FakeOperation = { pollsLeft: this.options.lroPolls, done: false, complete };
    this.operations.set(id, op);
    if (op.pollsLeft <= 0) this.finish(op);
    return {
      status,
      headers: {
        'azure-asyncoperation': this.operationUrl(id, false),
        ...(withLocation ? { location: this.operationUrl(id, true) } : {}),
        ...this.retryAfterHeader(),
      },
      body,
    };
  }

  private finish(op: FakeOperation): void {
    if (op.done) return;
    op.done = true;
    op.complete();
  }

  private pollOperation(id: string, monitor: boolean): FakeResponse {
    const op = this.operations.get(id);
    if (!op) return armError(404, 'OperationNotFound', `operation ${id} not found`);
    if (!op.done) {
      op.pollsLeft -= 1;
      if (op.pollsLeft < 0) this.finish(op);
    }
    // The Location ("monitor") URL answers 202 while running and 200 with no body when done.
    if (monitor) return op.done ? { status: 200 } : { status: 202, headers: { location: this.operationUrl(id, true) } };
    return {
      status: 200,
      headers: op.done ? {} : this.retryAfterHeader(),
      body: { name: id, status: op.done ? 'Succeeded' : 'InProgress', startTime: '2026-01-01T00:00:00Z' },
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
