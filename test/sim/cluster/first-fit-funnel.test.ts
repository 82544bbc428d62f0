import { describe, expect, it } from 'vitest';
import { agentSpec, hostsOf, newCluster } from './helpers.js';

// First fit without constraints resumes where the last instance went and skips agents too full
// to matter; the funnel must still count every instance's scan from the first agent, as
// Marathon sees every offer again for every instance. Agents are offered in registration order
// here, so the scans can be followed by hand.
describe('first fit funnel', () => {
  it('counts each instance scanning from the first agent, and the failing scan over all', () => {
    const c = newCluster({ offerOrder: 'registration' });
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 8192, disk: 1000 } }));
    c.addAgent(agentSpec(2, { resources: { cpus: 4, mem: 8192, disk: 1000 } }));
    c.addAgent(agentSpec(3, { resources: { cpus: 2, mem: 1024, disk: 1000 } }));
    c.addAgent(agentSpec(4, { resources: { cpus: 2, mem: 8192, disk: 1000 } }));
    c.createApp({ id: 'w', instances: 5, cpus: 2, mem: 2048 });
    c.clock.advance(1000);
    expect(hostsOf(c, '/w').sort()).toEqual(['node-2', 'node-2', 'node-4']);
    const q = c.getApp('/w')?.queue;
    // Scans: node-1 no, node-2 yes | node-1 no, node-2 yes | 1, 2, 3 no, node-4 yes | 1..4 no.
    expect(q?.lastPass.processed).toBe(2 + 2 + 4 + 4);
    expect(q?.lastPass.used).toBe(3);
    expect(q?.lastPass.declined.InsufficientCpus).toBe(1 + 1 + 2 + 3);
    expect(q?.lastPass.declined.InsufficientMemory).toBe(1 + 1);
    // The newest unused offers, in scan order: the last scans' declines.
    expect(q?.lastUnused.map((o) => `${o.hostname}:${o.reason}`)).toEqual([
      'node-1:InsufficientCpus',
      'node-1:InsufficientCpus',
      'node-1:InsufficientCpus',
      'node-2:InsufficientCpus',
      'node-3:InsufficientMemory',
      'node-1:InsufficientCpus',
      'node-2:InsufficientCpus',
      'node-3:InsufficientMemory',
      'node-4:InsufficientCpus',
    ]);
    expect(q?.lastUsedOfferAt).toBe(c.clock.now());
  });

  it('gives the first reason of the funnel, not the resource, when an agent is also in maintenance', () => {
    const c = newCluster({ offerOrder: 'registration' });
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 8192, disk: 1000 } }));
    c.addAgent(agentSpec(2));
    const r = c.updateMaintenanceSchedule([{ machines: [{ hostname: 'node-1', ip: '10.0.0.1' }], start: c.clock.now() - 1000, durationMs: 3_600_000 }]);
    expect(r.ok).toBe(true);
    c.createApp({ id: 'w', instances: 3, cpus: 2, mem: 512 });
    c.clock.advance(1000);
    expect(hostsOf(c, '/w')).toEqual(['node-2', 'node-2']);
    const q = c.getApp('/w')?.queue;
    expect(q?.lastPass.declined.AgentMaintenance).toBe(3);
    expect(q?.lastPass.declined.InsufficientCpus).toBe(1);
    expect(q?.lastPass.processed).toBe(2 + 2 + 2);
  });
});
