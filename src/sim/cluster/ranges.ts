/** Inclusive port range, as Mesos `Value.Range`. */
export interface Range {
  readonly begin: number;
  readonly end: number;
}

export const DEFAULT_PORTS: readonly Range[] = [
  { begin: 1025, end: 2180 },
  { begin: 2182, end: 3887 },
  { begin: 3889, end: 5049 },
  { begin: 5052, end: 8079 },
  { begin: 8082, end: 8180 },
  { begin: 8182, end: 32000 },
];

export function countPorts(ranges: readonly Range[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.begin + 1;
  return n;
}

/** Takes `count` ports from the low end of `free`; returns the taken and remaining ranges, or undefined. */
export function takePorts(free: readonly Range[], count: number): { taken: Range[]; rest: Range[] } | undefined {
  if (count <= 0) return { taken: [], rest: [...free] };
  if (countPorts(free) < count) return undefined;
  const taken: Range[] = [];
  const rest: Range[] = [];
  let need = count;
  for (const r of free) {
    if (need === 0) {
      rest.push(r);
      continue;
    }
    const size = r.end - r.begin + 1;
    if (size <= need) {
      taken.push(r);
      need -= size;
    } else {
      taken.push({ begin: r.begin, end: r.begin + need - 1 });
      rest.push({ begin: r.begin + need, end: r.end });
      need = 0;
    }
  }
  return { taken, rest };
}

/** Returns ports to a free list, merging adjacent ranges. */
export function releasePorts(free: readonly Range[], back: readonly Range[]): Range[] {
  const all = [...free, ...back].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r.begin <= last.end + 1) out[out.length - 1] = { begin: last.begin, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}

/** Mesos v0 text form: "[1025-2180, 2182-3887]". */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

/** Ports a range list covers, one by one (small lists only: a task's ports). */
export function listPorts(ranges: readonly Range[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let p = r.begin; p <= r.end; p++) out.push(p);
  return out;
}
