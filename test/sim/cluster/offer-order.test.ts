import { describe, expect, it } from 'vitest';
import { agentSpec, hostsOf, newCluster } from './helpers.js';

/**
 * Mesos' allocator shuffles the agents before every allocation (hierarchical.cpp `__allocate`),
 * so work that arrives one instance at a time lands all over the cluster, not on the oldest
 * agents. An emulator that always offered the oldest agent first would leave the newest ones
 * empty and easy to scale down: kinder than a real master.
 */
describe('the order a pass offers agents in', () => {
  /** Ten agents; one instance of a new app per pass, `apps` times; the hosts they landed on. */
  const oneAtATime = (order: 'rotating' | 'registration', seed: number, apps = 40): string[] => {
    const c = newCluster({ seed, offerOrder: order });
    for (let i = 1; i <= 10; i++) c.addAgent(agentSpec(i));
    const hosts: string[] = [];
    for (let i = 0; i < apps; i++) {
      c.createApp({ id: `a${i}`, instances: 1, cpus: 0.1, mem: 32 });
      c.clock.advance(1000);
      hosts.push(...hostsOf(c, `/a${i}`));
    }
    return hosts;
  };

  it('starts every pass at a random agent by default: single instances spread over the agents', () => {
    const hosts = oneAtATime('rotating', 7);
    expect(hosts).toHaveLength(40);
    // 40 draws over 10 agents with room: all on one agent has probability 10^-39.
    expect(new Set(hosts).size).toBeGreaterThanOrEqual(6);
  });

  it('is the same for the same seed, and differs for another', () => {
    expect(oneAtATime('rotating', 7)).toEqual(oneAtATime('rotating', 7));
    expect(oneAtATime('rotating', 7)).not.toEqual(oneAtATime('rotating', 8));
  });

  it('offers the oldest agent first in registration order', () => {
    expect(new Set(oneAtATime('registration', 7))).toEqual(new Set(['node-1']));
  });

  it('wraps around: an instance finds the one agent with room wherever the pass starts', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const c = newCluster({ seed });
      for (let i = 1; i <= 6; i++) c.addAgent(agentSpec(i, { resources: { cpus: i === 2 ? 4 : 1, mem: 8192, disk: 1000 } }));
      c.createApp({ id: 'fill', instances: 5, cpus: 1, mem: 32, constraints: [{ field: 'hostname', operator: 'UNLIKE', value: 'node-2' }] });
      c.clock.advance(1000);
      expect(new Set(hostsOf(c, '/fill')).size).toBe(5);
      c.createApp({ id: 'w', instances: 3, cpus: 1, mem: 32 });
      c.clock.advance(1000);
      expect(hostsOf(c, '/w')).toEqual(['node-2', 'node-2', 'node-2']);
    }
  });

  it('fills an offer before the next within a pass, as Marathon matches offers in turn', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const c = newCluster({ seed });
      for (let i = 1; i <= 4; i++) c.addAgent(agentSpec(i));
      c.createApp({ id: 'web', instances: 6, cpus: 1, mem: 512 });
      c.clock.advance(1000);
      const counts = [...hostsOf(c, '/web').reduce((m, h) => m.set(h, (m.get(h) ?? 0) + 1), new Map<string, number>()).values()].sort();
      // 4 cpus per agent: the first agent offered takes four, the next two.
      expect(counts).toEqual([2, 4]);
    }
  });

  it('counts a failing app\'s funnel over every agent, whatever the start', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const c = newCluster({ seed });
      for (let i = 1; i <= 5; i++) c.addAgent(agentSpec(i, { resources: { cpus: 2, mem: i === 3 ? 1024 : 8192, disk: 1000 } }));
      c.createApp({ id: 'big', instances: 1, cpus: 3, mem: 2048 });
      c.clock.advance(1000);
      const q = c.getApp('/big')?.queue;
      expect(q?.lastPass.processed).toBe(5);
      expect(q?.lastPass.used).toBe(0);
      expect(q?.lastPass.declined.InsufficientCpus).toBe(5);
    }
  });
});
