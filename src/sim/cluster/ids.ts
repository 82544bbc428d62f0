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
/** The char codes of `uuidLike`'s layout, filled digit by digit: one string made, not one per digit. */
const UUID = Array.from('xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx', (c) => c.charCodeAt(0));
const DIGITS = UUID.flatMap((c, i) => (c === 120 ? [i] : []));

/** A UUID-looking string (version 4 layout), deterministic for a given generator. */
export function uuidLike(rand: () => number): string {
  // One random hex digit per x, left to right (8-4-3-3-12 digits, as the layout was once built
  // piece by piece). A month's replay makes millions of task ids.
  const codes = UUID.slice();
  for (const i of DIGITS) codes[i] = HEX.charCodeAt(Math.floor(rand() * 16));
  return String.fromCharCode(...codes);
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
