import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import type { Bindings } from '../../src/controller/bindings.js';
import type { Agent } from '../../src/model/agent.js';
import { resources } from '../../src/model/resources.js';
import { protection } from '../../src/planner/protections.js';
import { ok } from '../../src/util/result.js';
import type { NodeGroupRef } from '../../src/providers/provider.js';
import { agent, config, groupState, task } from '../support/builders.js';
import { FakeDrainer, FakeProvider, silent } from './fakes.js';

/** Over random clusters and random task churn, every deletion is of a drained, unprotected agent of the group. */
describe('controller properties', () => {
  it('never deletes an agent that is not drained and marked down in Mesos first', async () => {
    let deletions = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ load: fc.constantFrom(0, 0.1, 0.3, 1.5), protect: fc.nat(5).map((n) => n === 0) }), { minLength: 2, maxLength: 10 }),
        fc.array(fc.nat(9), { minLength: 3, maxLength: 8 }),
        async (specs, churn) => {
          let t = 1_000_000;
          const clock = { now: () => t, sleep: async (ms: number) => { t += ms; } };
          let agents: Agent[] = specs.map((s, i) => agent({
            id: `n${i}`, usedCpus: s.load,
            tasks: s.load ? [task({ resources: resources({ cpus: s.load }), labels: s.protect ? { 'mesos-autoscaler/protect': 'true' } : {} })] : [],
          }));
          const drainer = new FakeDrainer();
          const provider = new FakeProvider(groupState(agents));
          const violations: string[] = [];
          const realDelete = provider.deleteInstances.bind(provider);
          provider.deleteInstances = async (ref: NodeGroupRef, ids: readonly string[]) => {
            for (const id of ids) {
              deletions += 1;
              const inst = provider.state.instances.find((i) => i.id === id);
              const a = agents.find((x) => x.hostname === inst?.hostname);
              if (!inst?.hostname || !drainer.isDown(inst.hostname)) violations.push(`deleted ${inst?.hostname} without drain/down`);
              if (a && a.tasks.length > 0) violations.push(`deleted ${a.hostname} while it ran ${a.tasks.length} task(s)`);
              if (a && protection(a)) violations.push(`deleted protected ${a.hostname}`);
            }
            await realDelete(ref, ids);
            agents = agents.filter((a) => provider.state.instances.some((i) => i.hostname === a.hostname));
          };
          const bindings: Bindings = new Map([['stateless', { provider, ref: { name: 'stateless', target: {} } }]]);
          const observer = new LiveObserver({ agents: { getAgents: async () => ok({ agents, from: 'fake', readAt: t }) }, bindings, drainer, logger: silent });
          const controller = new Controller({ config: config({ min: 1, policies: ['threshold', 'pending'] }), observer, bindings, clock, logger: silent, drainer, retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 } });
          for (const c of churn) {
            // Random churn: tasks finish on some agents between cycles.
            agents = agents.map((a, i) => ((i + c) % 3 === 0 && !a.tasks.some((x) => x.labels['mesos-autoscaler/protect']) ? { ...a, tasks: [], used: resources({}) } : a));
            await controller.cycle();
            t += 60_000;
          }
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
    expect(deletions).toBeGreaterThan(30);
  });
});
