import { describe, expect, it } from 'vitest';
import { parseZkUrl, DEFAULT_ELECTION_PATH } from '../../src/controller/leader-url.js';
import { parseMembers, predecessorOf } from '../../src/controller/leader-members.js';

describe('parseZkUrl', () => {
  it('splits hosts and path', () => {
    expect(parseZkUrl('zk://a:2181,b:2182/mesos/autoscaler')).toEqual({
      ok: true,
      value: { connectString: 'a:2181,b:2182', path: '/mesos/autoscaler' },
    });
  });
  it('adds the default port and path', () => {
    expect(parseZkUrl('zk://master.mesos')).toEqual({ ok: true, value: { connectString: 'master.mesos:2181', path: DEFAULT_ELECTION_PATH } });
    expect(parseZkUrl('zk://h:1/')).toEqual({ ok: true, value: { connectString: 'h:1', path: DEFAULT_ELECTION_PATH } });
  });
  it('rejects other schemes, credentials and bad paths', () => {
    expect(parseZkUrl('http://a:2181/x').ok).toBe(false);
    expect(parseZkUrl('zk://user:pw@a:2181/x').ok).toBe(false);
    expect(parseZkUrl('zk://a:2181/x//y').ok).toBe(false);
    expect(parseZkUrl('zk://a b:2181/x').ok).toBe(false);
  });
});

describe('members', () => {
  const members = parseMembers(['member-0000000010', 'other', 'member-0000000002', 'member-0000000007', 'member-x']);
  it('keeps member nodes sorted by sequence', () => {
    expect(members.map((m) => m.sequence)).toEqual([2, 7, 10]);
  });
  it('watches only the predecessor', () => {
    expect(predecessorOf(members, members[2]!)?.sequence).toBe(7);
    expect(predecessorOf(members, members[1]!)?.sequence).toBe(2);
    expect(predecessorOf(members, members[0]!)).toBeUndefined();
  });
});
