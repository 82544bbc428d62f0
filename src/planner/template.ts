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
  const groupDomain = view.domain;
  if (t) {
    return {
      resources: resources({ cpus: t.cpus, mem: t.mem, disk: t.disk, gpus: t.gpus, ports: t.ports }),
      attributes: { ...view.config.selector, ...t.attributes },
      ...(groupDomain ? { domain: groupDomain } : {}),
      ...(t.instanceType ? { instanceType: t.instanceType } : {}),
      source: 'config',
    };
  }
  const best = view.commonShape;
  if (!best) return undefined;
  const { domain, reservedRoles, reserved } = best;
  const roles = reservedRoles.filter((r) => r !== '*');
  return {
    resources: best.total,
    attributes: { ...best.attributes, ...view.config.selector },
    ...(domain ? { domain } : {}),
    ...(roles.length > 0 ? { reserved: { roles, resources: reserved } } : {}),
    source: 'learned',
  };
}

export function describeTemplate(t: NodeTemplate): string {
  return t.instanceType ?? `cpus ${t.resources.cpus}/mem ${t.resources.mem}`;
}

type Shaped = GroupView['agents'][number];

/** Shapes past this many are found by a text key instead of a scan of the list. */
const SCAN = 64;

interface Shape {
  readonly t: readonly number[];
  readonly agent: Shaped;
  n: number;
}

/**
 * Counts agent shapes (total cpus, mem, disk, gpus, ports) to find the first agent of the most
 * common one, the first shape seen winning a tie. Groups hold a few shapes, so they are compared
 * number by number in a short list (a text key per agent was 15 ms of a 50,000-agent cycle);
 * past 64 shapes, by key. Fed from the group view's columns (group-columns.ts).
 */
export class ShapeCounter {
  readonly #shapes: Shape[] = [];
  #keyed: Map<string, Shape> | undefined;

  /** One agent, its totals at `at..at+4` of `totals`. */
  add(totals: Float64Array, at: number, agent: Shaped): void {
    const c = totals[at] as number, m = totals[at + 1] as number, d = totals[at + 2] as number, g = totals[at + 3] as number, p = totals[at + 4] as number;
    let entry: Shape | undefined;
    if (this.#keyed === undefined) {
      for (const s of this.#shapes) {
        const t = s.t;
        if (t[0] === c && t[1] === m && t[2] === d && t[3] === g && t[4] === p) {
          entry = s;
          break;
        }
      }
    } else entry = this.#keyed.get(`${c}/${m}/${d}/${g}/${p}`);
    if (entry) {
      entry.n += 1;
      return;
    }
    entry = { t: [c, m, d, g, p], agent, n: 1 };
    this.#shapes.push(entry);
    if (this.#keyed) this.#keyed.set(entry.t.join('/'), entry);
    else if (this.#shapes.length > SCAN) this.#keyed = new Map(this.#shapes.map((s) => [s.t.join('/'), s]));
  }

  /** The first agent of the most common shape. */
  commonest(): Shaped | undefined {
    let best: Shape | undefined;
    for (const e of this.#shapes) if (!best || e.n > best.n) best = e;
    return best?.agent;
  }
}
