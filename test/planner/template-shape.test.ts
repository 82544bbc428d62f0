import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewGroup } from '../../src/planner/group-view.js';
import { templateFor } from '../../src/planner/template.js';
import type { Agent } from '../../src/model/agent.js';
import { agent, config, snapshot } from '../support/builders.js';

/** The learned template as it was first written: a text key per agent, the first of the most common shapes. */
function commonestByKey(agents: readonly Agent[]): Agent | undefined {
  const counts = new Map<string, { n: number; agent: Agent }>();
  for (const a of agents) {
    const key = `${a.total.cpus}/${a.total.mem}/${a.total.disk}/${a.total.gpus}/${a.total.ports}`;
    const e = counts.get(key);
    if (e) e.n += 1;
    else counts.set(key, { n: 1, agent: a });
  }
  let best: { n: number; agent: Agent } | undefined;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  return best?.agent;
}

describe('learned node template', () => {
  it('takes the first agent of the most common shape, as a text key per agent did (few shapes and over 64)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ cpus: fc.integer({ min: 1, max: 90 }), mem: fc.constantFrom(4096, 8192) }), { maxLength: 300 }), (shapes) => {
        const agents = shapes.map((s, k) => agent({ id: `a${k}`, cpus: s.cpus, mem: s.mem }));
        const cfg = config();
        const group = cfg.groups[0];
        if (!group) throw new Error('no group');
        const t = templateFor(viewGroup(snapshot(agents, {}), group));
        const expected = commonestByKey(agents);
        expect(t?.resources).toBe(expected?.total);
      }),
      { numRuns: 300 },
    );
  });
});
