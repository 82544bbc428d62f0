import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/model/agent.js';
import { modelAgents } from '../../../src/sim/cluster/model-view.js';
import { SimAgentSource, SimDrainer } from '../../../src/sim/replay/in-process.js';
import { agentSpec, newCluster } from '../cluster/helpers.js';
import { advance, killOne, pick } from '../../support/sim-ops.js';

const opArb = fc.oneof(
  fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('app' as const), instances: fc.integer({ min: 1, max: 6 }), cpus: fc.constantFrom(0.5, 1, 3), durationMs: fc.constantFrom(undefined, 2000, 30_000) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 500, 1000, 5000) }),
  fc.record({ op: fc.constant('kill' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('drain' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('maintenance' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('read' as const) }),
);

// The incremental read must list what a from-scratch model of the cluster lists, and hand out
// the same objects (agents, list) for what did not change: the planner's caches key on them.
describe('SimAgentSource', () => {
  it('reads what a full rebuild reads, keeping unchanged agents and the list itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 24 }), fc.array(opArb, { minLength: 1, maxLength: 40 }), async (initial, ops) => {
        const c = newCluster();
        // Enough agents that a join or a leave is placed or dropped alone, not by a walk over all.
        for (let i = 0; i < initial; i++) c.addAgent(agentSpec(100 + i));
        const source = new SimAgentSource(c);
        c.events.on((e) => {
          if (e.type === 'task_added' || e.type === 'task_updated') source.markDirty(e.task.agentId);
          else if (e.type === 'agent_updated' || e.type === 'agent_removed') source.markDirty(e.agent.id);
        });
        const drainer = new SimDrainer(c, () => source.markAllDirty());
        let apps = 0;
        let last: readonly Agent[] = source.read();
        for (const o of ops) {
          const agents = [...c.agents()];
          switch (o.op) {
            case 'add':
              if (!c.agentByHostname(`node-${o.n}`)) c.addAgent(agentSpec(o.n));
              break;
            case 'remove': {
              const a = pick(agents, o.pick);
              if (a) c.removeAgent(a.id);
              break;
            }
            case 'app':
              c.createApp({ id: `a${apps++}`, instances: o.instances, cpus: o.cpus, mem: 256, ...(o.durationMs ? { kind: 'batch' as const, durationMs: o.durationMs } : {}) });
              break;
            case 'advance':
              advance(c, o.ms);
              break;
            case 'kill':
              killOne(c, o.pick);
              break;
            case 'drain': {
              const a = pick(agents, o.pick);
              if (a) await drainer.drainAgent(a.id, 1000).catch(() => undefined);
              break;
            }
            case 'maintenance': {
              const a = pick(agents, o.pick);
              if (a) await drainer.start({ hostname: a.hostname, ip: a.ip }, c.clock.now()).catch(() => undefined);
              break;
            }
            case 'read':
              break;
          }
          const before = new Map(last.map((a) => [a.id as string, a]));
          const dirtyFree = o.op === 'read';
          const now = source.read();
          expect(now).toEqual(modelAgents(c));
          // Nothing happened: the very same list.
          if (dirtyFree) expect(now).toBe(last);
          // An agent without any change since the last read keeps its object.
          if (o.op === 'read' || o.op === 'add') for (const a of now) if (before.has(a.id)) expect(a).toBe(before.get(a.id));
          last = now;
        }
      }),
      { numRuns: 200 },
    );
  });
});
