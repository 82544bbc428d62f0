export const MEMBER_PREFIX = 'member-';

export interface Member {
  /** Child name, e.g. `member-0000000007`. */
  readonly name: string;
  readonly sequence: number;
}

/** Member children sorted by sequence; other children (not ours) are ignored. */
export function parseMembers(children: readonly string[]): Member[] {
  const out: Member[] = [];
  for (const name of children) {
    if (!name.startsWith(MEMBER_PREFIX)) continue;
    const digits = name.slice(MEMBER_PREFIX.length);
    if (!/^\d+$/.test(digits)) continue;
    out.push({ name, sequence: Number(digits) });
  }
  return out.sort((a, b) => a.sequence - b.sequence);
}

/** The member just before `mine`: the only one a follower watches. Undefined when `mine` is the lowest. */
export function predecessorOf(members: readonly Member[], mine: Member): Member | undefined {
  let before: Member | undefined;
  for (const m of members) {
    if (m.sequence >= mine.sequence) break;
    before = m;
  }
  return before;
}
