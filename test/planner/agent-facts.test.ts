import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { machineOf } from '../../src/model/machine.js';
import { resources, sum, type TrackedResource } from '../../src/model/resources.js';
import { loadOf, machineOfAgent, movingCount, protectionOf } from '../../src/planner/agent-facts.js';
import { agentLoad } from '../../src/planner/group-view.js';
import { protection } from '../../src/planner/protections.js';
import { movingWork } from '../../src/planner/scale-down.js';
import { agent, task } from '../support/builders.js';

const arbAgent = fc.record({
  cpus: fc.constantFrom(2, 4, 8),
  usedCpus: fc.constantFrom(0, 0.5, 1.5),
  tasks: fc.array(fc.record({ cpus: fc.constantFrom(0.1, 0.5, 1), state: fc.constantFrom('TASK_RUNNING', 'TASK_FINISHED', 'TASK_STAGING'), protect: fc.boolean(), framework: fc.constantFrom('marathon', 'spark') }), { maxLength: 4 }),
  volumes: fc.nat(3).map((n) => (n === 0 ? 1 : 0)),
  reserved: fc.nat(3).map((n) => (n === 0 ? ['db'] : [])),
  ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: undefined }),
});

type AgentSpec = typeof arbAgent extends fc.Arbitrary<infer T> ? T : never;

function build(s: AgentSpec, k: number): Agent {
  const tasks = s.tasks.map((t, j) => task({ id: `t${k}-${j}`, state: t.state, frameworkId: t.framework, resources: resources({ cpus: t.cpus, mem: 64 }), labels: t.protect ? { 'mesos-autoscaler/protect': 'true' } : {} }));
  const a = agent({ id: `a${k}`, cpus: s.cpus, tasks, volumes: s.volumes, reservedRoles: s.reserved });
  const { ip: _ip, ...rest } = a;
  return { ...(s.ip === undefined ? rest : { ...rest, ip: s.ip }), used: s.tasks.length > 0 ? sum(tasks.map((t) => t.resources)) : resources({ cpus: s.usedCpus }) };
}

const RESOURCE_LISTS: readonly (readonly TrackedResource[])[] = [['cpus'], ['cpus', 'mem'], ['mem']];
const FRAMEWORK_LISTS: readonly (readonly string[])[] = [[], ['spark'], ['marathon', 'spark']];

describe('agent facts (worked out once per agent object)', () => {
  it('equal the plain functions, asked in any order with any config arrays, again and again', () => {
    fc.assert(
      fc.property(fc.array(arbAgent, { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.nat(2)), { minLength: 1, maxLength: 30 }), (specs, asks) => {
        const agents = specs.map(build);
        for (const [k, r, p] of asks) {
          const a = agents[k % agents.length] as Agent;
          const res = RESOURCE_LISTS[r] as readonly TrackedResource[];
          const pf = FRAMEWORK_LISTS[p] as readonly string[];
          expect(loadOf(a, res)).toBe(agentLoad(a, res));
          expect(protectionOf(a, pf)).toBe(protection(a, pf));
          expect(movingCount(a)).toBe(movingWork(a).length);
          expect(machineOfAgent(a)).toEqual(machineOf(a));
        }
      }),
      { numRuns: 300 },
    );
  });
});
