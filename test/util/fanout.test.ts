import { describe, expect, it } from 'vitest';
import { Fanout } from '../../src/util/fanout.js';

describe('Fanout', () => {
  it('a consumer joining between starting events waits for the next one; one joining with a first event starts there', async () => {
    const f = new Fanout<string, Error>((e) => e.startsWith('start'));
    const late: string[] = [];
    const replayed: string[] = [];
    const ends = [f.join((e) => void late.push(e), undefined), f.join((e) => void replayed.push(e), undefined, 'start-0')];
    for (const e of ['a', 'start-1', 'b']) await f.publish(e);
    f.disconnected('ended');
    expect(await Promise.all(ends)).toEqual([{ ok: true, value: 'ended' }, { ok: true, value: 'ended' }]);
    expect(late).toEqual(['start-1', 'b']);
    expect(replayed).toEqual(['start-0', 'a', 'start-1', 'b']);
  });

  it('without a start rule every consumer sees every event; abort ends one consumer and removes its listener', async () => {
    const f = new Fanout<number, Error>();
    const ac = new AbortController();
    const seen: number[] = [];
    const other: number[] = [];
    const mine = f.join((e) => void seen.push(e), ac.signal);
    const theirs = f.join((e) => void other.push(e), undefined);
    await f.publish(1);
    ac.abort();
    await f.publish(2);
    expect(await mine).toEqual({ ok: true, value: 'aborted' });
    f.disconnected(new Error('connection lost'));
    expect(await theirs).toMatchObject({ ok: false, error: { message: 'connection lost' } });
    expect(seen).toEqual([1]);
    expect(other).toEqual([1, 2]);
    expect(await f.join(() => undefined, ac.signal)).toEqual({ ok: true, value: 'aborted' });
  });
});
