import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/server/metrics.js';
import { readFigures } from '../../src/server/figures.js';
import { busyReport, groupPlan, report } from './fixtures.js';

describe('readFigures', () => {
  it('maps the planner figure keys in one place', () => {
    expect(
      readFigures({ 'util.cpus': 0.8, 'util.mem': 0.5, 'pending.instances': 4, 'pending.cpus': 8, 'nodes.active': 3, 'nodes.current': 4, 'util.bogus': 1, x: NaN }),
    ).toEqual({ utilization: { cpus: 0.8, mem: 0.5 }, waiting: { cpus: 8 }, pendingInstances: 4, activeNodes: 3 });
  });
});

describe('Metrics', () => {
  it('exposes the series of a cycle report under the mesos_autoscaler_ prefix', async () => {
    const m = new Metrics({ processMetrics: false });
    m.recordCycle(busyReport(1_000));
    m.observeMesos('/api/v1 GET_STATE', 0.2);
    m.observeCloud('azure-vmss', 'setDesiredSize', 1.5);
    m.error('provider');
    const text = await m.text();
    const expected = [
      'mesos_autoscaler_desired_nodes{group="web"} 5',
      'mesos_autoscaler_desired_nodes{group="batch"} 1',
      'mesos_autoscaler_actual_nodes{group="web"} 3',
      'mesos_autoscaler_utilization_ratio{group="web",resource="cpus"} 0.85',
      'mesos_autoscaler_utilization_ratio{group="batch",resource="mem"} 0.2',
      'mesos_autoscaler_pending_instances{group="web"} 4',
      'mesos_autoscaler_waiting_resources{group="web",resource="cpus"} 8',
      // 4096 MiB of memory, in bytes.
      'mesos_autoscaler_waiting_memory_bytes{group="web"} 4294967296',
      'mesos_autoscaler_decisions_total{group="web",direction="up"} 1',
      'mesos_autoscaler_decisions_total{group="batch",direction="down"} 1',
      'mesos_autoscaler_scale_actions_total{group="web",direction="up",result="ok"} 1',
      'mesos_autoscaler_scale_actions_total{group="batch",direction="down",result="error"} 1',
      'mesos_autoscaler_errors_total{kind="action-drain"} 1',
      'mesos_autoscaler_errors_total{kind="provider"} 1',
      'mesos_autoscaler_loop_duration_seconds_count 1',
      'mesos_autoscaler_loop_duration_seconds_sum 0.12',
      'mesos_autoscaler_mesos_request_duration_seconds_count{endpoint="/api/v1 GET_STATE"} 1',
      'mesos_autoscaler_cloud_request_duration_seconds_sum{provider="azure-vmss",operation="setDesiredSize"} 1.5',
    ];
    for (const line of expected) expect(text).toContain(line);
    expect(text).toContain('# TYPE mesos_autoscaler_decisions_total counter');
    expect(text).toContain('# TYPE mesos_autoscaler_desired_nodes gauge');
    expect(text).toContain('# TYPE mesos_autoscaler_loop_duration_seconds histogram');
  });

  it('counts decisions per cycle and failed observations by kind', async () => {
    const m = new Metrics({ processMetrics: false });
    m.recordCycle(report(1, [groupPlan({ group: 'web' })]));
    m.recordCycle(report(2, [groupPlan({ group: 'web' })]));
    m.recordCycle({ at: 3, durationMs: 5, actions: [], error: { kind: 'mesos-unreachable', message: 'down' } });
    m.recordCycle(report(4, [groupPlan({ group: 'web' })], { actions: [{ at: 4, group: 'web', kind: 'set-size', detail: 'x', ok: true, dryRun: true }] }));
    const text = await m.text();
    expect(text).toContain('mesos_autoscaler_decisions_total{group="web",direction="none"} 3');
    expect(text).toContain('mesos_autoscaler_errors_total{kind="mesos-unreachable"} 1');
    expect(text).toContain('mesos_autoscaler_scale_actions_total{group="web",direction="none",result="dry_run"} 1');
    expect(text).toContain('mesos_autoscaler_loop_duration_seconds_count 4');
  });

  it('uses a registry of its own: two instances do not collide', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.error('x');
    expect(await a.text()).toContain('mesos_autoscaler_errors_total{kind="x"} 1');
    expect(await b.text()).not.toContain('kind="x"');
    // The standard process and Node.js metrics carry no app prefix, so existing dashboards find them.
    expect(await a.text()).toMatch(/^process_cpu_seconds_total /m);
    expect(await a.text()).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(await a.text()).not.toContain('mesos_autoscaler_process_');
  });
});
