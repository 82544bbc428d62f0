import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import type { Bindings } from '../../src/controller/bindings.js';
import type { Agent } from '../../src/model/agent.js';
import type { Clock } from '../../src/util/clock.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import { ok } from '../../src/util/result.js';
import { FakeDrainer, FakeObserver, FakeProvider, ProviderError, silent } from './fakes.js';

function clockAt(start: number): Clock & { t: number } {
  const c = { t: start, now: () => c.t, sleep: async (ms: number) => { c.t += ms; } };
  return c;
}

const FAST_RETRY = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 2 };

function setup(agents: Agent[], opts: { dryRun?: boolean; drainer?: FakeDrainer; leader?: () => boolean } = {}) {
  const clock = clockAt(1_000_000);
  const provider = new FakeProvider(groupState(agents));
  const world = { agents };
  const bindings: Bindings = new Map([['stateless', { provider, ref: { name: 'stateless', target: {} } }]]);
  // The real observer, so drains recorded in "Mesos" mark agents as draining.
  const agentSource = { getAgents: async () => ok({ agents: world.agents, from: 'fake', readAt: clock.now() }) };
  const live = new LiveObserver({ agents: agentSource, bindings, logger: silent, ...(opts.drainer ? { drainer: opts.drainer } : {}) });
  const observer = new FakeObserver(() => snapshot(world.agents, { stateless: provider.state }, clock.now()), live);
  const controller = new Controller({
    config: config({}, { dryRun: opts.dryRun ?? false }),
    observer, bindings, clock, logger: silent, retry: FAST_RETRY,
    ...(opts.drainer ? { drainer: opts.drainer } : {}),
    ...(opts.leader ? { leadership: { isLeader: opts.leader, term: () => 7 } } : {}),
  });
  return { clock, provider, observer, controller, world, bindings };
}

const busy = () => [0, 1, 2].map((i) => agent({ id: `s${i}`, usedCpus: i === 2 ? 1 : 2 }));

describe('controller', () => {
  it('scales up once, then waits for the agents before acting again', async () => {
    const { controller, provider, world } = setup(busy());
    const r1 = await controller.cycle();
    expect(provider.calls).toEqual(['set 5']);
    expect(r1.actions[0]).toMatchObject({ kind: 'set-size', ok: true });
    await controller.cycle();
    expect(provider.calls).toEqual(['set 5']);
    // The cloud lists the two new instances, and their agents register.
    world.agents = [...world.agents, agent({ id: 's3', usedCpus: 2 }), agent({ id: 's4', usedCpus: 2 })];
    provider.state = groupState(world.agents, 5);
    await controller.cycle();
    expect(provider.calls).toEqual(['set 5', 'set 7']);
  });

  it('retries a throttled cloud call and reports a permanent failure', async () => {
    const { controller, provider } = setup(busy());
    provider.failNext = [new ProviderError('throttled', 'throttled', true)];
    const r = await controller.cycle();
    expect(provider.calls).toEqual(['set 5', 'set 5']);
    expect(r.actions[0]?.ok).toBe(true);

    const second = setup(busy());
    second.provider.failNext = [new ProviderError('forbidden', 'auth', false)];
    const r2 = await second.controller.cycle();
    expect(second.provider.calls).toEqual(['set 5']);
    expect(r2.actions[0]).toMatchObject({ ok: false });
  });

  it('takes no action when the observation is malformed', async () => {
    const { controller, provider, observer } = setup(busy());
    observer.failOnce('agents[0].resources: expected array');
    const r = await controller.cycle();
    expect(r.error?.kind).toBe('mesos-malformed');
    expect(provider.calls).toEqual([]);
  });

  it('changes nothing in dry run, and nothing when not the leader', async () => {
    const dry = setup(busy(), { dryRun: true });
    const r = await dry.controller.cycle();
    expect(dry.provider.calls).toEqual([]);
    expect(r.actions[0]).toMatchObject({ dryRun: true, detail: 'set size 5 (from 3)' });
    const follower = setup(busy(), { leader: () => false });
    await follower.controller.cycle();
    expect(follower.provider.calls).toEqual([]);
  });

  it('deletes exactly the idle instance without a drainer', async () => {
    const agents = [agent({ id: 'a0', usedCpus: 0.2 }), agent({ id: 'a1' }), agent({ id: 'a2', usedCpus: 0.2 }), agent({ id: 'a3', usedCpus: 0.2 })];
    const { controller, provider } = setup(agents);
    await controller.cycle();
    expect(provider.calls).toEqual(['delete 1']);
  });

  it('drains through Mesos before deleting, and a restarted controller finishes the drain', async () => {
    const drainer = new FakeDrainer();
    const busyTask = task({ resources: { cpus: 0.2, mem: 0, disk: 0, gpus: 0, ports: 0 } });
    const agents = [agent({ id: 'a0', tasks: [busyTask], usedCpus: 0.2 }), agent({ id: 'a1', usedCpus: 0.3, tasks: [task()] }), agent({ id: 'a2', usedCpus: 0.4, tasks: [task()] }), agent({ id: 'a3', usedCpus: 0.4, tasks: [task()] })];
    const first = setup(agents, { drainer });
    await first.controller.cycle();
    expect(drainer.log).toEqual(['drain a0.cluster']);
    expect(first.provider.calls).toEqual([]);
    // Tasks still running: nothing is deleted yet.
    await first.controller.cycle();
    expect(first.provider.calls).toEqual([]);
    // A new controller (restart) sees the drain in Mesos; the tasks have left. One move a cycle:
    // machine down, then (Mesos runs nothing there) delete exactly its instance, then (gone) clear the window.
    const restarted = setup(first.world.agents.map((a) => (a.id === 'a0' ? { ...a, tasks: [], used: { ...a.used, cpus: 0 } } : a)), { drainer });
    restarted.provider.state = first.provider.state;
    await restarted.controller.cycle();
    expect(drainer.log).toEqual(['drain a0.cluster', 'down a0.cluster']);
    expect(restarted.provider.calls).toEqual([]);
    await restarted.controller.cycle();
    expect(restarted.provider.calls).toEqual(['delete 0']);
    await restarted.controller.cycle();
    expect(drainer.log).toEqual(['drain a0.cluster', 'down a0.cluster', 'up a0.cluster']);
    expect(drainer.scheduled()).toEqual([]);
  });

  it('a failed delete leaves the drain in Mesos for the next cycle', async () => {
    const drainer = new FakeDrainer();
    const agents = [agent({ id: 'a0' }), agent({ id: 'a1', usedCpus: 0.3 }), agent({ id: 'a2', usedCpus: 0.3 }), agent({ id: 'a3', usedCpus: 0.3 })];
    const { controller, provider, clock } = setup(agents, { drainer });
    await controller.cycle(); // drain
    await controller.cycle(); // down
    provider.failNext = [new ProviderError('forbidden', 'auth', false)];
    const r = await controller.cycle();
    expect(r.actions.some((a) => a.kind === 'delete' && !a.ok)).toBe(true);
    expect(drainer.scheduled()).toEqual(['a0.cluster']);
    // Retried with backoff, and nothing else is drained meanwhile.
    await controller.cycle();
    expect(provider.calls.filter((c) => c === 'delete 0')).toHaveLength(1);
    clock.t += 60_000;
    await controller.cycle();
    expect(provider.calls.filter((c) => c === 'delete 0')).toHaveLength(2);
    await controller.cycle();
    expect(drainer.scheduled()).toEqual([]);
    expect(drainer.log.filter((l) => l.startsWith('drain'))).toEqual(['drain a0.cluster']);
  });
});
