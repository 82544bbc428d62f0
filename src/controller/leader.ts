import zookeeper from 'node-zookeeper-client';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import type { DescribedGate, LeaderRole, LeaderStatus } from './leader-gate.js';
import { parseZkUrl, type ZkTarget } from './leader-url.js';
import { MEMBER_PREFIX, parseMembers, predecessorOf, type Member } from './leader-members.js';
import { zkCall, zkConnect, isNoNode, isNodeExists } from './leader-zk.js';

export { AlwaysLeader, type LeadershipGate, type DescribedGate, type LeaderStatus, type LeaderRole } from './leader-gate.js';
export { parseZkUrl, type ZkTarget } from './leader-url.js';

export interface LeaderElectionOptions {
  /** `zk://host1:2181,host2:2181/path`. */
  readonly url: string;
  /** Stored as the member node's data, so operators can see who leads. */
  readonly replicaId: string;
  /** Requested ZooKeeper session timeout; the server may negotiate it within its bounds. */
  readonly sessionTimeoutMs?: number;
  /** Pause before re-joining after a lost session (doubles up to 16x while ZooKeeper is unreachable). */
  readonly rejoinDelayMs?: number;
  readonly logger?: Logger;
  /** Injected for tests; defaults to node-zookeeper-client's createClient. */
  readonly createClient?: (connectString: string, options: Partial<zookeeper.Option>) => zookeeper.Client;
}

type Listener<T> = (value: T) => void;

/**
 * Leader election with the ZooKeeper recipe: every replica creates an
 * EPHEMERAL_SEQUENTIAL `member-` node; the lowest sequence leads; each follower
 * watches only its predecessor, so a departure wakes one replica, not all.
 *
 * Safety first: when the session is in doubt (disconnect, expiry, or no answer from
 * the server for 60% of the session timeout) the leader steps down synchronously,
 * before any other work, and re-joins on a fresh session. Since the server expires
 * a session only after the full timeout, this replica has stopped acting before any
 * other replica can be elected.
 */
export class LeaderElection implements DescribedGate {
  readonly #target: ZkTarget;
  readonly #opts: LeaderElectionOptions;
  readonly #elected = new Set<Listener<number>>();
  readonly #deposed = new Set<Listener<string>>();
  #leader = false;
  #term = 0;
  #role: LeaderRole = 'joining';
  #since = Date.now();
  /** Replica id of the leader, as a follower last read it. */
  #leaderId: string | undefined;
  /** Bumped on every new session; callbacks from an older one are ignored. */
  #generation = 0;
  #client: zookeeper.Client | undefined;
  #myPath: string | undefined;
  /** Member nodes of earlier sessions of this process, removed on re-join so they do not block the election. */
  readonly #stalePaths = new Set<string>();
  #stopped = false;
  #failures = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #rejoinTimer: NodeJS.Timeout | undefined;
  #lastContact = 0;

  constructor(options: LeaderElectionOptions) {
    const target = parseZkUrl(options.url);
    if (!target.ok) throw new Error(target.error);
    this.#target = target.value;
    this.#opts = options;
  }

  get path(): string {
    return this.#target.path;
  }

  /** Path of this replica's member node in the current session, if joined. */
  get memberPath(): string | undefined {
    return this.#myPath;
  }

  isLeader(): boolean {
    return this.#leader;
  }

  term(): number {
    return this.#leader ? this.#term : 0;
  }

  role(): LeaderRole {
    return this.#role;
  }

  describe(): LeaderStatus {
    const leaderId = this.#leader ? this.#opts.replicaId : this.#leaderId;
    return { mode: 'zookeeper', role: this.#role, term: this.term(), replicaId: this.#opts.replicaId, ...(leaderId !== undefined ? { leaderId } : {}), since: this.#since };
  }

  /** Called with the new term each time this replica becomes leader. Returns an unsubscribe function. */
  onElected(listener: Listener<number>): () => void {
    this.#elected.add(listener);
    return () => this.#elected.delete(listener);
  }

  /** Called with a reason each time this replica stops being leader. */
  onDeposed(listener: Listener<string>): () => void {
    this.#deposed.add(listener);
    return () => this.#deposed.delete(listener);
  }

  /**
   * Joins the election; resolves after the first attempt (with a member node when it
   * succeeded). A failed attempt keeps retrying in the background with backoff.
   */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#join();
  }

  /** Leaves the election: steps down and removes the member node, so a follower takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#depose('stopped');
    this.#setRole('stopped');
    clearTimeout(this.#rejoinTimer);
    clearInterval(this.#watchdog);
    this.#generation++;
    const client = this.#client;
    const path = this.#myPath;
    this.#client = undefined;
    this.#myPath = undefined;
    if (client && path) await zkCall<void>((cb) => client.remove(path, -1, (e) => cb(e, undefined)), 2_000);
    client?.close();
  }

  async #join(): Promise<void> {
    const generation = ++this.#generation;
    const log = this.#opts.logger;
    this.#setRole('joining');
    const client = (this.#opts.createClient ?? zookeeper.createClient)(this.#target.connectString, {
      sessionTimeout: this.#opts.sessionTimeoutMs ?? 10_000,
      spinDelay: 200,
      retries: 1,
    });
    this.#client = client;
    const connected = await zkConnect(client, this.#opts.sessionTimeoutMs ?? 10_000);
    if (!this.#current(generation)) return client.close();
    if (!connected.ok) return this.#lost(generation, `cannot connect to ZooKeeper: ${connected.error}`);
    this.#lastContact = Date.now();
    client.on('state', (state: zookeeper.State) => {
      if (state === zookeeper.State.DISCONNECTED || state === zookeeper.State.EXPIRED)
        this.#lost(generation, `ZooKeeper session ${state.name.toLowerCase()}`);
    });
    this.#startWatchdog(generation, client);

    const made = await zkCall<string>((cb) => client.mkdirp(this.#target.path, zookeeper.CreateMode.PERSISTENT, cb));
    if (!this.#current(generation)) return;
    if (!made.ok && !isNodeExists(made.error)) return this.#lost(generation, `cannot create ${this.#target.path}: ${made.error.message}`);
    for (const stale of [...this.#stalePaths]) {
      const removed = await zkCall<void>((cb) => client.remove(stale, -1, (e) => cb(e, undefined)));
      if (removed.ok || isNoNode(removed.error)) this.#stalePaths.delete(stale);
    }
    const created = await zkCall<string>((cb) =>
      client.create(
        `${this.#target.path}/${MEMBER_PREFIX}`,
        Buffer.from(this.#opts.replicaId),
        zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
        cb,
      ),
    );
    if (!this.#current(generation)) {
      // Lost the session while creating: the node dies with it, but remove it in case it did not.
      if (created.ok) this.#stalePaths.add(created.value);
      return;
    }
    if (!created.ok) return this.#lost(generation, `cannot create member node: ${created.error.message}`);
    this.#myPath = created.value;
    this.#failures = 0;
    log?.info({ path: created.value, replica: this.#opts.replicaId }, 'joined leader election');
    await this.#check(generation, client);
  }

  /** Leader if lowest; otherwise watch the predecessor and check again when it goes. */
  async #check(generation: number, client: zookeeper.Client): Promise<void> {
    const children = await zkCall<string[]>((cb) => client.getChildren(this.#target.path, (e, c) => cb(e, c)));
    if (!this.#current(generation)) return;
    if (!children.ok) return this.#lost(generation, `cannot list members: ${children.error.message}`);
    this.#lastContact = Date.now();
    const members = parseMembers(children.value);
    const mine = members.find((m) => `${this.#target.path}/${m.name}` === this.#myPath);
    if (!mine) return this.#lost(generation, 'own member node disappeared');
    const before = predecessorOf(members, mine);
    if (!before) return this.#elect(mine);
    this.#setRole('follower');
    await this.#readLeaderId(client, members[0]);
    await this.#watch(generation, client, before);
  }

  /** Who leads, for the status page: the lowest member's data is its replica id. Best effort. */
  async #readLeaderId(client: zookeeper.Client, lowest: Member | undefined): Promise<void> {
    if (!lowest) return;
    const data = await zkCall<Buffer | undefined>((cb) => client.getData(`${this.#target.path}/${lowest.name}`, (e, d) => cb(e, d ?? undefined)));
    this.#leaderId = data.ok && data.value ? data.value.toString('utf8') : undefined;
  }

  async #watch(generation: number, client: zookeeper.Client, predecessor: Member): Promise<void> {
    const path = `${this.#target.path}/${predecessor.name}`;
    const watcher = (event: zookeeper.Event): void => {
      if (this.#current(generation) && event.getType() === zookeeper.Event.NODE_DELETED) void this.#check(generation, client);
    };
    const stat = await zkCall<zookeeper.Stat | null>((cb) => client.exists(path, watcher, (e, s) => cb(e, s ?? null)));
    if (!this.#current(generation)) return;
    if (!stat.ok) return this.#lost(generation, `cannot watch ${path}: ${stat.error.message}`);
    // Gone between listing and watching: look again instead of waiting for an event that will not come.
    if (stat.value === null) await this.#check(generation, client);
  }

  #elect(mine: Member): void {
    if (this.#leader) return;
    this.#term = mine.sequence + 1;
    this.#leader = true;
    this.#setRole('leader');
    this.#opts.logger?.warn({ term: this.#term, replica: this.#opts.replicaId }, 'elected leader');
    for (const l of this.#elected) this.#safe(() => l(this.#term));
  }

  /** Steps down first, then tells listeners. Synchronous on purpose: nothing may act in between. */
  #depose(reason: string): void {
    if (!this.#leader) return;
    this.#leader = false;
    this.#setRole('follower');
    this.#opts.logger?.warn({ reason, replica: this.#opts.replicaId }, 'deposed');
    for (const l of this.#deposed) this.#safe(() => l(reason));
  }

  /** The session can no longer be trusted: step down at once, drop the client, re-join on a new session. */
  #lost(generation: number, reason: string): void {
    if (!this.#current(generation)) return;
    this.#depose(reason);
    this.#generation++;
    clearInterval(this.#watchdog);
    if (this.#myPath) this.#stalePaths.add(this.#myPath);
    this.#myPath = undefined;
    const client = this.#client;
    this.#client = undefined;
    client?.close();
    if (this.#stopped) return;
    this.#setRole('joining');
    this.#opts.logger?.warn({ reason }, 'left leader election; re-joining');
    const base = this.#opts.rejoinDelayMs ?? 250;
    const delay = base * 2 ** Math.min(this.#failures++, 4);
    this.#rejoinTimer = setTimeout(() => {
      if (!this.#stopped) void this.#join().catch((e: unknown) => this.#lost(this.#generation, errorMessage(e)));
    }, delay);
  }

  /**
   * node-zookeeper-client keeps pinging a silent server without ever reporting a
   * disconnect, so probe it ourselves and give up well before the server would
   * expire our session.
   */
  #startWatchdog(generation: number, client: zookeeper.Client): void {
    const timeout = client.getSessionTimeout() || (this.#opts.sessionTimeoutMs ?? 10_000);
    const limit = timeout * 0.6;
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => {
      if (!this.#current(generation)) return;
      if (Date.now() - this.#lastContact > limit) return this.#lost(generation, `no answer from ZooKeeper for ${Math.round(limit)} ms`);
      client.exists(this.#target.path, (e) => {
        if (!e && this.#current(generation)) this.#lastContact = Date.now();
      });
    }, Math.max(50, Math.floor(timeout / 8)));
    this.#watchdog.unref();
  }

  #current(generation: number): boolean {
    return generation === this.#generation && !this.#stopped;
  }

  #setRole(role: LeaderRole): void {
    if (role === this.#role) return;
    this.#role = role;
    this.#since = Date.now();
  }

  #safe(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#opts.logger?.error({ err: errorMessage(e) }, 'leadership listener failed');
    }
  }
}
