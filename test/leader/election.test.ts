import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import zookeeper from 'node-zookeeper-client';
import { LeaderElection } from '../../src/controller/leader.js';
import { fourLetter, startZookeeper, waitFor, type ZooKeeperService } from '../support/services.js';
import { conflicts, type ActionEntry } from './replica-log.js';

const SESSION_MS = 2_000;
let zk: ZooKeeperService;
const elections: LeaderElection[] = [];
let pathCounter = 0;

function replica(url: string, id: string, extra: Partial<ConstructorParameters<typeof LeaderElection>[0]> = {}): LeaderElection {
  const e = new LeaderElection({ url, replicaId: id, sessionTimeoutMs: SESSION_MS, rejoinDelayMs: 50, ...extra });
  elections.push(e);
  return e;
}

function freshUrl(): string {
  return zk.zkUrl(`/test/election-${++pathCounter}`);
}

/** Children of a znode with their data, read with a separate client. */
async function members(path: string): Promise<Record<string, string>> {
  const client = zookeeper.createClient(zk.connectString, { sessionTimeout: SESSION_MS });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  try {
    const names = await new Promise<string[]>((resolve, reject) => client.getChildren(path, (e, c) => (e ? reject(e) : resolve(c))));
    const out: Record<string, string> = {};
    for (const n of names)
      out[n] = await new Promise<string>((resolve, reject) => client.getData(`${path}/${n}`, (e, d) => (e ? reject(e) : resolve(d.toString()))));
    return out;
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  zk = await startZookeeper();
});

afterEach(async () => {
  await Promise.all(elections.splice(0).map((e) => e.stop()));
});

afterAll(async () => {
  await zk?.stop();
});

describe('LeaderElection on a real ZooKeeper', () => {
  it('elects exactly one of two replicas and registers each with its id', async () => {
    const url = freshUrl();
    const a = replica(url, 'replica-a');
    const b = replica(url, 'replica-b');
    await a.start();
    await b.start();
    await waitFor('a leader', () => (a.isLeader() || b.isLeader() ? true : undefined));
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(a.isLeader()).toBe(true); // joined first: lowest sequence
    expect(b.role()).toBe('follower');
    expect(b.term()).toBe(0);
    expect(a.term()).toBeGreaterThan(0);
    // Each says who leads (the status page's leader line).
    expect(a.describe().leaderId).toBe('replica-a');
    await waitFor('b knows the leader', () => (b.describe().leaderId === 'replica-a' ? true : undefined));
    const nodes = await members(a.path);
    expect(Object.values(nodes).sort()).toEqual(['replica-a', 'replica-b']);
    expect(Object.keys(nodes).every((n) => n.startsWith('member-'))).toBe(true);
  });

  it('followers watch only their predecessor (no herd on the parent)', async () => {
    const url = freshUrl();
    const rs = ['a', 'b', 'c', 'd'].map((id) => replica(url, id));
    for (const r of rs) await r.start();
    await waitFor('one leader', () => (rs.filter((r) => r.isLeader()).length === 1 ? true : undefined));
    const path = rs[0]!.path;
    // `wchp` lists every watched path followed by the sessions watching it.
    const wchp = await waitFor('watches', async () => {
      const text = await fourLetter(zk.port, 'wchp');
      return text.includes(path) ? text : undefined;
    });
    const watched = new Map<string, number>();
    let current = '';
    for (const line of wchp.split('\n')) {
      if (line.startsWith('/')) watched.set((current = line.trim()), 0);
      else if (line.trim().startsWith('0x') && current) watched.set(current, (watched.get(current) ?? 0) + 1);
    }
    const ours = [...watched].filter(([p]) => p.startsWith(path));
    expect(ours.map(([p]) => p)).not.toContain(path);
    expect(ours).toHaveLength(3);
    expect(ours.every(([, n]) => n === 1)).toBe(true);
    // The first three members are watched, each by its successor; the last by nobody.
    const names = rs.map((r) => r.memberPath!).sort();
    expect(ours.map(([p]) => p).sort()).toEqual(names.slice(0, 3));
  });

  it('hands over at once when the leader stops, and removes its node', async () => {
    const url = freshUrl();
    const a = replica(url, 'a');
    const b = replica(url, 'b');
    await a.start();
    await b.start();
    await waitFor('a leads', () => (a.isLeader() ? true : undefined));
    const termA = a.term();
    const t0 = Date.now();
    await a.stop();
    expect(a.isLeader()).toBe(false);
    const termB = await waitFor('b leads', () => (b.isLeader() ? b.term() : undefined), SESSION_MS);
    expect(Date.now() - t0).toBeLessThan(SESSION_MS);
    expect(termB).toBeGreaterThan(termA);
    expect(Object.values(await members(a.path))).toEqual(['b']);
  });

  it('steps down synchronously on disconnect, then re-joins on a new session', async () => {
    const url = freshUrl();
    let client: zookeeper.Client | undefined;
    const a = replica(url, 'a', {
      createClient: (cs, o) => (client = zookeeper.createClient(cs, o)),
    });
    const seenInListener: boolean[] = [];
    a.onDeposed(() => seenInListener.push(a.isLeader()));
    await a.start();
    await waitFor('a leads', () => (a.isLeader() ? true : undefined));
    const firstTerm = a.term();
    const firstClient = client!;
    const firstPath = a.memberPath;
    // What the client emits when its connection drops.
    firstClient.emit('state', zookeeper.State.DISCONNECTED);
    expect(a.isLeader()).toBe(false);
    expect(seenInListener).toEqual([false]);
    const secondTerm = await waitFor('a leads again', () => (a.isLeader() ? a.term() : undefined), 3 * SESSION_MS);
    expect(secondTerm).toBeGreaterThan(firstTerm);
    expect(client).not.toBe(firstClient);
    expect(a.memberPath).not.toBe(firstPath);
    // The old session's node was cleaned up instead of blocking the election until expiry.
    expect(Object.keys(await members(a.path))).toEqual([a.memberPath!.split('/').pop()]);
  });

  it('never lets two leaderships overlap across repeated hand-overs', async () => {
    const url = freshUrl();
    const actions: ActionEntry[] = [];
    const slot = 20;
    const clients = new Map<string, zookeeper.Client>();
    const rs = ['a', 'b', 'c'].map((id) =>
      replica(url, id, { createClient: (cs, o) => clients.set(id, zookeeper.createClient(cs, o)).get(id)! }),
    );
    for (const r of rs) await r.start();
    const loops = rs.map((r, i) =>
      setInterval(() => {
        if (r.isLeader()) actions.push({ replica: String(i), term: r.term(), cycle: Math.floor(Date.now() / slot), at: performance.timeOrigin + performance.now() });
      }, 3),
    );
    try {
      for (let round = 0; round < 4; round++) {
        const leader = await waitFor('a leader', () => rs.find((r) => r.isLeader()), SESSION_MS * 2);
        await new Promise((r) => setTimeout(r, 100));
        // Alternate between a clean stop + re-join and a dropped connection.
        if (round % 2 === 0) {
          await leader.stop();
          await leader.start();
        } else {
          const id = ['a', 'b', 'c'][rs.indexOf(leader)]!;
          clients.get(id)!.emit('state', zookeeper.State.DISCONNECTED);
        }
      }
      await waitFor('a leader', () => rs.find((r) => r.isLeader()), SESSION_MS * 2);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      loops.forEach(clearInterval);
    }
    expect(actions.length).toBeGreaterThan(20);
    expect(new Set(actions.map((a) => a.replica)).size).toBeGreaterThan(1);
    // A clean hand-over can fall inside one wall-clock slot, so here the check is the
    // stricter one: leaderships never overlap in time and each term has one replica.
    const found = conflicts(actions);
    expect(found.terms).toEqual([]);
    expect(found.overlaps).toBe(0);
    expect(new Set(actions.map((a) => a.term)).size).toBeGreaterThanOrEqual(4);
  });
});

describe('LeaderElection when ZooKeeper hangs', () => {
  let frozenZk: ZooKeeperService;
  beforeAll(async () => {
    frozenZk = await startZookeeper();
  });
  afterAll(async () => {
    await frozenZk?.stop();
  });

  it('the leader steps down well before its session could expire, and one leader returns after', async () => {
    const url = frozenZk.zkUrl('/test/frozen');
    const a = replica(url, 'a');
    const b = replica(url, 'b');
    await a.start();
    await b.start();
    await waitFor('a leads', () => (a.isLeader() ? true : undefined));
    const t0 = Date.now();
    frozenZk.freeze();
    try {
      await waitFor('a steps down', () => (a.isLeader() ? undefined : true), SESSION_MS);
      expect(Date.now() - t0).toBeLessThan(SESSION_MS);
      expect(b.isLeader()).toBe(false);
    } finally {
      frozenZk.thaw();
    }
    await waitFor('one leader again', () => ([a, b].filter((r) => r.isLeader()).length === 1 ? true : undefined), 6 * SESSION_MS);
    await new Promise((r) => setTimeout(r, 500));
    expect([a, b].filter((r) => r.isLeader())).toHaveLength(1);
  });
});
