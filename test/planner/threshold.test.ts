import { describe, expect, it } from 'vitest';
import { withOurWindow } from '../../src/model/drain.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;

function stateless(usedCpus: number[], extra: Parameters<typeof agent>[0][] = []) {
  const agents = usedCpus.map((u, i) => agent({ id: `s${i}`, usedCpus: u }));
  const others = extra.map(agent);
  return { agents, all: [...agents, ...others] };
}

describe('threshold policy (the original tool)', () => {
  it('scales up by 2 at 83% cpu and ignores busy agents of other groups', () => {
    const { agents, all } = stateless([2, 2, 1], [{ id: 'f1', usedCpus: 2, attributes: { workload: 'statefull' } }]);
    // 5 of 6 cpus = 83.3%
    const p = plan(snapshot(all, { stateless: groupState(agents) }), config(), EMPTY_STATE, NOW);
    expect(p.groups[0]).toMatchObject({ current: 3, target: 5, direction: 'up' });
    expect(p.groups[0]?.reasons[0]).toMatch(/cpus 83\.3%.*\+2/);
  });

  it('scales up exactly at the cap (>=) and not just under it', () => {
    const at = stateless([1.6, 1.6, 1.6, 1.6, 1.6]); // 80%
    expect(plan(snapshot(at.agents, { stateless: groupState(at.agents) }), config(), EMPTY_STATE, NOW).groups[0]?.direction).toBe('up');
    const under = stateless([1.59, 1.6, 1.6, 1.6, 1.6]);
    expect(plan(snapshot(under.agents, { stateless: groupState(under.agents) }), config(), EMPTY_STATE, NOW).groups[0]?.direction).toBe('none');
  });

  it('does nothing at 50%', () => {
    const { agents } = stateless([1, 1, 1, 1]);
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ target: 4, direction: 'none', removals: [] });
  });

  it('never passes max: at 4 of max 4 it asks for 4, not 5', () => {
    const { agents } = stateless([2, 2, 1]);
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ max: 4 }), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ target: 4, direction: 'up' });
    expect(g?.reasons.join(' ')).toMatch(/capped at max 4/);
  });

  it('scales down by removing the idle agent, never below min', () => {
    const { agents } = stateless([0.5, 0, 0.3, 0]);
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ current: 4, target: 3, direction: 'down' });
    expect(g?.removals).toHaveLength(1);
    expect(g?.removals[0]).toMatchObject({ agentId: 's1', instanceId: '1', reason: 'no running tasks' });

    const three = stateless([0, 0, 0]);
    const held = plan(snapshot(three.agents, { stateless: groupState(three.agents) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(held).toMatchObject({ target: 3, direction: 'none' });
    expect(held?.reasons.join(' ')).toMatch(/held at min 3/);
  });

  it('picks the least loaded agent when none is idle', () => {
    const { agents } = stateless([0.4, 0.2, 0.3, 0.4], []);
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ scaleDownCap: 20 }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals[0]?.agentId).toBe('s1');
    expect(g?.removals[0]?.reason).toMatch(/least loaded/);
  });

  it('does not count inactive or draining agents as capacity', () => {
    const { agents } = stateless([2, 2, 1]);
    const extra = [agent({ id: 'x1', active: false }), agent({ id: 'x2', draining: true })];
    const g = plan(snapshot([...agents, ...extra], { stateless: groupState(agents) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(g?.figures['util.cpus']).toBeCloseTo(5 / 6);
  });

  it('scales on the worst of several tracked resources', () => {
    const agents = [0, 1, 2, 3].map((i) => agent({ id: `m${i}`, usedCpus: 0.1, usedMem: 3500 }));
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ resources: ['cpus', 'mem'] }), EMPTY_STATE, NOW).groups[0];
    expect(g?.direction).toBe('up');
    expect(g?.reasons[0]).toMatch(/mem at or above 80%/);
  });

  it('takes no action on a stale snapshot', () => {
    const { agents } = stateless([2, 2, 2]);
    const p = plan(snapshot(agents, { stateless: groupState(agents) }, NOW - 200_000), config(), EMPTY_STATE, NOW);
    expect(p.groups).toHaveLength(0);
    expect(p.skipped).toMatch(/200 s old/);
  });

  it('waits for a previous change to reach Mesos (read from the cloud, not remembered), then backs off after the provisioning timeout', () => {
    const { agents } = stateless([2, 2, 2]);
    const snap = snapshot(agents, { stateless: groupState(agents, 5) });
    // Nothing remembered: the cloud's desired size says two instances are on their way.
    const waiting = plan(snap, config(), EMPTY_STATE, NOW).groups[0];
    expect(waiting).toMatchObject({ direction: 'none' });
    expect(waiting?.reasons[0]).toMatch(/waiting for 2 new instance\(s\) to register as agents: 3 registered/);
    const state = { groups: { stateless: { slotsSince: NOW - 60_000 } } };
    const later = NOW + 15 * 60_000;
    const late = plan(snapshot(agents, { stateless: groupState(agents, 5) }, later), config(), state, later).groups[0];
    expect(late?.direction).toBe('none');
    expect(late?.reasons.join(' ')).toMatch(/backed off/);
  });

  it('holds a group whose cloud state is unknown', () => {
    const { agents } = stateless([2, 2, 2]);
    const g = plan(snapshot(agents, {}), config(), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ direction: 'none' });
    expect(g?.reasons[0]).toMatch(/unknown/);
  });

  it('never removes an agent with persistent volumes or reservations', () => {
    const agents = [agent({ id: 'p0', volumes: 1 }), agent({ id: 'p1', reservedRoles: ['db'] }), agent({ id: 'p2', usedCpus: 0.1 }), agent({ id: 'p3', usedCpus: 0.1 })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 1, scaleDownStep: 3, scaleDown: { maxParallel: 3 } }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals.map((r) => r.agentId).sort()).toEqual(['p2', 'p3']);
    expect(g?.reasons.join(' ')).toMatch(/persistent volume.*reserved for role db/);
  });
});

describe('scale-down parallelism', () => {
  it('counts draining agents as leaving and removes at most max-scale-down-parallel at once', () => {
    const agents = [agent({ id: 'd0', draining: true }), ...[1, 2, 3, 4, 5].map((i) => agent({ id: `d${i}` }))];
    // d0 is in a maintenance window of ours (marked): one drain of ours under way.
    const d0 = { hostname: agents[0]!.hostname, ip: agents[0]!.ip! };
    const snap = { ...snapshot(agents, { stateless: groupState(agents) }), maintenance: { windows: withOurWindow({ windows: [], down: [] }, d0, '1000000', 3_600_000), down: [] } };
    const one = plan(snap, config({ min: 1, scaleDownStep: 3 }), EMPTY_STATE, NOW).groups[0];
    expect(one).toMatchObject({ current: 5, direction: 'none' });
    expect(one?.reasons.join(' ')).toMatch(/1 agent\(s\) already draining/);
    const three = plan(snap, config({ min: 1, scaleDownStep: 3, scaleDown: { maxParallel: 3 } }), EMPTY_STATE, NOW).groups[0];
    expect(three).toMatchObject({ current: 5, target: 3, direction: 'down' });
    expect(three?.removals).toHaveLength(2);
  });
});

describe('agents read without their tasks (classic /slaves)', () => {
  it('never takes a busy agent for an idle one, and moves its use as one block', () => {
    const busyNoTasks = (id: string, cpus: number) => ({ ...agent({ id, usedCpus: cpus }), tasks: [] });
    const agents = [busyNoTasks('b0', 0.3), agent({ id: 'b1' }), busyNoTasks('b2', 0.2), busyNoTasks('b3', 0.1)];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals[0]).toMatchObject({ agentId: 'b1', reason: 'no running tasks' });
    const allBusy = [busyNoTasks('c0', 0.3), busyNoTasks('c1', 0.1), busyNoTasks('c2', 0.2), busyNoTasks('c3', 0.3)];
    const h = plan(snapshot(allBusy, { stateless: groupState(allBusy) }), config(), EMPTY_STATE, NOW).groups[0];
    expect(h?.removals[0]?.agentId).toBe('c1');
    expect(h?.removals[0]?.reason).toMatch(/least loaded: 5\.0% with 1 task/);
  });
});

describe('no flapping', () => {
  it('does not remove a node when the rest would be at or over the up cap', () => {
    // 19% of 8 cpus: under the 20% down cap. Each removal of a 2-cpu agent raises it:
    // 1.5/6 = 25%, 1.5/4 = 37.5%, 1.5/2 = 75%; with an up cap of 30% only one may go.
    const agents = [agent({ id: 'f0', usedCpus: 1.5 }), agent({ id: 'f1' }), agent({ id: 'f2' }), agent({ id: 'f3' })];
    const g = plan(snapshot(agents, { stateless: groupState(agents) }), config({ min: 1, scaleUpCap: 30, scaleDownStep: 3, scaleDown: { maxParallel: 3 } }), EMPTY_STATE, NOW).groups[0];
    expect(g?.removals.map((r) => r.agentId)).toEqual(['f1']);
    expect(g?.reasons.join(' ')).toMatch(/would put cpus at 37\.5%, at or over 30%: kept/);
  });
});
