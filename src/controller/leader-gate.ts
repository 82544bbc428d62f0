/**
 * What the controller asks right before every action. With several replicas only the
 * elected one acts; `term()` tags each action so a log can prove that no two replicas
 * acted under the same leadership.
 */
export interface LeadershipGate {
  isLeader(): boolean;
  /** Term of the current leadership (strictly increasing across replicas); 0 when not leader. */
  term(): number;
}

export type LeaderRole = 'leader' | 'follower' | 'joining' | 'stopped';

/** Leadership as shown on /status and /readyz. */
export interface LeaderStatus {
  readonly mode: 'single' | 'zookeeper';
  readonly role: LeaderRole;
  readonly term: number;
  readonly replicaId?: string;
  /** A follower's view of who leads: the leading replica's id, as stored in its member node. */
  readonly leaderId?: string;
  /** Epoch ms of the last role change. */
  readonly since?: number;
}

export interface DescribedGate extends LeadershipGate {
  describe(): LeaderStatus;
}

/** The single-replica case: always allowed to act, in one fixed term. */
export class AlwaysLeader implements DescribedGate {
  readonly #since = Date.now();

  isLeader(): boolean {
    return true;
  }

  term(): number {
    return 1;
  }

  describe(): LeaderStatus {
    return { mode: 'single', role: 'leader', term: 1, since: this.#since };
  }
}
