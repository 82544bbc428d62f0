import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { withOurWindow } from '../../src/model/drain.js';
import { decideDrains } from '../../src/planner/drains.js';
import { viewGroup } from '../../src/planner/group-view.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;

/**
 * When the master's state cannot be read, the agents come from GET_AGENTS or /master/slaves:
 * allocated resources, no tasks. Found by the chaos suite (seed 3, episode 214, over HTTP): an
 * agent running a protected task looked idle and was drained. Only agents with nothing allocated
 * (no task, no executor) may be drained from such a listing.
 */
describe('agents listed without their tasks', () => {
  /** Five agents at 10 % cpu, the tasks dropped as a slaves listing drops them. */
  const idle = (unlisted: boolean) => {
    const agents: Agent[] = [0, 1, 2, 3, 4].map((i) => ({ ...agent({ id: `s${i}`, usedCpus: 0.2 }), tasks: [] }));
    const snap = snapshot(agents, { stateless: groupState(agents) }, NOW);
    return { agents, snap: unlisted ? { ...snap, sources: { mesos: { ...snap.sources.mesos, tasksUnlisted: true } } } : snap };
  };

  it('drain no agent with resources allocated, and size the groups all the same', () => {
    const g = plan(idle(true).snap, config(), EMPTY_STATE, NOW).groups[0];
    expect(g).toMatchObject({ direction: 'none', removals: [] });
    expect(g?.reasons.join('\n')).toMatch(/resources allocated, but the master listed agents without their tasks/);
    // The same agents with their (empty) task lists read are drained: the rule is the listing's.
    expect(plan(idle(false).snap, config(), EMPTY_STATE, NOW).groups[0]?.direction).toBe('down');
  });

  it('drain an agent with nothing allocated (the original tool read /master/slaves alone)', () => {
    const { agents, snap } = idle(true);
    const empty = agents.map((a, i) => (i === 4 ? { ...a, used: { ...a.used, cpus: 0 } } : a));
    const g = plan({ ...snap, agents: empty }, config(), EMPTY_STATE, NOW).groups[0];
    expect(g?.direction).toBe('down');
    expect(g?.removals.map((r) => r.agentId)).toEqual([empty[4]?.id]);
  });

  it('hold a drain under way while its agent has resources allocated', () => {
    const { agents, snap } = idle(true);
    const drain = (a: Agent) => {
      const machine = { hostname: a.hostname, ip: a.ip ?? '' };
      const drained = { ...snap, agents: snap.agents.map((x) => (x.id === a.id ? a : x)), maintenance: { windows: withOurWindow({ windows: [], down: [] }, machine, '1000000', 3_600_000), down: [] } };
      const views = config().groups.map((g) => viewGroup(drained, g));
      return decideDrains(drained, views, new Map(), NOW);
    };
    const busy = drain(agents[0] as Agent);
    expect(busy.moves).toEqual([]);
    expect(busy.views[0]?.next).toMatch(/without their tasks/);
    const emptied = drain({ ...(agents[0] as Agent), used: { ...(agents[0] as Agent).used, cpus: 0 } });
    expect(emptied.moves.map((m) => m.kind)).toEqual(['down']);
  });
});
