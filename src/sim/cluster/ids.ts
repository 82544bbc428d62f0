/** Small seeded PRNG (mulberry32): deterministic ids and fault injection without global state. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';

function hex(rand: () => number, digits: number): string {
  let s = '';
  // A table lookup, not a number formatted per digit: a month's replay makes millions of task ids.
  for (let i = 0; i < digits; i++) s += HEX[Math.floor(rand() * 16)] as string;
  return s;
}

/** A UUID-looking string (version 4 layout), deterministic for a given generator. */
export function uuidLike(rand: () => number): string {
  return `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-8${hex(rand, 3)}-${hex(rand, 12)}`;
}

/** Mesos ids derive from the master's id: agents `<master>-S<n>`, frameworks `<master>-<nnnn>`. */
export function agentIdFor(clusterId: string, n: number): string {
  return `${clusterId}-S${n}`;
}

export function frameworkIdFor(clusterId: string, n: number): string {
  return `${clusterId}-${String(n).padStart(4, '0')}`;
}

/** Marathon task id: the app id without the leading slash, slashes as underscores, then a uuid. */
export function taskIdFor(appId: string, uuid: string): string {
  return `${taskIdPrefix(appId)}${uuid}`;
}

/** What every task id of the app starts with (`taskIdFor` without the uuid). */
export function taskIdPrefix(appId: string): string {
  return `${appId.replace(/^\//, '').replace(/\//g, '_')}.`;
}

/** Marathon's ISO timestamps ("2017-07-19T17:34:41.967Z"). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
