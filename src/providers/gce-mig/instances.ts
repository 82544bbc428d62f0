import type { Instance, InstanceState } from '../../model/node-group.js';

/** The parts of a compute/v1 `ManagedInstance` that describe reads. */
export interface ManagedInstanceLike {
  readonly instance?: string | null;
  readonly instanceStatus?: string | null;
  readonly currentAction?: string | null;
  readonly name?: string | null;
  /** Why the group's last attempt to create it failed (QUOTA_EXCEEDED, ZONE_RESOURCE_POOL_EXHAUSTED, ...). */
  readonly lastAttempt?: { readonly errors?: { readonly errors?: readonly { readonly code?: string | null }[] | null } | null } | null;
}

/** The parts of a compute/v1 `Instance` that describe reads. */
export interface ComputeInstanceLike {
  readonly name?: string | null;
  readonly hostname?: string | null;
  readonly creationTimestamp?: string | null;
  readonly networkInterfaces?: readonly { readonly networkIP?: string | null }[] | null;
}

/**
 * A managed instance's state, from what the group is doing to it (`currentAction`) and, when
 * nothing, the VM's own status. Values from the compute/v1 reference, `ManagedInstance`
 * (cloud.google.com/compute/docs/reference/rest/v1/instanceGroupManagers/listManagedInstances).
 */
export function instanceState(currentAction: string | null | undefined, status: string | null | undefined): InstanceState {
  switch (currentAction ?? 'NONE') {
    case 'CREATING':
    case 'CREATING_WITHOUT_RETRIES':
    case 'RECREATING':
    case 'VERIFYING':
    case 'STARTING':
    case 'RESUMING':
      return 'creating';
    case 'DELETING':
    case 'ABANDONING':
      return 'deleting';
    case 'NONE':
    case 'REFRESHING':
    case 'RESTARTING':
      break;
    default:
      return 'unknown';
  }
  switch (status ?? '') {
    case 'RUNNING':
      return 'running';
    case 'PROVISIONING':
    case 'STAGING':
    case 'REPAIRING':
      return 'creating';
    case 'STOPPING':
    case 'DEPROVISIONING':
      return 'deleting';
    case 'TERMINATED':
    case 'STOPPED':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** `https://.../projects/p/zones/us-central1-a/instances/agent-1` -> zone and name. */
export function parseInstanceUrl(url: string): { zone: string; name: string } | undefined {
  const m = /\/zones\/([^/]+)\/instances\/([^/?#]+)$/.exec(url);
  return m?.[1] && m[2] ? { zone: m[1], name: m[2] } : undefined;
}

/**
 * One managed instance as a provider-neutral instance. The id is the instance URL, which is
 * what `deleteInstances` needs; hostname is the VM's custom hostname, else its name (the
 * short hostname GCE gives the guest); the private IP is the first NIC's `networkIP`.
 */
export function toInstance(mi: ManagedInstanceLike, vm: ComputeInstanceLike | undefined): Instance | undefined {
  const url = mi.instance;
  if (!url) return undefined;
  const hostname = vm?.hostname || vm?.name || mi.name || parseInstanceUrl(url)?.name;
  const privateIp = vm?.networkInterfaces?.[0]?.networkIP ?? undefined;
  const created = vm?.creationTimestamp ? Date.parse(vm.creationTimestamp) : Number.NaN;
  // An instance the group keeps failing to create (out of quota or capacity) is failed, not booting,
  // as cluster-autoscaler reads `lastAttempt.errors` (cloudprovider/gce/autoscaling_gce_client.go).
  const creationFailed = (mi.lastAttempt?.errors?.errors?.length ?? 0) > 0 && instanceState(mi.currentAction, mi.instanceStatus) === 'creating';
  return {
    id: url,
    state: creationFailed ? 'failed' : instanceState(mi.currentAction, mi.instanceStatus),
    ...(hostname ? { hostname } : {}),
    ...(privateIp ? { privateIp } : {}),
    ...(Number.isFinite(created) ? { createdAt: created } : {}),
  };
}
