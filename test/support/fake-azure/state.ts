/** In-memory model of the scale sets a fake ARM server holds. */

export type FakeProvisioningState = 'Creating' | 'Updating' | 'Succeeded' | 'Deleting' | 'Failed';

export interface FakeVm {
  instanceId: string;
  computerName: string;
  privateIp?: string;
  provisioningState: FakeProvisioningState;
  timeCreated: string;
}

export interface FakeVmss {
  readonly resourceGroup: string;
  readonly name: string;
  skuName: string;
  capacity: number;
  vms: FakeVm[];
  /** Next instance id handed out on scale-up. */
  nextInstanceId: number;
}

export interface FakeVmInput {
  instanceId: string;
  computerName?: string;
  /** Defaults to an address derived from the instance id; null for a VM without one. */
  privateIp?: string | null;
  provisioningState?: FakeProvisioningState;
}

export interface FakeVmssInput {
  resourceGroup: string;
  name: string;
  capacity: number;
  skuName?: string;
  /** Defaults to `capacity` running VMs with ids 0..capacity-1. */
  vms?: FakeVmInput[];
}

export class FakeAzureState {
  readonly scaleSets = new Map<string, FakeVmss>();

  constructor(inputs: readonly FakeVmssInput[]) {
    for (const input of inputs) this.add(input);
  }

  static key(resourceGroup: string, name: string): string {
    // ARM resource names are case-insensitive.
    return `${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;
  }

  add(input: FakeVmssInput): FakeVmss {
    const vmInputs = input.vms ?? Array.from({ length: input.capacity }, (_, i) => ({ instanceId: String(i) }));
    const vmss: FakeVmss = {
      resourceGroup: input.resourceGroup,
      name: input.name,
      skuName: input.skuName ?? 'Standard_D2s_v3',
      capacity: input.capacity,
      vms: [],
      nextInstanceId: 0,
    };
    for (const v of vmInputs) vmss.vms.push(this.makeVm(vmss, v));
    vmss.nextInstanceId = Math.max(0, ...vmss.vms.map((v) => Number(v.instanceId) + 1).filter(Number.isFinite));
    this.scaleSets.set(FakeAzureState.key(input.resourceGroup, input.name), vmss);
    return vmss;
  }

  get(resourceGroup: string, name: string): FakeVmss | undefined {
    return this.scaleSets.get(FakeAzureState.key(resourceGroup, name));
  }

  /** Like `get`, for tests that know the scale set exists. */
  vmss(resourceGroup: string, name: string): FakeVmss {
    const found = this.get(resourceGroup, name);
    if (!found) throw new Error(`fake azure: no scale set ${resourceGroup}/${name}`);
    return found;
  }

  /** New VMs start `Creating`; they turn `Succeeded` when the update operation completes. */
  addVm(vmss: FakeVmss): FakeVm {
    const vm = this.makeVm(vmss, { instanceId: String(vmss.nextInstanceId), provisioningState: 'Creating' });
    vmss.nextInstanceId += 1;
    vmss.vms.push(vm);
    return vm;
  }

  private makeVm(vmss: FakeVmss, v: FakeVmInput): FakeVm {
    const n = Number(v.instanceId);
    const suffix = Number.isFinite(n) ? n.toString(36).padStart(6, '0') : v.instanceId;
    return {
      instanceId: v.instanceId,
      computerName: v.computerName ?? `${vmss.name}${suffix}`,
      ...(v.privateIp === null ? {} : { privateIp: v.privateIp ?? defaultIp(n) }),
      provisioningState: v.provisioningState ?? 'Succeeded',
      timeCreated: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    };
  }
}

function defaultIp(instance: number): string | undefined {
  return Number.isFinite(instance) ? `10.0.${Math.floor(instance / 250)}.${(instance % 250) + 4}` : undefined;
}
