import { describe, expect, it } from 'vitest';
import { agentSpec, hostsOf, newCluster } from './helpers.js';

describe('placement', () => {
  it('places instances first-fit after one allocation interval and starts them', () => {
    const c = newCluster({ offerOrder: 'registration' });
    for (let i = 1; i <= 2; i++) c.addAgent(agentSpec(i));
    c.createApp({ id: 'web', instances: 5, cpus: 1, mem: 512, ports: 2 });
    expect(c.taskCount).toBe(0);
    c.clock.advance(1000);
    expect(c.taskCount).toBe(5);
    expect(hostsOf(c, '/web').sort()).toEqual(['node-1', 'node-1', 'node-1', 'node-1', 'node-2']);
    expect([...c.tasks()].every((t) => t.state === 'TASK_STAGING')).toBe(true);
    c.clock.advance(1000);
    expect([...c.tasks()].every((t) => t.state === 'TASK_RUNNING')).toBe(true);
    const ports = [...c.tasks()].flatMap((t) => [...t.ports]);
    expect(new Set(ports.filter((_, i) => i < 8)).size).toBe(8);
  });

  it('UNIQUE on hostname puts one instance per agent and queues the rest', () => {
    const c = newCluster();
    for (let i = 1; i <= 3; i++) c.addAgent(agentSpec(i));
    c.createApp({ id: 'u', instances: 4, cpus: 0.1, mem: 32, constraints: [{ field: 'hostname', operator: 'UNIQUE' }] });
    c.clock.advance(1000);
    expect(hostsOf(c, '/u').sort()).toEqual(['node-1', 'node-2', 'node-3']);
    const app = c.getApp('/u');
    expect(app && c.waitingCount(app)).toBe(1);
    // Each placement attempt walks the agents: 1 + 2 declines while placing, 3 for the one left.
    expect(app?.queue?.lastPass.declined.UnfulfilledConstraint).toBe(6);
    expect(app?.queue?.lastPass.used).toBe(3);
  });

  it('CLUSTER, IS, LIKE and UNLIKE follow attribute values', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { attributes: { rack: 'r1', workload: 'stateless' } }));
    c.addAgent(agentSpec(2, { attributes: { rack: 'r2', workload: 'statefull' } }));
    c.addAgent(agentSpec(3, { attributes: { rack: 'r3' } }));
    c.createApp({ id: 'cl', instances: 2, cpus: 0.1, mem: 32, constraints: [{ field: 'rack', operator: 'CLUSTER', value: 'r2' }] });
    c.createApp({ id: 'is', instances: 1, cpus: 0.1, mem: 32, constraints: [{ field: 'rack', operator: 'IS', value: 'r3' }] });
    c.createApp({ id: 'like', instances: 2, cpus: 0.1, mem: 32, constraints: [{ field: 'workload', operator: 'LIKE', value: 'state.*' }] });
    c.createApp({ id: 'unlike', instances: 3, cpus: 0.1, mem: 32, constraints: [{ field: 'workload', operator: 'UNLIKE', value: 'stateless' }, { field: 'hostname', operator: 'UNIQUE' }] });
    c.clock.advance(1000);
    expect(hostsOf(c, '/cl')).toEqual(['node-2', 'node-2']);
    expect(hostsOf(c, '/is')).toEqual(['node-3']);
    expect(hostsOf(c, '/like').sort()).toEqual(['node-1', 'node-1']);
    // An agent without the attribute satisfies UNLIKE, as in Marathon.
    expect(hostsOf(c, '/unlike').sort()).toEqual(['node-2', 'node-3']);
  });

  it('CLUSTER without a value follows the first instance', () => {
    const c = newCluster();
    for (let i = 1; i <= 3; i++) c.addAgent(agentSpec(i, { attributes: { zone: `z${i}` }, resources: { cpus: 1, mem: 4096 } }));
    c.createApp({ id: 'stick', instances: 2, cpus: 0.5, mem: 32, constraints: [{ field: 'zone', operator: 'CLUSTER' }] });
    c.clock.advance(1000);
    // Whichever agent the pass offered first, the second instance follows the first's zone.
    const hosts = hostsOf(c, '/stick');
    expect(hosts).toHaveLength(2);
    expect(new Set(hosts).size).toBe(1);
  });

  it('MAX_PER caps instances per value and GROUP_BY balances across values', () => {
    const c = newCluster();
    for (let i = 1; i <= 4; i++) c.addAgent(agentSpec(i, { attributes: { zone: i <= 2 ? 'a' : 'b' } }));
    c.createApp({ id: 'mp', instances: 5, cpus: 0.1, mem: 32, constraints: [{ field: 'zone', operator: 'MAX_PER', value: '2' }] });
    c.createApp({ id: 'gb', instances: 6, cpus: 0.1, mem: 32, constraints: [{ field: 'zone', operator: 'GROUP_BY' }] });
    c.clock.advance(1000);
    const zoneOf = (h: string) => (['node-1', 'node-2'].includes(h) ? 'a' : 'b');
    const mp = hostsOf(c, '/mp').map(zoneOf);
    expect(mp.filter((z) => z === 'a')).toHaveLength(2);
    expect(mp.filter((z) => z === 'b')).toHaveLength(2);
    const app = c.getApp('/mp');
    expect(app && c.waitingCount(app)).toBe(1);
    const gb = hostsOf(c, '/gb').map(zoneOf);
    expect(gb.filter((z) => z === 'a')).toHaveLength(3);
    expect(gb.filter((z) => z === 'b')).toHaveLength(3);
  });

  it('GROUP_BY with more declared groups than seen waits, as Marathon does', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { attributes: { zone: 'a' } }));
    c.createApp({ id: 'gb3', instances: 3, cpus: 0.1, mem: 32, constraints: [{ field: 'zone', operator: 'GROUP_BY', value: '3' }] });
    c.clock.advance(1000);
    expect(hostsOf(c, '/gb3')).toEqual(['node-1']);
  });

  it('uses reserved resources only for their role and reports UnfulfilledRole', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 2, mem: 2048, disk: 100 }, reservations: { slave_public: { cpus: 2, mem: 2048, disk: 100 } } }));
    c.createApp({ id: 'private', instances: 1, cpus: 1, mem: 128 });
    c.createApp({ id: 'public', instances: 1, cpus: 1, mem: 128, role: 'slave_public' });
    c.clock.advance(1000);
    expect(hostsOf(c, '/public')).toEqual(['node-1']);
    expect(hostsOf(c, '/private')).toEqual([]);
    expect(c.getApp('/private')?.queue?.lastPass.declined.UnfulfilledRole).toBe(1);
    const t = [...c.tasks()][0];
    expect(t?.allocations.map((a) => a.role)).toEqual(['slave_public']);
  });

  it('counts rejections per resource in Marathon order', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 8192, disk: 10000 } }));
    c.addAgent(agentSpec(2, { resources: { cpus: 8, mem: 256, disk: 10000 } }));
    c.addAgent(agentSpec(3, { resources: { cpus: 8, mem: 8192, disk: 10 } }));
    c.addAgent(agentSpec(4, { resources: { cpus: 8, mem: 8192, disk: 10000, gpus: 0 } }));
    c.addAgent(agentSpec(5, { resources: { cpus: 8, mem: 8192, disk: 10000, gpus: 1 }, ports: [{ begin: 31000, end: 31000 }] }));
    c.createApp({ id: 'big', instances: 1, cpus: 2, mem: 1024, disk: 100, gpus: 1, ports: 2 });
    c.clock.advance(1000);
    const d = c.getApp('/big')?.queue?.lastPass.declined;
    expect(d).toMatchObject({ InsufficientCpus: 1, InsufficientMemory: 1, InsufficientDisk: 1, InsufficientGpus: 1, InsufficientPorts: 1 });
  });

  it('skips agents under maintenance with AgentMaintenance and drained agents entirely', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1));
    const b = c.addAgent(agentSpec(2));
    c.updateMaintenanceSchedule([{ machines: [{ hostname: 'node-1', ip: '10.0.0.1' }], start: c.clock.now() }]);
    expect(c.drainAgent(b.id).ok).toBe(true);
    c.createApp({ id: 'x', instances: 1, cpus: 1, mem: 1 });
    c.clock.advance(1000);
    const q = c.getApp('/x')?.queue;
    expect(q?.lastPass.processed).toBe(1);
    expect(q?.lastPass.declined.AgentMaintenance).toBe(1);
    expect(c.reactivateAgent(b.id).ok).toBe(true);
    c.clock.advance(1000);
    expect(hostsOf(c, '/x')).toEqual(['node-2']);
  });

  it('does not re-evaluate an unplaceable app until capacity grows, but keeps counting offers', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 1024 } }));
    c.createApp({ id: 'huge', instances: 1, cpus: 2, mem: 1 });
    c.createApp({ id: 'small', instances: 1, cpus: 0.5, mem: 1 });
    c.clock.advance(1000);
    const app = c.getApp('/huge');
    expect(app && c.attemptFunnel(app)?.processed).toBe(1);
    c.createApp({ id: 'small2', instances: 1, cpus: 0.1, mem: 1 });
    c.clock.advance(1000);
    expect(app && c.attemptFunnel(app)?.processed).toBe(2);
    c.addAgent(agentSpec(2, { resources: { cpus: 4, mem: 1024 } }));
    c.clock.advance(1000);
    expect(hostsOf(c, '/huge')).toEqual(['node-2']);
    expect(c.queue()).toEqual([]);
  });
});

describe('task lifecycle', () => {
  it('batch tasks finish after their duration and the finished job leaves', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1, { resources: { cpus: 1, mem: 1024 } }));
    c.createApp({ id: 'job', instances: 2, cpus: 1, mem: 10, kind: 'batch', durationMs: 60_000 });
    c.clock.advance(1000);
    expect(c.taskCount).toBe(1);
    c.clock.advance(61_000);
    // The first run finished, the second got its place at the next pass.
    expect(c.getApp('/job')?.completed).toBe(1);
    c.clock.advance(70_000);
    expect(c.getApp('/job')).toBeUndefined();
    expect(c.completedTasks().map((t) => t.state)).toEqual(['TASK_FINISHED', 'TASK_FINISHED']);
  });

  it('removing an agent loses its tasks and services go back to the queue', () => {
    const c = newCluster();
    const a = c.addAgent(agentSpec(1));
    c.createApp({ id: 'svc', instances: 2, cpus: 1, mem: 10 });
    c.clock.advance(2000);
    const seen: string[] = [];
    c.events.on((e) => seen.push(e.type === 'task_updated' ? `${e.type}:${e.task.state}` : e.type));
    c.removeAgent(a.id);
    expect(seen).toEqual(['task_updated:TASK_LOST', 'queue_changed', 'task_updated:TASK_LOST', 'queue_changed', 'agent_removed']);
    const app = c.getApp('/svc');
    expect(app && c.waitingCount(app)).toBe(2);
    c.addAgent(agentSpec(2));
    c.clock.advance(1000);
    expect(hostsOf(c, '/svc')).toEqual(['node-2', 'node-2']);
  });

  it('scaling down kills the youngest instances', () => {
    const c = newCluster();
    c.addAgent(agentSpec(1));
    c.createApp({ id: 's', instances: 1, cpus: 0.1, mem: 1 });
    c.clock.advance(1000);
    const first = [...c.tasks()][0]?.id;
    c.scaleApp('/s', 3);
    c.clock.advance(1000);
    expect(c.taskCount).toBe(3);
    c.scaleApp('/s', 1);
    expect([...c.tasks()].map((t) => t.id)).toEqual([first]);
  });

  it('DRAIN_AGENT kills tasks after the grace period, requeues them and marks the agent DRAINED', () => {
    const c = newCluster();
    const a = c.addAgent(agentSpec(1));
    c.createApp({ id: 'd', instances: 2, cpus: 1, mem: 1 });
    c.clock.advance(2000);
    c.drainAgent(a.id, { maxGracePeriodNs: 5_000_000_000n });
    expect([...c.tasks()].every((t) => t.state === 'TASK_KILLING')).toBe(true);
    c.clock.advance(5000);
    expect(c.taskCount).toBe(0);
    expect(a.drain?.state).toBe('DRAINED');
    const app = c.getApp('/d');
    expect(app && c.waitingCount(app)).toBe(2);
  });

  it('DRAIN_AGENT with mark_gone removes the agent once empty', () => {
    const c = newCluster();
    const a = c.addAgent(agentSpec(1));
    c.drainAgent(a.id, { markGone: true });
    expect(c.getAgent(a.id)).toBeUndefined();
  });
});
