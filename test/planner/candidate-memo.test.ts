import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { machineOf } from '../../src/model/machine.js';
import type { Instance } from '../../src/model/node-group.js';
import { agentLoad, viewGroup, type GroupView } from '../../src/planner/group-view.js';
import { protection } from '../../src/planner/protections.js';
import { loadResources } from '../../src/planner/scale-down-load.js';
import { movingWork, removalCandidates, type Candidate, type Excluded } from '../../src/planner/scale-down.js';
import type { GroupMemory } from '../../src/planner/state.js';
import { trackUnneeded } from '../../src/planner/unneeded.js';
import { agent, config, snapshot } from '../support/builders.js';
import { applyEdits, uniqueIds } from '../support/list-edits.js';

/**
 * removalCandidates as it was written before it was kept from cycle to cycle: every capacity
 * agent looked at, the candidates sorted in full. The oracle.
 */
function reference(view: GroupView, memory: GroupMemory, now: number, pf: readonly string[]): { candidates: Candidate[]; excluded: Excluded[] } {
  const { scaleDown } = view.config;
  const loadIn = loadResources(view);
  const candidates: Candidate[] = [];
  const excluded: Excluded[] = [];
  for (const a of view.capacity) {
    const instance = view.matching.byAgent.get(a.id);
    const machine = machineOf(a);
    const load = agentLoad(a, loadIn);
    let why = protection(a, pf) ?? (instance ? undefined : (view.matching.unmatched.get(a.id) ?? 'no cloud instance of the group matches it'));
    if (why === undefined && !machine) why = 'its IP is unknown (no pid), so Mesos maintenance cannot name its machine';
    if (why === undefined && load >= scaleDown.utilization / 100) why = `${(load * 100).toFixed(0)}% used${loadIn === view.config.resources ? '' : ` (${loadIn.join(', ')})`}, not under ${scaleDown.utilization}%`;
    if (why === undefined && scaleDown.unneededTime > 0) {
      const since = memory.unneededSince?.get(a.id);
      if (since === undefined || now - since < scaleDown.unneededTime * 1000) why = `unneeded for ${since === undefined ? 0 : Math.round((now - since) / 1000)} s of ${scaleDown.unneededTime} s`;
    }
    if (why !== undefined || !instance || !machine) excluded.push({ agent: a, why: why ?? 'not removable' });
    else candidates.push({ agent: a, instanceId: instance.id, machine, load, tasks: movingWork(a).length });
  }
  candidates.sort((a, b) => Number(b.tasks === 0) - Number(a.tasks === 0) || a.load - b.load || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0));
  return { candidates, excluded };
}

const spec = fc.record({
  id: fc.integer({ min: 0, max: 15 }),
  used: fc.constantFrom(0, 0.2, 0.5, 1.5),
  // Memory too, so that with load: scarcest the group's scarcest resource changes from cycle to cycle.
  mem: fc.constantFrom(0, 400, 2000, 3800),
  volume: fc.boolean(),
  listed: fc.boolean(),
  noIp: fc.boolean(),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

describe('removal candidates kept from cycle to cycle', () => {
  it('equal the full search, candidate for candidate and exclusion for exclusion, as agents, instances and time change', () => {
    fc.assert(
      fc.property(
        fc.array(spec, { maxLength: 10 }),
        fc.array(fc.record({ edits: fc.array(fc.record({ kind: fc.constantFrom('replace', 'insert', 'remove', 'relist'), at: fc.nat(), s: spec }), { maxLength: 4 }), seconds: fc.constantFrom(30, 60, 300) }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(0, 120),
        fc.constantFrom('every', 'scarcest'),
        (initial, cycles, unneededTime, load) => {
          const group = config({ resources: ['cpus', 'mem'], scaleDown: { utilization: 50, unneededTime, load } }).groups[0];
          if (!group) throw new Error('no group');
          const pf: readonly string[] = [];
          // An agent's instance object is kept while it is listed (a cloud listing read from memory).
          const instances = new Map<string, Instance>();
          const listed = new Set<string>();
          const make = (s: Spec): Agent => {
            const a = agent({ id: `c${s.id}`, cpus: 2, usedCpus: s.used, usedMem: s.mem, volumes: s.volume ? 1 : 0 });
            const out = s.noIp ? (({ ip: _ip, ...rest }) => rest)(a) : a;
            if (s.listed) listed.add(out.id);
            else listed.delete(out.id);
            return out;
          };
          let list = initial.map(make);
          let memory: GroupMemory = {};
          let now = 1_000_000;
          for (const { edits, seconds } of cycles) {
            // 'relist': the agent's instance leaves the cloud's listing, or comes back.
            list = uniqueIds(
              applyEdits(list, edits, make, (a) => {
                const id = a.id;
                if (listed.has(id)) listed.delete(id);
                else listed.add(id);
              }),
            );
            now += seconds * 1000;
            const listing: Instance[] = [];
            for (const a of list) {
              if (!listed.has(a.id)) {
                instances.delete(a.id);
                continue;
              }
              let i = instances.get(a.id);
              if (!i || i.hostname !== a.hostname) {
                i = { id: `i-${a.id}`, hostname: a.hostname, state: 'running' };
                instances.set(a.id, i);
              }
              listing.push(i);
            }
            const view = viewGroup(snapshot(list, { stateless: { desired: listing.length, instances: listing } }, now), group);
            memory = trackUnneeded(memory, view, now);
            const got = removalCandidates(view, memory, now, pf);
            const want = reference(view, memory, now, pf);
            expect(got.candidates).toEqual(want.candidates);
            expect(got.excluded).toEqual(want.excluded);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
