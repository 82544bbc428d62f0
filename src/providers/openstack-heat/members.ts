import type { Instance, InstanceState } from '../../model/node-group.js';
import type { HeatResource, NovaServer } from './schema.js';

/** One member of the ResourceGroup: its name in the group (`"0"`, `"1"`, ...) and its Nova server, when found. */
export interface GroupMember {
  readonly name: string;
  readonly status: string;
  readonly serverId?: string;
  readonly createdAt?: string;
}

/** The stack id at the end of a resource's `stack` link (`.../stacks/{name}/{id}`). */
function stackIdOf(r: HeatResource): string | undefined {
  const href = r.links.find((l) => l.rel === 'stack')?.href;
  return href?.replace(/\/+$/, '').split('/').pop();
}

/**
 * The members of ResourceGroup `group` from a resource list with nested_depth >= 2: the
 * resources of the group's own nested stack (the group's physical_resource_id), and for each
 * the OS::Nova::Server it is, or holds in its own nested stack (a member template).
 * Heat names members by index, skipping names removed through removal_policies
 * (heat/engine/resources/openstack/heat/resource_group.py, `_resource_names`), and takes those
 * names in `resource_list` (`_name_blacklist`), which is why a member's name is its instance id.
 */
export function groupMembers(resources: readonly HeatResource[], group: HeatResource): GroupMember[] {
  const nestedId = group.physical_resource_id;
  if (!nestedId) return [];
  const byStack = new Map<string, HeatResource[]>();
  for (const r of resources) {
    const id = stackIdOf(r);
    if (id) byStack.set(id, [...(byStack.get(id) ?? []), r]);
  }
  const members = (byStack.get(nestedId) ?? []).filter((r) => r.parent_resource === undefined || r.parent_resource === null || r.parent_resource === group.resource_name);
  return members
    .map((m): GroupMember => {
      const server =
        m.resource_type === 'OS::Nova::Server'
          ? m
          : m.physical_resource_id
            ? (byStack.get(m.physical_resource_id) ?? []).find((r) => r.resource_type === 'OS::Nova::Server')
            : undefined;
      return {
        name: m.resource_name,
        status: m.resource_status,
        ...(server?.physical_resource_id ? { serverId: server.physical_resource_id } : {}),
        ...(m.creation_time ? { createdAt: m.creation_time } : {}),
      };
    })
    .sort((a, b) => Number(a.name) - Number(b.name) || a.name.localeCompare(b.name));
}

/**
 * A member's state: Heat's resource status first (in progress, failed), then Nova's server
 * status (compute api-ref "Server Status": ACTIVE, BUILD, ERROR, DELETED, SHUTOFF, ...).
 */
export function memberState(resourceStatus: string, serverStatus: string | undefined): InstanceState {
  if (resourceStatus === 'INIT_COMPLETE' || resourceStatus.startsWith('CREATE_IN_PROGRESS')) return 'creating';
  if (resourceStatus.startsWith('DELETE_')) return resourceStatus === 'DELETE_FAILED' ? 'failed' : 'deleting';
  if (resourceStatus.endsWith('_FAILED')) return 'failed';
  switch (serverStatus) {
    case 'ACTIVE':
      return 'running';
    case 'BUILD':
    case 'REBUILD':
      return 'creating';
    case 'DELETED':
    case 'SOFT_DELETED':
      return 'deleting';
    case 'ERROR':
    case 'SHUTOFF':
      return 'failed';
    case undefined:
      return resourceStatus.endsWith('_COMPLETE') ? 'creating' : 'unknown';
    default:
      return 'unknown';
  }
}

/** The server's first fixed IPv4 address (any network), else its first IPv4 address. */
export function privateIpOf(server: NovaServer): string | undefined {
  const all = Object.values(server.addresses).flat().filter((a) => a.version === undefined || a.version === 4);
  return (all.find((a) => a['OS-EXT-IPS:type'] === 'fixed') ?? all[0])?.addr;
}

/** A member as a provider-neutral instance; its id is the member's name, which removal_policies takes. */
export function toInstance(member: GroupMember, server: NovaServer | undefined): Instance {
  const ip = server ? privateIpOf(server) : undefined;
  const created = Date.parse(server?.created ?? member.createdAt ?? '');
  return {
    id: member.name,
    state: memberState(member.status, server?.status),
    ...(server ? { hostname: server.name } : {}),
    ...(ip ? { privateIp: ip } : {}),
    ...(Number.isFinite(created) ? { createdAt: created } : {}),
  };
}

/** Member names in a removal-policies parameter as Heat shows it (a JSON string, or the list itself). */
export function removedMembers(raw: unknown): Set<string> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return new Set();
    }
  }
  if (!Array.isArray(value)) return new Set();
  return new Set(value.flatMap((p: unknown) => (p && typeof p === 'object' && Array.isArray((p as { resource_list?: unknown }).resource_list) ? ((p as { resource_list: unknown[] }).resource_list.map(String)) : [])));
}
