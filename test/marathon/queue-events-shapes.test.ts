import { describe, expect, it } from 'vitest';
import { parseMarathonEvent } from '../../src/marathon/events.js';
import { parseQueueEntries } from '../../src/marathon/queue.js';
import { QueueModel } from '../../src/marathon/queue-model.js';
import { appSchema } from '../../src/marathon/schema.js';
import { fixtureJson } from '../support/fixtures.js';

/** Events as Marathon writes them on the wire: SSE name and JSON data (Formats.scala `eventToJson`). */
function apply(model: QueueModel, event: string, data: Record<string, unknown>): void {
  const e = parseMarathonEvent({ event, data: JSON.stringify({ ...data, eventType: event, timestamp: '2019-12-09T10:00:00.000Z' }) });
  if (!e.ok) throw new Error(e.error.message);
  model.apply(e.value, 0);
}
const app = (def: Record<string, unknown>) => appSchema.parse(def);
function queueOf(items: { app: Record<string, unknown>; count: number }[]) {
  const q = parseQueueEntries({ queue: items.map((i) => ({ ...i, delay: { timeLeftSeconds: 0, overdue: true }, since: '2019-12-09T09:59:00.000Z' })) });
  if (!q.ok) throw new Error(q.error.message);
  return q.value;
}

describe('the queue model reads each Marathon version\'s event shapes', () => {
  it('1.4-1.7: a launch is a task reported TASK_STAGING with an empty slaveId (no Mesos status yet) and an instance Created; the count drops at launch', () => {
    // core/instance/update/InstanceChangedEventsGenerator.scala @v1.4.0: `slaveId = maybeTaskStatus.fold("")`,
    // state TASK_STAGING "if state not yet known"; TaskLauncherActor.scala decrements instancesToLaunch at the launch.
    const m = new QueueModel();
    const def = { id: '/web', instances: 3, cpus: 1, mem: 64, version: '2017-01-01T00:00:00.000Z', tasks: [] };
    m.applyApps([app(def)], m.seq);
    m.applyQueue(queueOf([{ app: def, count: 3 }]), m.seq, 0);
    expect(m.count('/web')).toBe(3);
    apply(m, 'status_update_event', { slaveId: '', taskId: 'web.6a3b6f0c-d66d-11e6-8f1e-0242ac110002', taskStatus: 'TASK_STAGING', message: '', appId: '/web', host: 'a1.example', ipAddresses: [], ports: [31001], version: def.version });
    apply(m, 'instance_changed_event', { instanceId: 'web.marathon-6a3b6f0c-d66d-11e6-8f1e-0242ac110002', condition: 'Created', runSpecId: '/web', agentId: null, host: 'a1.example', runSpecVersion: def.version });
    expect(m.count('/web')).toBe(2);
    apply(m, 'status_update_event', { slaveId: 'S1', taskId: 'web.6a3b6f0c-d66d-11e6-8f1e-0242ac110002', taskStatus: 'TASK_RUNNING', message: '', appId: '/web', host: 'a1.example', ipAddresses: [], ports: [31001], version: def.version });
    expect(m.count('/web')).toBe(2);
    // A failure: relaunched, so it waits again; the backoff only a read can tell is asked for.
    apply(m, 'status_update_event', { slaveId: 'S1', taskId: 'web.6a3b6f0c-d66d-11e6-8f1e-0242ac110002', taskStatus: 'TASK_FAILED', message: 'exit 1', appId: '/web', host: 'a1.example', ipAddresses: [], ports: [31001], version: def.version });
    expect(m.count('/web')).toBe(3);
    expect(m.queueReadWanted()).toBe(true);
  });

  it('1.8-1.10: Scheduled instances ("agentId": null, "host": null) wait; Provisioned still counts in /v2/queue until Mesos reports the task', () => {
    // core/launchqueue/LaunchStats.scala @v1.10.26 counts `isScheduled || isProvisioned`;
    // Formats.scala writes `agentInfo.flatMap(_.agentId)` and `instance.hostname`: null before placement.
    const m = new QueueModel();
    const def = { id: '/api', instances: 2, cpus: 0.5, mem: 64, version: '2019-12-09T09:59:00.000Z', tasks: [] };
    m.applyApps([app(def)], m.seq);
    m.applyQueue(queueOf([{ app: def, count: 2 }]), m.seq, 0);
    const instance = 'api.instance-7f1b3c2e-1a2b-11ea-9c3d-0242ac110002';
    apply(m, 'instance_changed_event', { instanceId: instance, condition: 'Scheduled', runSpecId: '/api', agentId: null, host: null, runSpecVersion: def.version });
    expect(m.count('/api')).toBe(2);
    apply(m, 'instance_changed_event', { instanceId: instance, condition: 'Provisioned', runSpecId: '/api', agentId: 'S1', host: 'a1', runSpecVersion: def.version });
    // 1.10 writes `host = instance.hostname.getOrElse("unknown")` and TASK_STAGING until a Mesos status.
    apply(m, 'status_update_event', { slaveId: '', taskId: `${instance}._app.1`, taskStatus: 'TASK_STAGING', message: '', appId: '/api', host: 'unknown', ipAddresses: [], ports: [], version: def.version });
    expect(m.count('/api')).toBe(2);
    apply(m, 'status_update_event', { slaveId: 'S1', taskId: `${instance}._app.1`, taskStatus: 'TASK_RUNNING', message: '', appId: '/api', host: 'a1', ipAddresses: [], ports: [], version: def.version });
    apply(m, 'instance_changed_event', { instanceId: instance, condition: 'Running', runSpecId: '/api', agentId: 'S1', host: 'a1', runSpecVersion: def.version });
    expect(m.count('/api')).toBe(1);
    expect(m.queueReadWanted()).toBe(false);
  });

  it('deployments: a step of a version the model has not seen reads the definition; a restart holds the count to reads; StopApplication ends it', () => {
    const m = new QueueModel();
    const def = { id: '/w', instances: 1, cpus: 1, mem: 64, version: '2019-01-01T00:00:00.000Z', tasks: [{ id: 'w.1', state: 'TASK_RUNNING' }] };
    m.applyApps([app(def)], m.seq);
    // raml deploymentPlan.raml / deploymentSteps.raml shapes (1.10); 1.4 adds original and target.
    const plan = (version: string, action: string) => ({ plan: { id: 'd1', steps: [{ actions: [{ action, app: '/w' }] }], version }, currentStep: { actions: [{ action, app: '/w' }] } });
    apply(m, 'deployment_info', plan(def.version, 'ScaleApplication'));
    expect(m.definitionsWanted()).toEqual([]);
    apply(m, 'deployment_info', plan('2019-01-02T00:00:00.000Z', 'ScaleApplication'));
    expect(m.definitionsWanted()).toEqual(['/w']);
    m.applyApp('/w', app({ ...def, instances: 4, version: '2019-01-02T00:00:00.000Z' }), m.seq);
    expect(m.definitionsWanted()).toEqual([]);
    expect(m.count('/w')).toBe(3);
    apply(m, 'deployment_info', plan('2019-01-02T00:00:00.000Z', 'RestartApplication'));
    expect(m.heldApps()).toEqual(['/w']);
    expect(m.queueReadWanted()).toBe(true);
    m.applyQueue(queueOf([{ app: { ...def, instances: 4 }, count: 4 }]), m.seq, 0);
    expect(m.count('/w')).toBe(4);
    // Once the read agrees with the rule again, events alone decide.
    m.applyQueue(queueOf([{ app: { ...def, instances: 4 }, count: 3 }]), m.seq, 0);
    expect(m.heldApps()).toEqual([]);
    apply(m, 'deployment_info', plan('2019-01-03T00:00:00.000Z', 'StopApplication'));
    expect(m.count('/w')).toBe(0);
    apply(m, 'app_terminated_event', { appId: '/w' });
    expect(m.appConstraints().has('/w')).toBe(false);
  });

  it('the docs example queue (real capture) as a baseline: apps with tasks unknown are held to the read, then follow events once their definition is read', () => {
    const m = new QueueModel();
    const entries = parseQueueEntries(fixtureJson('real-captures/marathon-v2-queue-docs-example.json'));
    if (!entries.ok) throw new Error(entries.error.message);
    m.applyQueue(entries.value, m.seq, 0);
    const ids = entries.value.map((e) => e.launch.id);
    for (const e of entries.value) expect(m.count(e.launch.id)).toBe(e.launch.count);
    expect(m.definitionsWanted().sort()).toEqual([...ids].sort());
  });
});
