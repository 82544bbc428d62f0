import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarathonEvent, readSse, type MarathonEvent } from '../../src/marathon/events.js';

/** As Marathon sends them: the SSE event name is the type, the data is the JSON its writer made. */
function parse(event: string, data: unknown) {
  return parseMarathonEvent({ event, data: JSON.stringify(data) });
}
function parsed(event: string, data: unknown): MarathonEvent {
  const r = parse(event, data);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

// Shapes from mesosphere/marathon src/main/scala/mesosphere/marathon/api/v2/json/Formats.scala
// (`eventToJson` and the writers it calls) at v1.4.0 .. v1.10.26, and the examples of
// docs/docs/event-bus.md @90619da.
describe('instance_changed_event of every Marathon version', () => {
  it('a Scheduled instance not yet placed (1.8-1.10: "agentId": null, "host": null) is valid, not malformed', () => {
    const data = {
      instanceId: 'web.instance-7f1b3c2e-1a2b-11ea-9c3d-0242ac110002',
      condition: 'Scheduled',
      runSpecId: '/web',
      agentId: null,
      host: null,
      runSpecVersion: '2019-12-09T10:00:00.000Z',
      timestamp: '2019-12-09T10:00:00.123Z',
      eventType: 'instance_changed_event',
    };
    expect(parsed('instance_changed_event', data)).toEqual({
      type: 'instance_changed_event',
      instanceId: data.instanceId,
      runSpecId: '/web',
      condition: 'Scheduled',
      timestamp: data.timestamp,
    });
  });

  it('1.4-1.7 may write a null agentId beside a host; a placed instance keeps both', () => {
    expect(parsed('instance_changed_event', { instanceId: 'i', condition: 'Created', runSpecId: '/a', agentId: null, host: 'h1', runSpecVersion: 'v', timestamp: 't' })).toEqual({
      type: 'instance_changed_event',
      instanceId: 'i',
      runSpecId: '/a',
      condition: 'Created',
      host: 'h1',
      timestamp: 't',
    });
    // docs/docs/event-bus.md example.
    expect(
      parsed('instance_changed_event', {
        instanceId: 'my-app.instance-c7c311a4-b669-11e6-a48f-0ea4f4b1778c',
        condition: 'Running',
        runSpecId: '/app-id',
        agentId: '20140909-054127-177048842-5050-1494-0',
        host: 'slave-1234.acme.org',
        runSpecVersion: '2014-03-01T23:29:30.158Z',
        timestamp: '2014-03-01T23:29:30.158Z',
        eventType: 'instance_changed_event',
      }),
    ).toMatchObject({ agentId: '20140909-054127-177048842-5050-1494-0', host: 'slave-1234.acme.org', condition: 'Running' });
  });

  it('an instance_changed_event without its id, run spec or condition is still malformed', () => {
    expect(parse('instance_changed_event', { condition: 'Scheduled', runSpecId: '/a', agentId: null, host: null }).ok).toBe(false);
    expect(parse('instance_changed_event', { instanceId: 'i', runSpecId: '/a', condition: null }).ok).toBe(false);
    expect(parse('instance_changed_event', { instanceId: 'i', runSpecId: '/a', condition: 'Running', host: 42 }).ok).toBe(false);
  });
});

describe('the other event types triggers use', () => {
  it('unhealthy_instance_kill_event with and without the agent (slaveId is left out when unknown)', () => {
    const docs = {
      appId: '/my-app',
      taskId: 'my-app_0-1396592784349',
      instanceId: 'my-app.instance-c7c311a4-b669-11e6-a48f-0ea4f4b1778c',
      version: '2016-03-16T13:05:00.590Z',
      reason: '500 Internal Server Error',
      host: 'localhost',
      slaveId: '4fb620fa-ba8d-4eb0-8ae3-f2912aaf015c-S0',
      eventType: 'unhealthy_instance_kill_event',
      timestamp: '2016-03-21T09:15:10.764Z',
    };
    expect(parsed('unhealthy_instance_kill_event', docs)).toEqual({
      type: 'unhealthy_instance_kill_event',
      appId: '/my-app',
      taskId: docs.taskId,
      instanceId: docs.instanceId,
      host: 'localhost',
      agentId: docs.slaveId,
      reason: docs.reason,
      timestamp: docs.timestamp,
    });
    const { slaveId: _, ...withoutAgent } = docs;
    expect(parsed('unhealthy_instance_kill_event', withoutAgent)).not.toHaveProperty('agentId');
  });

  it('instance_health_changed_event with healthy true, false or null (unknown)', () => {
    const base = { instanceId: 'i', runSpecVersion: 'v', runSpecId: '/a', timestamp: 't', eventType: 'instance_health_changed_event' };
    expect(parsed('instance_health_changed_event', { ...base, healthy: true })).toEqual({ type: 'instance_health_changed_event', instanceId: 'i', runSpecId: '/a', healthy: true, timestamp: 't' });
    expect(parsed('instance_health_changed_event', { ...base, healthy: false })).toMatchObject({ healthy: false });
    expect(parsed('instance_health_changed_event', { ...base, healthy: null })).not.toHaveProperty('healthy');
  });

  it('unknown_instance_terminated_event and pod events', () => {
    expect(parsed('unknown_instance_terminated_event', { instanceId: 'i', runSpecId: '/a', condition: 'Killed', timestamp: 't', eventType: 'unknown_instance_terminated_event' })).toEqual({
      type: 'unknown_instance_terminated_event',
      instanceId: 'i',
      runSpecId: '/a',
      condition: 'Killed',
      timestamp: 't',
    });
    for (const type of ['pod_created_event', 'pod_updated_event', 'pod_deleted_event']) {
      expect(parsed(type, { clientIp: '0:0:0:0:0:0:0:1', uri: '/v2/pods/my-pod', eventType: type, timestamp: '2014-03-01T23:29:30.158Z' })).toEqual({
        type,
        uri: '/v2/pods/my-pod',
        timestamp: '2014-03-01T23:29:30.158Z',
      });
    }
  });

  it('deployment events with or without a plan, and a failed one with its optional reason left out', () => {
    expect(parsed('deployment_success', { id: '867ed450-f6a8-4d33-9b0e-e11c5513990b', eventType: 'deployment_success', timestamp: 't' })).toEqual({
      type: 'deployment_success',
      deploymentId: '867ed450-f6a8-4d33-9b0e-e11c5513990b',
      timestamp: 't',
    });
    expect(parsed('deployment_failed', { id: 'd', plan: { id: 'd', steps: [] }, eventType: 'deployment_failed', timestamp: 't' })).toMatchObject({ deploymentId: 'd' });
    expect(parsed('deployment_step_failure', { plan: { id: 'd2' }, currentStep: { actions: [] }, timestamp: 't' })).toMatchObject({ type: 'deployment_step_failure', deploymentId: 'd2' });
  });

  it('a status_update_event (docs example) parses; unknown event types are kept as other, never errors', () => {
    expect(
      parsed('status_update_event', {
        eventType: 'status_update_event',
        timestamp: '2014-03-01T23:29:30.158Z',
        slaveId: '20140909-054127-177048842-5050-1494-0',
        taskId: 'my-app_0-1396592784349',
        taskStatus: 'TASK_RUNNING',
        appId: '/my-app',
        host: 'slave-1234.acme.org',
        ports: [31372],
        version: '2014-04-04T06:26:23.051Z',
      }),
    ).toMatchObject({ type: 'status_update_event', agentId: '20140909-054127-177048842-5050-1494-0', host: 'slave-1234.acme.org', taskStatus: 'TASK_RUNNING' });
    for (const type of ['framework_message_event', 'scheduler_registered_event', 'unhealthy_task_kill_event', 'some_future_event']) {
      expect(parsed(type, { eventType: type, timestamp: 't', anything: null })).toMatchObject({ type: 'other', eventType: type });
    }
  });
});

describe('the SSE framing Marathon writes', () => {
  it("Jetty's bare CRLF heartbeats (every 10 s) between events yield no events, and CRLF line ends are read", async () => {
    // org.eclipse.jetty.servlets.EventSourceServlet: `event: <name>\r\n`, `data: <line>\r\n`, `\r\n`; heartbeat `\r` then `\n`.
    const data = JSON.stringify({ instanceId: 'i', condition: 'Scheduled', runSpecId: '/a', agentId: null, host: null, runSpecVersion: 'v', timestamp: 't', eventType: 'instance_changed_event' });
    const text = `\r\n\r\nevent: instance_changed_event\r\ndata: ${data}\r\n\r\n\r\n\r\n`;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (const ch of text) yield new TextEncoder().encode(ch);
    }
    const out: MarathonEvent[] = [];
    for await (const msg of readSse(bytes())) {
      const e = parseMarathonEvent(msg);
      if (!e.ok) throw new Error(e.error.message);
      out.push(e.value);
    }
    expect(out).toEqual([{ type: 'instance_changed_event', instanceId: 'i', runSpecId: '/a', condition: 'Scheduled', timestamp: 't' }]);
  });
});

describe('properties of instance_changed_event', () => {
  it('agentId and host may each be a string, null or left out: the event parses and keeps exactly the strings', () => {
    const maybe = fc.oneof(fc.string({ minLength: 1 }), fc.constant(null), fc.constant(undefined));
    const condition = fc.constantFrom('Scheduled', 'Provisioned', 'Created', 'Reserved', 'Staging', 'Running', 'Killed', 'Failed', 'UnreachableInactive');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), condition, maybe, maybe, (instanceId, cond, agentId, host) => {
        const data: Record<string, unknown> = { instanceId, condition: cond, runSpecId: '/app', runSpecVersion: 'v', timestamp: 't', eventType: 'instance_changed_event' };
        if (agentId !== undefined) data['agentId'] = agentId;
        if (host !== undefined) data['host'] = host;
        const r = parse('instance_changed_event', data);
        if (!r.ok) return false;
        expect(r.value).toEqual({
          type: 'instance_changed_event',
          instanceId,
          runSpecId: '/app',
          condition: cond,
          timestamp: 't',
          ...(typeof agentId === 'string' ? { agentId } : {}),
          ...(typeof host === 'string' ? { host } : {}),
        });
        return true;
      }),
    );
  });
});
