import { resources, subtractFloor, ZERO, type Resources } from '../../model/resources.js';
import { countPorts, DEFAULT_PORTS, releasePorts, takePorts, type Range } from './ranges.js';
import type { AgentSpec, Allocation, Pool, RejectReason, SimAgent } from './types.js';

const EPS = 1e-9;

/** Splits an agent's total into the unreserved pool "*" and one pool per reserved role. */
export function createPools(spec: AgentSpec): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  let unreserved = resources({ ...spec.resources, ports: 0 });
  let unreservedPorts: Range[] = [...(spec.ports ?? DEFAULT_PORTS)];
  for (const [role, r] of Object.entries(spec.reservations ?? {})) {
    const portRanges = r.portRanges ?? [];
    const total = resources({ cpus: r.cpus ?? 0, mem: r.mem ?? 0, disk: r.disk ?? 0, gpus: r.gpus ?? 0, ports: countPorts(portRanges) });
    unreserved = subtractFloor(unreserved, { ...total, ports: 0 });
    if (portRanges.length > 0) unreservedPorts = removeRanges(unreservedPorts, portRanges);
    pools.set(role, { total, used: ZERO, volumeDisk: 0, totalPorts: portRanges, freePorts: [...portRanges] });
  }
  pools.set('*', {
    total: { ...unreserved, ports: countPorts(unreservedPorts) },
    used: ZERO,
    volumeDisk: 0,
    totalPorts: unreservedPorts,
    freePorts: [...unreservedPorts],
  });
  for (const v of spec.volumes ?? []) {
    const pool = pools.get(v.role);
    if (pool) pool.volumeDisk += v.diskMb;
  }
  return pools;
}

function removeRanges(from: readonly Range[], remove: readonly Range[]): Range[] {
  let out = [...from];
  for (const cut of remove) {
    const next: Range[] = [];
    for (const r of out) {
      if (cut.end < r.begin || cut.begin > r.end) next.push(r);
      else {
        if (r.begin < cut.begin) next.push({ begin: r.begin, end: cut.begin - 1 });
        if (r.end > cut.end) next.push({ begin: cut.end + 1, end: r.end });
      }
    }
    out = next;
  }
  return out;
}

/** Pools an app of `role` may draw from: its own reservation first, then unreserved. */
export function usablePools(agent: SimAgent, role: string): Pool[] {
  const star = agent.pools.get('*');
  if (role === '*') return star ? [star] : [];
  const own = agent.pools.get(role);
  return [own, star].filter((p): p is Pool => p !== undefined);
}

export function poolFree(pool: Pool): Resources {
  return {
    cpus: pool.total.cpus - pool.used.cpus,
    mem: pool.total.mem - pool.used.mem,
    disk: pool.total.disk - pool.used.disk - pool.volumeDisk,
    gpus: pool.total.gpus - pool.used.gpus,
    ports: pool.total.ports - pool.used.ports,
  };
}

/** First resource check that fails, in Marathon's order, or undefined when `need` fits. */
export function resourceShortfall(pools: readonly Pool[], need: Resources): RejectReason | 'UnfulfilledRole' | undefined {
  let cpus = 0;
  let mem = 0;
  let disk = 0;
  let gpus = 0;
  let ports = 0;
  let any = false;
  for (const p of pools) {
    if (p.total.cpus > 0 || p.total.mem > 0) any = true;
    cpus += p.total.cpus - p.used.cpus;
    mem += p.total.mem - p.used.mem;
    disk += p.total.disk - p.used.disk - p.volumeDisk;
    gpus += p.total.gpus - p.used.gpus;
    ports += p.total.ports - p.used.ports;
  }
  if (!any) return 'UnfulfilledRole';
  if (need.cpus > cpus + EPS) return 'InsufficientCpus';
  if (need.mem > mem + EPS) return 'InsufficientMemory';
  if (need.disk > disk + EPS) return 'InsufficientDisk';
  if (need.gpus > gpus + EPS) return 'InsufficientGpus';
  if (need.ports > ports) return 'InsufficientPorts';
  return undefined;
}

/**
 * Takes `need` from the pools in order (the app's reservation first, then unreserved, or the
 * roles it accepts); `fixed` host ports are taken by number. The caller has checked that it fits.
 */
export function allocate(agent: SimAgent, role: string, need: Resources, accepted?: readonly string[], fixed: readonly number[] = []): Allocation[] {
  if (role === '*' && accepted === undefined && fixed.length === 0 && need.ports === 0) return allocateUnreserved(agent, need);
  const out: Allocation[] = [];
  const left = { ...need };
  const roles = accepted ? [...accepted.filter((r) => r !== '*'), ...(accepted.includes('*') ? ['*'] : [])] : role === '*' ? ['*'] : [role, '*'];
  let pinned = [...fixed];
  for (const r of roles) {
    const pool = agent.pools.get(r);
    if (!pool) continue;
    const free = poolFree(pool);
    const take = {
      cpus: Math.min(left.cpus, Math.max(0, free.cpus)),
      mem: Math.min(left.mem, Math.max(0, free.mem)),
      disk: Math.min(left.disk, Math.max(0, free.disk)),
      gpus: Math.min(left.gpus, Math.max(0, free.gpus)),
      ports: Math.min(left.ports, Math.max(0, free.ports)),
    };
    if (take.cpus + take.mem + take.disk + take.gpus + take.ports <= EPS) continue;
    const mine = pinned.filter((p) => pool.freePorts.some((x) => p >= x.begin && p <= x.end)).slice(0, take.ports);
    pinned = pinned.filter((p) => !mine.includes(p));
    const exact: Range[] = mine.map((p) => ({ begin: p, end: p }));
    if (exact.length > 0) pool.freePorts = removeRanges(pool.freePorts, exact);
    const portTake = takePorts(pool.freePorts, take.ports - exact.length);
    const ports = [...exact, ...(portTake?.taken ?? [])];
    if (portTake) pool.freePorts = portTake.rest;
    pool.used = {
      cpus: pool.used.cpus + take.cpus,
      mem: pool.used.mem + take.mem,
      disk: pool.used.disk + take.disk,
      gpus: pool.used.gpus + take.gpus,
      ports: pool.used.ports + take.ports,
    };
    left.cpus -= take.cpus;
    left.mem -= take.mem;
    left.disk -= take.disk;
    left.gpus -= take.gpus;
    left.ports -= take.ports;
    out.push({ role: r, resources: take, ports });
  }
  return out;
}

/** NO ports taken: one shared empty list. */
const NO_RANGES: readonly Range[] = Object.freeze([]);

/**
 * `allocate` for the common task (unreserved, no port): the same numbers from the "*" pool,
 * without the role list, port lists and copies made for the general case.
 */
function allocateUnreserved(agent: SimAgent, need: Resources): Allocation[] {
  const pool = agent.pools.get('*');
  if (!pool) return [];
  const t = pool.total;
  const u = pool.used;
  const take = {
    cpus: Math.min(need.cpus, Math.max(0, t.cpus - u.cpus)),
    mem: Math.min(need.mem, Math.max(0, t.mem - u.mem)),
    disk: Math.min(need.disk, Math.max(0, t.disk - u.disk - pool.volumeDisk)),
    gpus: Math.min(need.gpus, Math.max(0, t.gpus - u.gpus)),
    ports: Math.min(need.ports, Math.max(0, t.ports - u.ports)),
  };
  if (take.cpus + take.mem + take.disk + take.gpus + take.ports <= EPS) return [];
  pool.used = { cpus: u.cpus + take.cpus, mem: u.mem + take.mem, disk: u.disk + take.disk, gpus: u.gpus + take.gpus, ports: u.ports + take.ports };
  return [{ role: '*', resources: take, ports: NO_RANGES }];
}

export function release(agent: SimAgent, allocations: readonly Allocation[]): void {
  for (const a of allocations) {
    const pool = agent.pools.get(a.role);
    if (!pool) continue;
    pool.used = subtractFloor(pool.used, a.resources);
    if (a.ports.length > 0) pool.freePorts = releasePorts(pool.freePorts, a.ports);
  }
}

/** Sums of an agent's pools. */
export function agentTotals(agent: SimAgent): { total: Resources; used: Resources; reserved: Resources } {
  let total = ZERO;
  let used = ZERO;
  let reserved = ZERO;
  for (const [role, p] of agent.pools) {
    total = addR(total, p.total);
    used = addR(used, p.used);
    if (role !== '*') reserved = addR(reserved, p.total);
  }
  return { total, used, reserved };
}

function addR(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus + b.cpus, mem: a.mem + b.mem, disk: a.disk + b.disk, gpus: a.gpus + b.gpus, ports: a.ports + b.ports };
}
