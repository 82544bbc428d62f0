import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { resources } from '../../src/model/resources.js';
import { agent, config, groupState, task } from '../support/builders.js';
import { ProviderError } from './fakes.js';
import { World } from './harness.js';

/**
 * Issue 10's numbered cases, each against a cluster that behaves as Mesos and a cloud do
 * (strict MachineID equality, DOWN agents shut down, deleted VMs gone), with faults injected.
 */
const idle = (n: number, prefix = 'a'): Agent[] => Array.from({ length: n }, (_, i) => agent({ id: `${prefix}${i}` }));
const busyTask = () => task({ resources: resources({ cpus: 1.8, mem: 128 }) });

describe('scale-down that a real master carries out', () => {
  it('1: names the machine by hostname and IP, so the agent really goes DRAINING', async () => {
    const agents = idle(4);
    const w = new World(agents, groupState(agents));
    const c = w.controller(config({ min: 3 }));
    await w.cycles(c, 1);
    expect(w.drainer.windows).toHaveLength(1);
    const named = w.drainer.windows[0]!.machines[0]!;
    const drained = agents.find((a) => a.hostname === named.hostname)!;
    expect(named).toEqual({ hostname: drained.hostname, ip: drained.ip });
    // The observer, matching as Mesos does, sees the agent in maintenance: it is not capacity any more.
    const report = await c.cycle();
    expect(report.plan?.groups[0]?.figures['nodes.registered']).toBe(3);
  });

  it('2: a delete that keeps failing after machine/down drains nothing else and never goes below min, across a restart', async () => {
    const agents = idle(4);
    const w = new World(agents, groupState(agents));
    const failing = w.provider.deleteInstances;
    w.provider.deleteInstances = async () => {
      throw new ProviderError('400 Bad Request', 'invalid', false);
    };
    const first = w.controller(config({ min: 3, scaleDownStep: 4 }));
    await w.cycles(first, 20);
    expect(w.drainer.log.filter((l) => l.startsWith('drain'))).toHaveLength(1);
    expect(w.realAgents()).toBe(3);
    // SIGKILL at the down stage: a new process picks the drain up and deletes only that VM.
    w.provider.deleteInstances = failing;
    const restarted = w.controller(config({ min: 3, scaleDownStep: 4 }));
    await w.cycles(restarted, 10);
    expect(w.deleted).toHaveLength(1);
    expect(w.provider.state.instances).toHaveLength(3);
    expect(w.drainer.windows).toEqual([]);
    expect(w.realAgents()).toBe(3);
  });

  it('3: an operator\'s window is never taken over, its machines never deleted, its nanoseconds kept; a paused group makes no move', async () => {
    const agents = idle(6);
    const w = new World(agents, groupState(agents));
    const ops = { machines: [agents[0]!, agents[1]!].map((a) => ({ hostname: a.hostname, ip: a.ip! })), startNs: '1764410400123456789', durationNs: '86400000000000' };
    w.drainer.windows = [ops];
    const c = w.controller(config({ min: 3 }));
    await w.cycles(c, 8);
    expect(w.drainer.windows[0]).toEqual(ops);
    expect(w.drainer.down_).toEqual([]);
    const deletedHosts = w.deleted.map((id) => agents[Number(id)]!.hostname);
    expect(deletedHosts).not.toContain(agents[0]!.hostname);
    expect(deletedHosts).not.toContain(agents[1]!.hostname);
    expect(w.provider.calls.filter((x) => x.startsWith('set'))).toEqual([]);

    const p = new World(idle(5, 'p'), groupState(idle(5, 'p')));
    const paused = p.controller(config({ min: 3 }));
    paused.setPaused('stateless', true);
    await p.cycles(paused, 3);
    expect(p.drainer.log).toEqual([]);
    expect(p.provider.calls).toEqual([]);
  });

  it('4: an agent outside the scale set with the same short name is never drained, and the busy real one never deleted', async () => {
    const real = agent({ id: 'agent-0', tasks: [busyTask()], usedCpus: 1.8 });
    const realAgent = { ...real, hostname: 'agent-0.dc1.example' };
    const outsider = { ...agent({ id: 'agent-0-dc2' }), hostname: 'agent-0.dc2.example' };
    const others = [1, 2, 3].map((i) => ({ ...agent({ id: `agent-${i}`, tasks: [busyTask()], usedCpus: 1.8 }), hostname: `agent-${i}.dc1.example` }));
    const agents = [realAgent, outsider, ...others];
    const instances = [realAgent, ...others].map((a, i) => ({ id: String(i), hostname: a.hostname.split('.')[0]!, privateIp: a.ip!, state: 'running' as const }));
    const w = new World(agents, { desired: 4, instances });
    const c = w.controller(config({ min: 1 }));
    await w.cycles(c, 6);
    expect(w.drainer.log.filter((l) => l.includes('dc2'))).toEqual([]);
    expect(w.deleted).toEqual([]);
  });

  it('4b: a VM named agent-1 and its agent agent-1.example.internal: a restart finds the drain and deletes the VM', async () => {
    const a1 = { ...agent({ id: 'agent-1' }), hostname: 'agent-1.example.internal' };
    const busy = [2, 3, 4].map((i) => ({ ...agent({ id: `agent-${i}`, usedCpus: 0.4 }), hostname: `agent-${i}.example.internal` }));
    const agents = [a1, ...busy];
    const instances = agents.map((a, i) => ({ id: `vm-${i}`, hostname: a.hostname.split('.')[0]!, privateIp: a.ip!, state: 'running' as const }));
    const w = new World(agents, { desired: 4, instances });
    await w.cycles(w.controller(config({ min: 3 })), 1);
    expect(w.drainer.log).toEqual(['drain agent-1.example.internal']);
    await w.cycles(w.controller(config({ min: 3 })), 4);
    expect(w.deleted).toEqual(['vm-0']);
    expect(w.drainer.windows).toEqual([]);
  });

  it('5: instances that never register are not capacity: real agents stay at min, the ghosts are removed and scale-up backs off', async () => {
    const agents = idle(4);
    const instances = [
      ...agents.map((a, i) => ({ id: String(i), hostname: a.hostname, privateIp: a.ip!, state: 'running' as const })),
      { id: 'g1', hostname: 'ghost-1', privateIp: '10.250.0.1', state: 'running' as const },
      { id: 'g2', hostname: 'ghost-2', privateIp: '10.250.0.2', state: 'running' as const },
    ];
    const w = new World(agents, { desired: 6, instances });
    const c = w.controller(config({ min: 3, scaleDownStep: 4, provisionTimeout: 600 }));
    await w.cycles(c, 30);
    expect(w.realAgents()).toBeGreaterThanOrEqual(3);
    expect(w.deleted).toEqual(expect.arrayContaining(['g1', 'g2']));

    // Provisioning that always fails: the group does not keep buying ghosts up to max.
    const busy = [0, 1, 2].map((i) => agent({ id: `b${i}`, tasks: [busyTask()], usedCpus: 1.8 }));
    const f = new World(busy, groupState(busy));
    const grow = f.provider.setDesiredSize.bind(f.provider);
    let n = 0;
    f.provider.setDesiredSize = async (ref, size) => {
      await grow(ref, size);
      const have = f.provider.state.instances.length;
      const extra = Array.from({ length: Math.max(0, size - have) }, () => ({ id: `new-${++n}`, hostname: `new-${n}`, privateIp: `10.251.0.${n}`, state: 'running' as const }));
      f.provider.state = { ...f.provider.state, instances: [...f.provider.state.instances, ...extra] };
    };
    const cf = f.controller(config({ min: 3, max: 12, provisionTimeout: 600 }));
    await f.cycles(cf, 30);
    expect(f.provider.calls.filter((x) => x.startsWith('set')).length).toBeLessThanOrEqual(3);
    expect(f.provider.state.instances.length).toBeLessThanOrEqual(5);
  });

  it('6: a drain never completes without its VM deleted, when the cloud cannot be read', async () => {
    const agents = idle(4);
    const w = new World(agents, groupState(agents));
    const c = w.controller(config({ min: 3 }));
    await w.cycles(c, 2); // drain, down
    expect(w.drainer.down_).toHaveLength(1);
    const describe = w.provider.describe.bind(w.provider);
    w.provider.describe = async () => {
      throw new ProviderError('403 Forbidden on the network interfaces', 'auth', false);
    };
    await w.cycles(c, 5);
    expect(w.drainer.windows).toHaveLength(1);
    expect(w.deleted).toEqual([]);
    w.provider.describe = describe;
    await w.cycles(c, 3);
    expect(w.deleted).toHaveLength(1);
    expect(w.drainer.windows).toEqual([]);
  });

  it('7: a new leader or a restarted process does not buy again what is still booting', async () => {
    const busy = [0, 1, 2].map((i) => agent({ id: `u${i}`, tasks: [busyTask()], usedCpus: 1.8 }));
    const w = new World(busy, groupState(busy));
    const grow = w.provider.setDesiredSize.bind(w.provider);
    w.provider.setDesiredSize = async (ref, size) => {
      await grow(ref, size);
      const extra = Array.from({ length: size - w.provider.state.instances.length }, (_, i) => ({ id: `n${i}`, hostname: `n${i}`, privateIp: `10.252.0.${i}`, state: 'creating' as const }));
      w.provider.state = { ...w.provider.state, instances: [...w.provider.state.instances, ...extra] };
    };
    await w.cycles(w.controller(config({ min: 3 })), 1);
    expect(w.provider.calls).toEqual(['set 5']);
    await w.cycles(w.controller(config({ min: 3 })), 3);
    expect(w.provider.calls).toEqual(['set 5']);
  });

  it('8: a replica whose clock is 2 h ahead does not take a fresh drain for timed out', async () => {
    const agents = [agent({ id: 'k0', tasks: [task({ resources: resources({ cpus: 0.1 }) })], usedCpus: 0.1 }), ...[1, 2, 3].map((i) => agent({ id: `k${i}`, usedCpus: 0.5 }))];
    const w = new World(agents, groupState(agents));
    await w.cycles(w.controller(config({ min: 3, scaleDown: { drainTimeout: 600 } })), 1);
    expect(w.drainer.windows).toHaveLength(1);
    const ahead = w.controller(config({ min: 3, scaleDown: { drainTimeout: 600 } }), { clock: { now: () => w.t + 2 * 3600_000 } });
    await w.cycles(ahead, 3);
    expect(w.drainer.down_).toEqual([]);
    expect(w.deleted).toEqual([]);
  });

  it('9: impossible or partial data is not acted on', async () => {
    const agents = [agent({ id: 'x0', cpus: 4, usedCpus: 400 }), ...[1, 2].map((i) => agent({ id: `x${i}`, usedCpus: 1.9 }))];
    const w = new World(agents, groupState(agents));
    const r = await w.controller(config({ min: 1 })).cycle();
    expect(r.plan?.skipped).toMatch(/400 allocated of 4/);
    expect(w.provider.calls).toEqual([]);

    const four = [0, 1, 2, 3].map((i) => agent({ id: `y${i}`, usedCpus: 0.2 }));
    const p = new World(four, groupState(four));
    const c = p.controller(config({ min: 1, scaleDownStep: 4, scaleDown: { maxParallel: 4 } }));
    await c.cycle(); // the full list first
    const drainsBefore = p.drainer.log.length;
    p.hide = new Set(['y2', 'y3']);
    const partial = await c.cycle();
    expect(partial.plan?.skipped).toMatch(/2 agent\(s\) \(with DOWN machines\), 4 a cycle before/);
    expect(p.drainer.log.length).toBe(drainsBefore);
    expect(p.deleted).toEqual([]);
  });

  it('drains a Mesos 1.9+ agent through DRAIN_AGENT (marked grace period), deletes its VM only once DRAINED, and keeps an operator\'s DRAIN_AGENT', async () => {
    const v19 = (id: string, used = 0): Agent => ({ ...agent({ id, usedCpus: used, ...(used ? { tasks: [task({ resources: resources({ cpus: used }) })] } : {}) }), version: '1.9.0' });
    const agents = [v19('d0', 0.1), v19('d1', 0.5), v19('d2', 0.5), { ...v19('op'), draining: true, active: false, drainInfo: { state: 'DRAINED', maxGracePeriodNs: '30000000000' } }];
    const w = new World(agents, groupState(agents));
    const c = w.controller(config({ min: 2, scaleDown: { drainTimeout: 600 } }));
    await w.cycles(c, 1);
    expect(w.drainer.log).toEqual(['drain-agent d0']);
    expect(w.drainer.drained.get('d0')).toBe('600000000317');
    expect(w.drainer.windows).toEqual([]);
    await w.cycles(c, 3);
    expect(w.deleted).toEqual([]); // its task still runs: DRAINING
    w.agents = w.agents.map((a) => (a.id === 'd0' ? { ...a, tasks: [], used: resources({}) } : a));
    await w.cycles(c, 2);
    expect(w.deleted).toEqual(['0']);
    await w.cycles(c, 4);
    expect(w.deleted).toEqual(['0']); // the operator's drained agent is not ours
    expect(w.drainer.log.filter((l) => l.includes('op'))).toEqual([]);
  });

  it('10: static reservations (DC/OS public agents) do not block removal; dynamic ones and volumes do', async () => {
    const pub = (id: string): Agent => ({ ...agent({ id, attributes: { public_ip: 'true' } }), reservedRoles: ['slave_public'], dynamicRoles: [] });
    const agents = [0, 1, 2, 3, 4].map((i) => pub(`pub${i}`));
    const w = new World(agents, groupState(agents));
    const cfg = config({ min: 1, selector: { public_ip: 'true' }, scaleDown: { maxParallel: 4 }, scaleDownStep: 4 });
    await w.cycles(w.controller(cfg), 12);
    expect(w.deleted.length).toBeGreaterThan(0);

    const held = [
      { ...agent({ id: 'dyn' }), reservedRoles: ['db'], dynamicRoles: ['db'] },
      agent({ id: 'vol', volumes: 1 }),
      agent({ id: 'h2', usedCpus: 1.5 }),
    ];
    const h = new World(held, groupState(held));
    await h.cycles(h.controller(config({ min: 1, scaleDownStep: 2 })), 8);
    expect(h.drainer.log.filter((l) => l.includes('dyn') || l.includes('vol'))).toEqual([]);
  });
});
