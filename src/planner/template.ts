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
  const best = commonestShape(view.agents);
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

type Shaped = GroupView['agents'][number];

/**
 * The first agent of the most common shape (total cpus, mem, disk, gpus, ports), the first shape
 * seen winning a tie. Groups hold a few shapes, so they are compared number by number in a short
 * list (a text key per agent was 15 ms of a 50,000-agent cycle); past 64 shapes, by key.
 */
function commonestShape(agents: readonly Shaped[]): { n: number; agent: Shaped } | undefined {
  const shapes: { n: number; agent: Shaped }[] = [];
  let keyed: Map<string, { n: number; agent: Shaped }> | undefined;
  for (const a of agents) {
    const t = a.total;
    let entry: { n: number; agent: Shaped } | undefined;
    if (keyed === undefined) {
      for (const s of shapes) {
        const u = s.agent.total;
        if (u.cpus === t.cpus && u.mem === t.mem && u.disk === t.disk && u.gpus === t.gpus && u.ports === t.ports) {
          entry = s;
          break;
        }
      }
    } else entry = keyed.get(shapeKey(a));
    if (entry) {
      entry.n += 1;
      continue;
    }
    entry = { n: 1, agent: a };
    shapes.push(entry);
    if (keyed) keyed.set(shapeKey(a), entry);
    else if (shapes.length > 64) keyed = new Map(shapes.map((s) => [shapeKey(s.agent), s]));
  }
  let best: { n: number; agent: Shaped } | undefined;
  for (const e of shapes) if (!best || e.n > best.n) best = e;
  return best;
}

function shapeKey(a: Shaped): string {
  return `${a.total.cpus}/${a.total.mem}/${a.total.disk}/${a.total.gpus}/${a.total.ports}`;
}
