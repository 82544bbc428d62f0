import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { describeIssues } from '../util/http.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';

/** Events of Marathon's `/v2/events` stream that matter to an autoscaler, typed; the rest as `other`. */
export type MarathonEvent =
  | {
      readonly type: 'status_update_event';
      readonly appId: string;
      readonly taskId: string;
      readonly taskStatus: string;
      readonly host?: string;
      readonly agentId?: string;
      readonly timestamp?: string;
    }
  | {
      readonly type: 'instance_changed_event';
      readonly instanceId: string;
      readonly runSpecId: string;
      readonly condition: string;
      readonly agentId?: string;
      readonly host?: string;
      readonly timestamp?: string;
    }
  | {
      readonly type: 'deployment_info' | 'deployment_success' | 'deployment_failed' | 'deployment_step_success' | 'deployment_step_failure';
      readonly deploymentId?: string;
      readonly timestamp?: string;
    }
  | { readonly type: 'app_terminated_event'; readonly appId: string; readonly timestamp?: string }
  | { readonly type: 'event_stream_attached' | 'event_stream_detached'; readonly remoteAddress?: string; readonly timestamp?: string }
  | { readonly type: 'other'; readonly eventType: string; readonly data: unknown };

const ts = z.string().optional();
const statusUpdate = z.object({
  appId: z.string(),
  taskId: z.string(),
  taskStatus: z.string(),
  host: z.string().optional(),
  slaveId: z.string().optional(),
  timestamp: ts,
});
const instanceChanged = z.object({
  instanceId: z.string(),
  runSpecId: z.string(),
  condition: z.string(),
  agentId: z.string().optional(),
  host: z.string().optional(),
  timestamp: ts,
});
const deployment = z.object({ plan: z.object({ id: z.string().optional() }).optional(), id: z.string().optional(), timestamp: ts });
const appTerminated = z.object({ appId: z.string(), timestamp: ts });
const streamAttach = z.object({ remoteAddress: z.string().optional(), timestamp: ts });

const DEPLOYMENT_TYPES = ['deployment_info', 'deployment_success', 'deployment_failed', 'deployment_step_success', 'deployment_step_failure'] as const;
type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];
const isDeployment = (t: string): t is DeploymentType => (DEPLOYMENT_TYPES as readonly string[]).includes(t);

function bad(type: string, error: z.ZodError): Result<never, MarathonError> {
  return err({ kind: 'malformed', message: `${type}: unexpected shape: ${describeIssues(error)}` });
}

/** One SSE message (event name and JSON data) -> typed event. Marathon also puts the type in `eventType`. */
export function parseMarathonEvent(msg: EventSourceMessage): Result<MarathonEvent, MarathonError> {
  let data: unknown;
  try {
    data = JSON.parse(msg.data);
  } catch (e) {
    return err({ kind: 'malformed', message: `event ${msg.event ?? '(unnamed)'}: data is not JSON (${errorMessage(e)})` });
  }
  const fromData = z.object({ eventType: z.string() }).safeParse(data);
  const type = msg.event ?? (fromData.success ? fromData.data.eventType : 'message');
  switch (type) {
    case 'status_update_event': {
      const r = statusUpdate.safeParse(data);
      if (!r.success) return bad(type, r.error);
      const { slaveId, host, timestamp, ...rest } = r.data;
      return ok({ type, ...rest, ...(host ? { host } : {}), ...(slaveId ? { agentId: slaveId } : {}), ...(timestamp ? { timestamp } : {}) });
    }
    case 'instance_changed_event': {
      const r = instanceChanged.safeParse(data);
      if (!r.success) return bad(type, r.error);
      const { agentId, host, timestamp, ...rest } = r.data;
      return ok({ type, ...rest, ...(agentId ? { agentId } : {}), ...(host ? { host } : {}), ...(timestamp ? { timestamp } : {}) });
    }
    case 'app_terminated_event': {
      const r = appTerminated.safeParse(data);
      if (!r.success) return bad(type, r.error);
      return ok({ type, appId: r.data.appId, ...(r.data.timestamp ? { timestamp: r.data.timestamp } : {}) });
    }
    case 'event_stream_attached':
    case 'event_stream_detached': {
      const r = streamAttach.safeParse(data);
      if (!r.success) return bad(type, r.error);
      return ok({ type, ...(r.data.remoteAddress ? { remoteAddress: r.data.remoteAddress } : {}), ...(r.data.timestamp ? { timestamp: r.data.timestamp } : {}) });
    }
    default: {
      if (isDeployment(type)) {
        const r = deployment.safeParse(data);
        if (!r.success) return bad(type, r.error);
        const deploymentId = r.data.plan?.id ?? r.data.id;
        return ok({
          type,
          ...(deploymentId ? { deploymentId } : {}),
          ...(r.data.timestamp ? { timestamp: r.data.timestamp } : {}),
        });
      }
      return ok({ type: 'other', eventType: type, data });
    }
  }
}

/** Server-sent-event messages from a byte stream; chunks may split lines and UTF-8 sequences anywhere. */
export async function* readSse(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(e) });
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) {
      const next = queue.shift();
      if (next) yield next;
    }
  }
}
