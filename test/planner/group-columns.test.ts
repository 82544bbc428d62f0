import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { viewGroup, type GroupView } from '../../src/planner/group-view.js';
import { agent, config, snapshot } from '../support/builders.js';
import { applyEdits } from '../support/list-edits.js';

/** An agent as the model may list it: in or out of the group, busy or idle, draining, with a domain or not. */
const spec = fc.record({
  stateless: fc.boolean(),
  cpus: fc.constantFrom(2, 4, 8),
  used: fc.constantFrom(0, 0.1, 0.5, 1.5),
  draining: fc.boolean(),
  active: fc.boolean(),
  zone: fc.option(fc.constantFrom('z1', 'z2'), { nil: undefined }),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

let serial = 0;
function make(s: Spec): Agent {
  const a = agent({ id: `g${serial++}`, cpus: s.cpus, usedCpus: s.used, draining: s.draining, active: s.active, attributes: { workload: s.stateless ? 'stateless' : 'batch' } });
  return s.zone ? { ...a, domain: { region: 'r', zone: s.zone } } : a;
}

function figures(v: GroupView): unknown {
  return {
    agents: v.agents.map((a) => a.id),
    capacity: v.capacity.map((a) => a.id),
    draining: v.draining.map((a) => a.id),
    total: v.total,
    used: v.used,
    utilization: v.utilization,
    work: v.work,
    shape: v.commonShape?.id,
    domain: v.domain,
  };
}

/** The figures written out plainly: filters and sums over the agent objects, in list order. */
function plain(list: readonly Agent[], tracked: readonly ('cpus' | 'mem' | 'disk' | 'gpus')[]): unknown {
  const agents = list.filter((a) => a.attributes['workload'] === 'stateless');
  const capacity = agents.filter((a) => a.active && !a.draining);
  const sum = (xs: readonly Agent[], f: (a: Agent) => Agent['used']) => {
    const out = { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 };
    for (const a of xs) for (const r of ['cpus', 'mem', 'disk', 'gpus', 'ports'] as const) out[r] += f(a)[r];
    return out;
  };
  const total = sum(capacity, (a) => a.total);
  const used = sum(capacity, (a) => a.used);
  const shapes = new Map<string, { n: number; id: string }>();
  for (const a of agents) {
    const k = JSON.stringify(a.total);
    const e = shapes.get(k);
    if (e) e.n++;
    else shapes.set(k, { n: 1, id: a.id });
  }
  let best: { n: number; id: string } | undefined;
  for (const e of shapes.values()) if (!best || e.n > best.n) best = e;
  return {
    agents: agents.map((a) => a.id),
    capacity: capacity.map((a) => a.id),
    draining: agents.filter((a) => a.draining).map((a) => a.id),
    total,
    used,
    utilization: Object.fromEntries(tracked.filter((r) => total[r] > 0).map((r) => [r, used[r] / total[r]])),
    work: sum(agents, (a) => a.used),
    shape: best?.id,
    domain: agents.find((a) => a.domain)?.domain,
  };
}

/** Edits between two cycles: objects kept, replaced, inserted and removed, as the event-fed model makes them. */
const edit = fc.record({ kind: fc.constantFrom('keep', 'replace', 'insert', 'remove'), at: fc.nat(), s: spec });

describe('group view from columns carried by object identity', () => {
  it('equals a view built afresh, cycle after cycle, bit for bit', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 30 }), fc.array(fc.array(edit, { maxLength: 6 }), { minLength: 1, maxLength: 8 }), (initial, cycles) => {
        const group = config().groups[0];
        if (!group) throw new Error('no group');
        let list = initial.map(make);
        for (const edits of cycles) {
          list = applyEdits(list, edits, make);
          const kept = viewGroup(snapshot(list, {}), group);
          const fresh = viewGroup(snapshot(list, {}), { ...group });
          expect(figures(kept)).toEqual(figures(fresh));
          expect(figures(kept)).toEqual(plain(list, group.resources));
          // Bit for bit: the sums are added in the same order.
          expect(Object.is(kept.used.cpus, fresh.used.cpus) && Object.is(kept.work.cpus, fresh.work.cpus)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
