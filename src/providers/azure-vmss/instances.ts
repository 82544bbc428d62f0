import type { VirtualMachineScaleSetVM } from '@azure/arm-compute';
import { z } from 'zod';
import type { Instance, InstanceState } from '../../model/node-group.js';

/** VMSS VM provisioning state to the provider-neutral instance state. */
export function instanceState(provisioningState: string | undefined): InstanceState {
  switch ((provisioningState ?? '').toLowerCase()) {
    case 'creating':
      return 'creating';
    case 'succeeded':
    case 'updating': // model or extension update of a VM that is up
      return 'running';
    case 'deleting':
      return 'deleting';
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** A VM's provisioning state: the property, or else the `ProvisioningState/...` status of its instance view. */
function provisioningStateOf(vm: VirtualMachineScaleSetVM): string | undefined {
  if (vm.provisioningState) return vm.provisioningState;
  const code = vm.instanceView?.statuses?.find((s) => s.code?.startsWith('ProvisioningState/'))?.code;
  return code?.slice('ProvisioningState/'.length).split('/')[0];
}

export function toInstance(vm: VirtualMachineScaleSetVM, privateIps: ReadonlyMap<string, string>): Instance | undefined {
  const id = vm.instanceId;
  if (!id) return undefined;
  const hostname = vm.osProfile?.computerName ?? vm.instanceView?.computerName;
  const privateIp = privateIps.get(id);
  const created = vm.timeCreated ? vm.timeCreated.getTime() : undefined;
  return {
    id,
    state: instanceState(provisioningStateOf(vm)),
    ...(hostname ? { hostname } : {}),
    ...(privateIp ? { privateIp } : {}),
    ...(created !== undefined && Number.isFinite(created) ? { createdAt: created } : {}),
  };
}

/** One page of `.../virtualMachineScaleSets/{name}/networkInterfaces` (Microsoft.Network), the parts we read. */
export const nicPageSchema = z.object({
  value: z
    .array(
      z.object({
        properties: z
          .object({
            primary: z.boolean().optional(),
            ipConfigurations: z
              .array(
                z.object({
                  properties: z
                    .object({ primary: z.boolean().optional(), privateIPAddress: z.string().optional() })
                    .optional(),
                }),
              )
              .optional(),
            virtualMachine: z.object({ id: z.string() }).optional(),
          })
          .optional(),
      }),
    )
    .default([]),
  nextLink: z.string().nullish(),
});
export type NicPage = z.infer<typeof nicPageSchema>;

/**
 * instanceId -> private IP of the VM's primary NIC's primary IP configuration. The instance id is
 * the last segment of the NIC's `virtualMachine.id`.
 */
export function privateIpsFromNics(nics: NicPage['value']): Map<string, string> {
  const out = new Map<string, string>();
  // Primary NICs first so that they win over secondary ones of the same VM.
  const ordered = [...nics].sort((a, b) => Number(b.properties?.primary ?? false) - Number(a.properties?.primary ?? false));
  for (const nic of ordered) {
    const vmId = nic.properties?.virtualMachine?.id;
    const instanceId = vmId?.split('/').pop();
    if (!instanceId || out.has(instanceId)) continue;
    const configs = nic.properties?.ipConfigurations ?? [];
    const ip =
      configs.find((c) => c.properties?.primary)?.properties?.privateIPAddress ??
      configs.find((c) => c.properties?.privateIPAddress)?.properties?.privateIPAddress;
    if (ip) out.set(instanceId, ip);
  }
  return out;
}
