import { describe, expect, it } from 'vitest';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { EMPTY_STATE, type ControllerState } from '../../src/planner/state.js';
import { step } from '../../src/planner/step.js';
import { StatusStore } from '../../src/server/status-store.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;

describe('status history while a scale-up is in flight', () => {
  it('keeps every cycle\'s pending instances and utilization while new instances boot', () => {
    const cfg = config({ min: 1, max: 10 });
    const agents = ['a0', 'a1', 'a2'].map((id) => agent({ id, usedCpus: 1.5, attributes: { workload: 'stateless' } }));
    const base = groupState(agents, 5);
    // Two instances asked for and still booting: not agents yet.
    const booting = { ...base, instances: [...base.instances, { id: 'new-1', hostname: 'new-1', state: 'creating' as const }, { id: 'new-2', hostname: 'new-2', state: 'creating' as const }] };
    const waiting: PendingLaunch = { id: '/web', source: 'marathon', count: 3, resources: resources({ cpus: 1, mem: 128 }), constraints: [], role: '*', delayed: false, rejections: {} };
    const store = new StatusStore({ groups: [{ name: 'stateless', min: 1, max: 10 }] });
    let state: ControllerState = EMPTY_STATE;
    for (let i = 0; i < 4; i++) {
      const at = NOW + i * 60_000;
      const snap = { ...snapshot(agents, { stateless: booting }, at), pending: [waiting] };
      const { plan, next } = step(snap, cfg, state, at);
      state = next;
      expect(plan.groups[0]?.figures['nodes.provisioning']).toBe(2);
      store.record({ at, durationMs: 10, plan, actions: [] });
    }
    const history = store.view().groups[0]?.history ?? [];
    expect(history).toHaveLength(4);
    for (const point of history) {
      expect(point.pending).toBe(3);
      expect(point.util.cpus).toBeGreaterThan(0);
      expect(point.nodes).toBe(3);
    }
  });
});
