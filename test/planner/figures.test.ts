import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { Metrics } from '../../src/server/metrics.js';
import { agent, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;

describe('plan figures reach /metrics for every group', () => {
  it('exports per-group pending instances, waiting resources and utilization, whatever the policies', async () => {
    const cfg = validateConfig({
      mesos: { masters: ['http://m:5050'] },
      groups: [
        { name: 'a', selector: { pool: 'a' }, min: 1, policies: ['pending'], provider: { kind: 'simulated' } },
        { name: 'b', selector: { pool: 'b' }, min: 1, policies: ['target'], targetUtilization: { low: 10, high: 90 }, provider: { kind: 'simulated' } },
      ],
    });
    const a = [agent({ id: 'a0', usedCpus: 1, attributes: { pool: 'a' } })];
    const b = [agent({ id: 'b0', usedCpus: 0.5, attributes: { pool: 'b' } })];
    const onlyA: PendingLaunch = { id: '/only-a', source: 'marathon', count: 3, resources: resources({ cpus: 0.5, mem: 64 }), constraints: [{ field: 'pool', operator: 'IS', value: 'a' }], role: '*', delayed: false, rejections: {} };
    const p = plan({ ...snapshot([...a, ...b], { a: groupState(a), b: groupState(b) }), pending: [onlyA] }, cfg, EMPTY_STATE, NOW);
    const metrics = new Metrics({ processMetrics: false });
    metrics.recordCycle({ at: NOW, durationMs: 5, plan: p, actions: [] });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/mesos_autoscaler_pending_instances\{group="a"\} 3/);
    expect(text).toMatch(/mesos_autoscaler_pending_instances\{group="b"\} 0/);
    expect(text).toMatch(/mesos_autoscaler_waiting_resources\{group="a",resource="cpus"\} 1\.5/);
    expect(text).toMatch(/mesos_autoscaler_utilization_ratio\{group="a",resource="cpus"\} 0\.5/);
    expect(text).toMatch(/mesos_autoscaler_utilization_ratio\{group="b",resource="cpus"\} 0\.25/);
  });
});
