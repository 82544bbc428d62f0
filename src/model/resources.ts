/** Scalar resources as Mesos counts them: cpus (cores), mem and disk (MB), gpus, ports (number of ports). */
export const RESOURCE_NAMES = ['cpus', 'mem', 'disk', 'gpus', 'ports'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** Resources a node group can be scaled on (the original tool's `--resource-tracker` values). */
export const TRACKED_RESOURCES = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type TrackedResource = (typeof TRACKED_RESOURCES)[number];

export type Resources = Readonly<Record<ResourceName, number>>;

export const ZERO: Resources = Object.freeze({ cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 });

export function resources(partial: Partial<Record<ResourceName, number>>): Resources {
  return { ...ZERO, ...partial };
}

function combine(a: Resources, b: Resources, f: (x: number, y: number) => number): Resources {
  return {
    cpus: f(a.cpus, b.cpus),
    mem: f(a.mem, b.mem),
    disk: f(a.disk, b.disk),
    gpus: f(a.gpus, b.gpus),
    ports: f(a.ports, b.ports),
  };
}

export const add = (a: Resources, b: Resources): Resources => combine(a, b, (x, y) => x + y);
export const subtract = (a: Resources, b: Resources): Resources => combine(a, b, (x, y) => x - y);
/** Subtract, never below zero: free capacity cannot be negative even when Mesos over-reports use. */
export const subtractFloor = (a: Resources, b: Resources): Resources => combine(a, b, (x, y) => Math.max(0, x - y));
export const scale = (a: Resources, k: number): Resources => combine(a, a, (x) => x * k);

/** Adds k times r into acc, in place: sums over thousands of waiting apps a cycle without an object per term. */
export function addScaledInto(acc: Record<ResourceName, number>, r: Resources, k: number): void {
  acc.cpus += r.cpus * k;
  acc.mem += r.mem * k;
  acc.disk += r.disk * k;
  acc.gpus += r.gpus * k;
  acc.ports += r.ports * k;
}

/** Why: resources as a dense vector, so the hot loops index instead of looking up names. */
export function toVector(r: Resources): Float64Array {
  const v = new Float64Array(RESOURCE_NAMES.length);
  v[0] = r.cpus;
  v[1] = r.mem;
  v[2] = r.disk;
  v[3] = r.gpus;
  v[4] = r.ports;
  return v;
}

export function sum(list: Iterable<Resources>): Resources {
  let total = ZERO;
  for (const r of list) total = add(total, r);
  return total;
}

/** Tolerance for float sums such as 0.1 + 0.2 cpus. */
const EPSILON = 1e-9;

/** True when `need` fits into `free` in every dimension. */
export function fits(need: Resources, free: Resources): boolean {
  return RESOURCE_NAMES.every((name) => need[name] <= free[name] + EPSILON);
}

export function isZero(r: Resources): boolean {
  return RESOURCE_NAMES.every((name) => Math.abs(r[name]) <= EPSILON);
}

export function formatResources(r: Resources): string {
  return RESOURCE_NAMES.filter((n) => r[n] !== 0)
    .map((n) => `${n} ${Number(r[n].toFixed(3))}`)
    .join(', ') || 'nothing';
}
