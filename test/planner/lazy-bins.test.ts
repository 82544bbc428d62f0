import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Constraint, PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { agentBin, binList, existingBins, fixedPortsByApp, itemsOf, packOnto, templateBin } from '../../src/planner/estimator.js';
import { viewGroup } from '../../src/planner/group-view.js';
import type { Bin } from '../../src/planner/packing.js';
import { templateFor } from '../../src/planner/template.js';
import { agent, config, groupState, snapshot, task } from '../support/builders.js';

const launch = fc.record({
  cpus: fc.constantFrom(0.1, 0.5, 1, 2, 3.5),
  mem: fc.constantFrom(32, 512, 2048, 6000),
  count: fc.integer({ min: 1, max: 30 }),
  constraint: fc.constantFrom<Constraint | undefined>(undefined, { field: 'hostname', operator: 'UNIQUE' }, { field: 'zone', operator: 'GROUP_BY' }),
  role: fc.constantFrom('*', 'db'),
});

/** Agents in runs: blocks of 256 where nothing fits, and a few with room or reservations anywhere. */
const agentSpec = fc.record({
  usedCpus: fc.constantFrom(0, 1, 3.2, 4),
  usedMem: fc.constantFrom(0, 2048, 8000),
  db: fc.boolean(),
  zone: fc.constantFrom('z1', 'z2'),
});

describe('existing bins made on first use', () => {
  it('place exactly what bins made for every agent up front place, bin for bin', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(agentSpec, fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 6 }),
        fc.array(launch, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (runs, launches, booting) => {
          let k = 0;
          const agents = runs.flatMap(([s, n]) =>
            Array.from({ length: n }, () => {
              const id = `b${k++}`;
              const a = agent({
                id,
                cpus: 4,
                mem: 8192,
                usedCpus: s.usedCpus,
                usedMem: s.usedMem,
                tasks: s.usedCpus > 0 ? [task({ appId: '/busy', resources: resources({ cpus: s.usedCpus, mem: s.usedMem }) })] : [],
                attributes: { workload: 'stateless', zone: s.zone },
              });
              // Now and then resources reserved for role db: free room in a pool the unreserved figures do not show.
              return s.db && k % 37 === 0 ? { ...a, reservedRoles: ['db'], reserved: resources({ cpus: 2, mem: 4096 }) } : a;
            }),
          );
          const group = config({ policies: ['pending'] }).groups[0];
          if (!group) throw new Error('no group');
          const view = viewGroup(snapshot(agents, { stateless: groupState(agents, agents.length + booting) }), group);
          const template = templateFor(view);
          const pending: PendingLaunch[] = launches.map((l, i) => ({
            id: `/app${i}`,
            source: 'marathon',
            count: l.count,
            resources: resources({ cpus: l.cpus, mem: l.mem }),
            constraints: l.constraint ? [l.constraint] : [],
            role: l.role,
            delayed: false,
            rejections: {},
          }));
          const run = (lazy: boolean): string[] => {
            const items = itemsOf(pending, agents);
            const ports = fixedPortsByApp(items);
            const eager: Bin[] = [...view.capacity.map((a) => agentBin(a, ports))];
            const extra = view.provider ? Math.max(0, view.current - view.registered.length) : 0;
            if (template) for (let i = 0; i < extra; i++) eager.push(templateBin(template, `booting-${group.name}-${i}`, false));
            const placed: string[] = [];
            const n = packOnto(items, lazy ? existingBins(view, template, ports) : binList(eager), (item, bin, at) => placed.push(`${item.launch.id}@${at}:${bin.hostname}`));
            placed.push(`placed ${n}`, ...items.map((i) => `${i.launch.id} left ${i.remaining}`));
            return placed;
          };
          expect(run(true)).toEqual(run(false));
        },
      ),
      { numRuns: 150 },
    );
  });
});
