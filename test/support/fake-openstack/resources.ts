import type { FakeHeatStack } from './state.js';
import { PROJECT_ID } from './types.js';

/**
 * `GET /stacks/{name}/{id}/resources?nested_depth=N` (orchestration api-ref "List resources"):
 * the top-level resources, then with depth >= 1 the ResourceGroup's members in its nested stack
 * (`parent_resource` set, a `stack` link to the nested stack), and with depth >= 2 the server
 * inside each member template's own stack.
 */
export function heatResources(s: FakeHeatStack, depth: number, base: string): unknown[] {
  const link = (name: string, id: string): string => `${base}/heat/v1/${PROJECT_ID}/stacks/${name}/${id}`;
  const out: unknown[] = [
    { resource_name: 'network', physical_resource_id: 'net-1', resource_type: 'OS::Neutron::Net', resource_status: 'CREATE_COMPLETE', links: [{ href: link(s.name, s.id), rel: 'stack' }], required_by: [] },
    {
      resource_name: s.resource,
      physical_resource_id: s.nestedId,
      resource_type: 'OS::Heat::ResourceGroup',
      resource_status: s.status === 'UPDATE_IN_PROGRESS' ? 'UPDATE_IN_PROGRESS' : 'CREATE_COMPLETE',
      links: [
        { href: `${link(s.name, s.id)}/resources/${s.resource}`, rel: 'self' },
        { href: link(s.name, s.id), rel: 'stack' },
        { href: link(s.nestedName, s.nestedId), rel: 'nested' },
      ],
      required_by: [],
    },
  ];
  if (depth >= 1)
    for (const m of s.members) {
      out.push({
        resource_name: m.name,
        physical_resource_id: s.memberTemplate ? m.memberStackId : m.serverId,
        resource_type: s.memberTemplate ? 'agent.yaml' : 'OS::Nova::Server',
        resource_status: m.status,
        creation_time: '2026-01-01T00:00:00Z',
        parent_resource: s.resource,
        links: [{ href: link(s.nestedName, s.nestedId), rel: 'stack' }],
        required_by: [],
      });
      if (s.memberTemplate && depth >= 2)
        out.push({
          resource_name: 'server',
          physical_resource_id: m.serverId,
          resource_type: 'OS::Nova::Server',
          resource_status: 'CREATE_COMPLETE',
          parent_resource: m.name,
          links: [{ href: link(`${s.nestedName}-${m.name}-abc`, m.memberStackId), rel: 'stack' }],
          required_by: [],
        });
    }
  return out;
}
