import { z } from 'zod';
import { add, resources, ZERO, type ResourceName, type Resources } from '../model/resources.js';
import type { PersistentVolume } from '../model/agent.js';
import type { V1Attribute, V1Resource } from './v1-schema.js';

const SCALARS: readonly ResourceName[] = ['cpus', 'mem', 'disk', 'gpus'];
const isScalarName = (name: string): name is ResourceName => (SCALARS as readonly string[]).includes(name);

/** Number of ports in a v0 range string such as "[1025-2180, 2182-3887]"; undefined when it is not one. */
export function countPortRanges(text: string): number | undefined {
  const inner = text.trim();
  if (!inner.startsWith('[') || !inner.endsWith(']')) return undefined;
  const body = inner.slice(1, -1).trim();
  if (body === '') return 0;
  let total = 0;
  for (const part of body.split(',')) {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!m) return undefined;
    const begin = Number(m[1]);
    const end = Number(m[2]);
    if (end < begin) return undefined;
    total += end - begin + 1;
  }
  return total;
}

/** v0 flat resource map (`{"cpus":2,"ports":"[1-5]"}`) as Resources; names we do not track are ignored. */
export const flatResourcesSchema = z.record(z.string(), z.union([z.number(), z.string()])).transform((map, ctx): Resources => {
  const out: Partial<Record<ResourceName, number>> = {};
  for (const [name, value] of Object.entries(map)) {
    if (name === 'ports') {
      const n = typeof value === 'string' ? countPortRanges(value) : undefined;
      if (n === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `not a port range list: ${JSON.stringify(value)}` });
      else out.ports = n;
    } else if (isScalarName(name)) {
      if (typeof value !== 'number') ctx.addIssue({ code: 'custom', path: [name], message: `expected a number, got ${JSON.stringify(value)}` });
      else out[name] = value;
    }
  }
  return resources(out);
});

/** Amount one v1 resource contributes to our Resources. */
function amount(r: V1Resource): Resources {
  if (r.name === 'ports') {
    const n = (r.ranges?.range ?? []).reduce((acc, x) => acc + (x.end - x.begin + 1), 0);
    return resources({ ports: n });
  }
  if (isScalarName(r.name) && r.scalar) return resources({ [r.name]: r.scalar.value });
  return ZERO;
}

/**
 * Sum of a v1 resource list. Revocable (oversubscribed) resources are left out: they are not firm capacity.
 * Accumulates in locals: it runs for every task of a large state, where an object per resource shows up in GC time.
 */
export function sumV1(list: readonly V1Resource[]): Resources {
  let cpus = 0;
  let mem = 0;
  let disk = 0;
  let gpus = 0;
  let ports = 0;
  for (const r of list) {
    if (r.revocable) continue;
    if (r.name === 'ports') {
      for (const x of r.ranges?.range ?? []) ports += x.end - x.begin + 1;
      continue;
    }
    const v = r.scalar?.value;
    if (v === undefined) continue;
    if (r.name === 'cpus') cpus += v;
    else if (r.name === 'mem') mem += v;
    else if (r.name === 'disk') disk += v;
    else if (r.name === 'gpus') gpus += v;
  }
  return { cpus, mem, disk, gpus, ports };
}

/** Role a v1 resource is reserved to, or undefined when unreserved ("*"). The newest reservation wins (refinement). */
export function reservationRole(r: V1Resource): string | undefined {
  const last = r.reservations?.at(-1);
  const role = last?.role ?? r.role;
  return role && role !== '*' ? role : undefined;
}

export interface Reservations {
  readonly reserved: Resources;
  readonly roles: readonly string[];
}

export function reservationsV1(list: readonly V1Resource[]): Reservations {
  let reserved = ZERO;
  const roles = new Set<string>();
  for (const r of list) {
    if (r.revocable) continue;
    const role = reservationRole(r);
    if (!role) continue;
    reserved = add(reserved, amount(r));
    roles.add(role);
  }
  return { reserved, roles: [...roles].sort() };
}

/**
 * Roles holding dynamic reservations: made by a framework or an operator (RESERVE) and holding
 * their state, unlike static ones (agent `--resources` / `--default_role`, e.g. `slave_public` on
 * every DC/OS public agent), which are configuration. mesos.proto `Resource.ReservationInfo`:
 * in the 1.6+ format each entry has `type` STATIC or DYNAMIC; in the older one a dynamic
 * reservation carries `reservation` (principal, labels) and a static one only `role`.
 */
export function dynamicReservationRoles(list: readonly V1Resource[]): string[] {
  const roles = new Set<string>();
  for (const r of list) {
    if (r.reservations?.length) {
      for (const x of r.reservations) if (x.type !== 'STATIC' && x.role && x.role !== '*') roles.add(x.role);
    } else if (r.reservation && r.role && r.role !== '*') {
      roles.add(r.role);
    }
  }
  return [...roles].sort();
}

/** Persistent volumes are disk resources with `disk.persistence`. */
export function persistentVolumesV1(list: readonly V1Resource[]): PersistentVolume[] {
  return list.flatMap((r) =>
    r.name === 'disk' && r.disk?.persistence
      ? [{ id: r.disk.persistence.id, role: reservationRole(r) ?? '*', diskMb: r.scalar?.value ?? 0 }]
      : [],
  );
}

function renderRanges(range: readonly { begin: number; end: number }[]): string {
  return `[${range.map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
}

/** v1 attributes as text, the way Mesos prints them in v0 (`[1-5]`, `{a,b}`). */
export function renderAttributesV1(attrs: readonly V1Attribute[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of attrs) {
    if (a.text) out[a.name] = a.text.value;
    else if (a.scalar) out[a.name] = String(a.scalar.value);
    else if (a.ranges) out[a.name] = renderRanges(a.ranges.range ?? []);
    else if (a.set) out[a.name] = `{${(a.set.item ?? []).join(',')}}`;
  }
  return out;
}

/** Role a task's resources are allocated to (v1 `allocation_info.role`, else the reservation role). */
export function allocationRole(list: readonly V1Resource[]): string | undefined {
  for (const r of list) {
    const role = r.allocation_info?.role ?? r.role;
    if (role) return role;
  }
  return undefined;
}
