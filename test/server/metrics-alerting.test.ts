import { describe, expect, it } from 'vitest';
import type { LeaderStatus } from '../../src/controller/leader-gate.js';
import { ERROR_KINDS, Metrics } from '../../src/server/metrics.js';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { groupPlan, report } from './fixtures.js';

const GROUPS = [
  { name: 'web', min: 1, max: 10 },
  { name: 'batch', min: 0, max: 5 },
];

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('metrics an operator alerts on', () => {
  it('has every counter at zero for every known label before anything happened', async () => {
    const text = await new Metrics({ processMetrics: false, groups: GROUPS }).text();
    for (const group of ['web', 'batch']) {
      for (const direction of ['up', 'down', 'none']) {
        expect(value(text, `mesos_autoscaler_decisions_total{group="${group}",direction="${direction}"}`)).toBe(0);
        for (const result of ['ok', 'error', 'dry_run'])
          expect(value(text, `mesos_autoscaler_scale_actions_total{group="${group}",direction="${direction}",result="${result}"}`)).toBe(0);
      }
      expect(value(text, `mesos_autoscaler_scaled_up_nodes_total{group="${group}"}`)).toBe(0);
      expect(value(text, `mesos_autoscaler_scaled_down_nodes_total{group="${group}"}`)).toBe(0);
      expect(value(text, `mesos_autoscaler_drains_in_flight{group="${group}"}`)).toBe(0);
      expect(value(text, `mesos_autoscaler_ghost_instances{group="${group}"}`)).toBe(0);
    }
    for (const kind of ERROR_KINDS) expect(value(text, `mesos_autoscaler_errors_total{kind="${kind}"}`)).toBe(0);
    for (const result of ['ok', 'failed', 'skipped']) expect(value(text, `mesos_autoscaler_cycles_total{result="${result}"}`)).toBe(0);
  });

  it('has the call histograms of every cycle at zero before the first call', async () => {
    const text = await new Metrics({ processMetrics: false, groups: [{ name: 'web', min: 1, max: 3, provider: 'azure-vmss' }] }).text();
    expect(value(text, 'mesos_autoscaler_mesos_request_duration_seconds_count{endpoint="agents"}')).toBe(0);
    expect(value(text, 'mesos_autoscaler_marathon_request_duration_seconds_count{endpoint="queue"}')).toBe(0);
    for (const operation of ['describe', 'setDesiredSize', 'deleteInstances'])
      expect(value(text, `mesos_autoscaler_cloud_request_duration_seconds_count{provider="azure-vmss",operation="${operation}"}`)).toBe(0);
  });

  it('exports the group bounds, build info, leadership and pauses as read at scrape time', async () => {
    let role: LeaderStatus['role'] = 'follower';
    const paused = new Set<string>(['batch']);
    const m = new Metrics({ processMetrics: false, groups: GROUPS, version: '9.8.7', leader: () => ({ mode: 'zookeeper', role, term: 3 }), paused: (g) => paused.has(g) });
    let text = await m.text();
    expect(value(text, 'mesos_autoscaler_group_min_nodes{group="web"}')).toBe(1);
    expect(value(text, 'mesos_autoscaler_group_max_nodes{group="batch"}')).toBe(5);
    expect(value(text, `mesos_autoscaler_build_info{version="9.8.7",nodejs_version="${process.version}"}`)).toBe(1);
    expect(value(text, 'mesos_autoscaler_is_leader')).toBe(0);
    expect(value(text, 'mesos_autoscaler_group_paused{group="batch"}')).toBe(1);
    expect(value(text, 'mesos_autoscaler_group_paused{group="web"}')).toBe(0);
    role = 'leader';
    paused.clear();
    text = await m.text();
    expect(value(text, 'mesos_autoscaler_is_leader')).toBe(1);
    expect(value(text, 'mesos_autoscaler_group_paused{group="batch"}')).toBe(0);
  });

  it('stamps the last successful cycle, and a failed or skipped cycle leaves it alone', async () => {
    const m = new Metrics({ processMetrics: false, groups: GROUPS });
    m.recordCycle(report(1_700_000_000_000, [groupPlan({ group: 'web' })]));
    m.recordCycle({ at: 1_700_000_060_000, durationMs: 5, actions: [], error: { kind: 'mesos-unreachable', message: 'down' } });
    m.recordCycle({ at: 1_700_000_120_000, durationMs: 5, actions: [], plan: { at: 1, groups: [], skipped: 'stale' }, error: { kind: 'mesos-stale', message: 'stale' } });
    const text = await m.text();
    expect(value(text, 'mesos_autoscaler_last_successful_cycle_timestamp_seconds')).toBe(1_700_000_000);
    expect(value(text, 'mesos_autoscaler_cycles_total{result="ok"}')).toBe(1);
    expect(value(text, 'mesos_autoscaler_cycles_total{result="failed"}')).toBe(1);
    expect(value(text, 'mesos_autoscaler_cycles_total{result="skipped"}')).toBe(1);
  });

  it('counts drains in flight and ghosts per group from the plan, back to zero when they are done', async () => {
    const m = new Metrics({ processMetrics: false, groups: GROUPS });
    const machine = { hostname: 'b-1.local', ip: '10.0.0.1' };
    m.recordCycle({
      ...report(1_000, [groupPlan({ group: 'web' }), groupPlan({ group: 'batch' })]),
      plan: {
        at: 1_000,
        groups: [groupPlan({ group: 'web' }), groupPlan({ group: 'batch' })],
        drains: [
          { group: 'batch', machine, phase: 'draining', next: 'wait for tasks', watchedMs: 90_000 },
          { group: 'batch', machine: { hostname: 'b-2.local', ip: '10.0.0.2' }, phase: 'down', next: 'delete', watchedMs: 30_000 },
        ],
        ghosts: [{ group: 'web', instanceId: 'i-9', watchedMs: 1_000 }],
      },
    });
    let text = await m.text();
    expect(value(text, 'mesos_autoscaler_drains_in_flight{group="batch"}')).toBe(2);
    expect(value(text, 'mesos_autoscaler_drain_oldest_age_seconds{group="batch"}')).toBe(90);
    expect(value(text, 'mesos_autoscaler_ghost_instances{group="web"}')).toBe(1);
    m.recordCycle(report(2_000, [groupPlan({ group: 'web' }), groupPlan({ group: 'batch' })]));
    text = await m.text();
    expect(value(text, 'mesos_autoscaler_drains_in_flight{group="batch"}')).toBe(0);
    expect(value(text, 'mesos_autoscaler_drain_oldest_age_seconds{group="batch"}')).toBe(0);
    expect(value(text, 'mesos_autoscaler_ghost_instances{group="web"}')).toBe(0);
  });

  it('counts nodes added and instances deleted from the moves that succeeded', async () => {
    const m = new Metrics({ processMetrics: false, groups: GROUPS });
    const groups = [groupPlan({ group: 'web', current: 3, target: 5, direction: 'up' }), groupPlan({ group: 'batch', direction: 'down' })];
    m.recordCycle({
      at: 5,
      durationMs: 5,
      plan: {
        at: 5,
        groups,
        moves: [
          { kind: 'delete', group: 'batch', instanceId: 'i-2', reason: 'drained' },
          { kind: 'set-size', group: 'web', from: 3, to: 5, reason: 'pending work' },
        ],
      },
      actions: [
        { at: 5, group: 'batch', kind: 'delete', detail: 'delete instance i-2', ok: true, dryRun: false },
        { at: 5, group: 'web', kind: 'set-size', detail: 'set size 3 -> 5', ok: true, dryRun: false },
      ],
    });
    const text = await m.text();
    expect(value(text, 'mesos_autoscaler_scaled_up_nodes_total{group="web"}')).toBe(2);
    expect(value(text, 'mesos_autoscaler_scaled_down_nodes_total{group="batch"}')).toBe(1);
  });

  it('says how long the longest-waiting launch has waited, ignoring launches Marathon delayed', async () => {
    const m = new Metrics({ processMetrics: false, groups: GROUPS });
    const launch = (id: string, since: number, delayed: boolean): PendingLaunch => ({ id, source: 'marathon', count: 1, resources: resources({ cpus: 1 }), constraints: [], role: '*', delayed, since, rejections: {} });
    m.recordCycle(report(600_000, [groupPlan({ group: 'web', removals: [] })]), [launch('/a', 480_000, false), launch('/b', 0, true)]);
    expect(value(await m.text(), 'mesos_autoscaler_pending_oldest_wait_seconds')).toBe(120);
    m.recordCycle(report(660_000, [groupPlan({ group: 'web' })]), []);
    expect(value(await m.text(), 'mesos_autoscaler_pending_oldest_wait_seconds')).toBe(0);
  });

  it('times Marathon calls under their own name, not as Mesos calls', async () => {
    const m = new Metrics({ processMetrics: false });
    m.observeMarathon('queue', 0.3);
    const text = await m.text();
    expect(value(text, 'mesos_autoscaler_marathon_request_duration_seconds_count{endpoint="queue"}')).toBe(1);
    expect(text).not.toMatch(/mesos_request_duration_seconds_count\{endpoint="queue"\}/);
  });
});
