/**
 * One autoscaler replica in its own process, for the failover test: joins the election
 * and runs a simulated loop that acts only while leader, printing every action as a
 * JSON line `{"type":"action","replica","term","cycle"}`.
 * Usage: node --import tsx replica-child.ts <zk-url> <replica-id> <session-timeout-ms> <cycle-ms>
 */
import { LeaderElection } from '../../src/controller/leader.js';

const [url, replica, sessionTimeout, cycleMs] = process.argv.slice(2);
if (!url || !replica) throw new Error('usage: replica-child.ts <zk-url> <replica-id> <session-timeout-ms> <cycle-ms>');
const slot = Number(cycleMs ?? 50);
const say = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ replica, ...o })}\n`);

const election = new LeaderElection({ url, replicaId: replica, sessionTimeoutMs: Number(sessionTimeout ?? 2000) });
election.onElected((term) => say({ type: 'elected', term }));
election.onDeposed((reason) => say({ type: 'deposed', reason }));
await election.start();
say({ type: 'joined', path: election.memberPath });

setInterval(() => {
  // The check sits right before the action, as in the controller.
  if (election.isLeader()) say({ type: 'action', term: election.term(), cycle: Math.floor(Date.now() / slot), at: performance.timeOrigin + performance.now() });
}, Math.max(5, Math.floor(slot / 3)));

process.on('SIGTERM', () => {
  void election.stop().then(() => process.exit(0));
});
