import type { StatusStore } from './status-store.js';

/** The part of LeaderElection this needs, so the server does not depend on ZooKeeper. */
export interface LeadershipEvents {
  onElected(listener: (term: number) => void): () => void;
  onDeposed(listener: (reason: string) => void): () => void;
}

/** Writes leadership changes to the status event log. Returns a function that stops it. */
export function logLeadership(store: StatusStore, election: LeadershipEvents): () => void {
  const offElected = election.onElected((term) => store.event('warn', `elected leader (term ${term})`));
  const offDeposed = election.onDeposed((reason) => store.event('warn', `no longer leader: ${reason}`));
  return () => {
    offElected();
    offDeposed();
  };
}
