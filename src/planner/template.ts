import { resources, type Resources } from '../model/resources.js';
import type { FaultDomain } from '../model/agent.js';
import type { GroupView } from './group-view.js';

/** The shape of a node a group would add. */
export interface NodeTemplate {
  readonly resources: Resources;
  readonly attributes: Readonly<Record<string, string>>;
  /** Fault domain new nodes join (learned from the group's agents), for `@region` / `@zone` constraints. */
  readonly domain?: FaultDomain;
  /** Part of `resources` reserved for roles (learned: DC/OS public agents reserve all for slave_public). */
  readonly reserved?: { readonly roles: readonly string[]; readonly resources: Resources };
  readonly instanceType?: string;
  readonly source: 'config' | 'learned';
}

/**
 * From config when declared (so a group can scale from zero), else learned
 * from the group's most common agent shape.
 */
export function templateFor(view: GroupView): NodeTemplate | undefined {
  const t = view.config.template;
  const groupDomain = view.agents.find((a) => a.domain)?.domain;
  if (t) {
    return {
      resources: resources({ cpus: t.cpus, mem: t.mem, disk: t.disk, gpus: t.gpus, ports: t.ports }),
      attributes: { ...view.config.selector, ...t.attributes },
      ...(groupDomain ? { domain: groupDomain } : {}),
      ...(t.instanceType ? { instanceType: t.instanceType } : {}),
      source: 'config',
    };
  }
  const counts = new Map<string, { n: number; agent: GroupView['agents'][number] }>();
  for (const a of view.agents) {
    const key = `${a.total.cpus}/${a.total.mem}/${a.total.disk}/${a.total.gpus}/${a.total.ports}`;
    const entry = counts.get(key);
    if (entry) entry.n += 1;
    else counts.set(key, { n: 1, agent: a });
  }
  let best: { n: number; agent: GroupView['agents'][number] } | undefined;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  if (!best) return undefined;
  const { domain, reservedRoles, reserved } = best.agent;
  const roles = reservedRoles.filter((r) => r !== '*');
  return {
    resources: best.agent.total,
    attributes: { ...best.agent.attributes, ...view.config.selector },
    ...(domain ? { domain } : {}),
    ...(roles.length > 0 ? { reserved: { roles, resources: reserved } } : {}),
    source: 'learned',
  };
}

export function describeTemplate(t: NodeTemplate): string {
  return t.instanceType ?? `cpus ${t.resources.cpus}/mem ${t.resources.mem}`;
}
