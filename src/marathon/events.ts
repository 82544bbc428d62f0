import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { describeIssues } from '../util/http.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import type { MarathonError } from './errors.js';

/**
 * Events of Marathon's `/v2/events` stream that matter to an autoscaler, typed; the rest as `other`.
 * Shapes follow Marathon's JSON writers (mesosphere/marathon src/main/scala/mesosphere/marathon/
 * api/v2/json/Formats.scala `eventToJson` and the case classes of core/event/Events.scala, v1.4.0
 * to v1.10.26). A field written from a Scala `Option` through `Json.obj` is `null` when empty; one
 * written by `Json.writes` is left out: both mean absent here.
 */
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
      /** The plan's version (the time of the change that made it): the version of the apps it changed. */
      readonly planVersion?: string;
      /**
       * `deployment_info` and the step events: the current step's actions; `deployment_success` and
       * `deployment_failed`: every step's. Each is `{action: "ScaleApplication", app: "/id"}` (or `pod`).
       */
      readonly actions?: readonly DeploymentAction[];
      readonly timestamp?: string;
    }
  | { readonly type: 'app_terminated_event'; readonly appId: string; readonly timestamp?: string }
  | {
      readonly type: 'unhealthy_instance_kill_event';
      readonly appId: string;
      readonly taskId: string;
      readonly instanceId?: string;
      readonly host?: string;
      readonly agentId?: string;
      readonly reason?: string;
      readonly timestamp?: string;
    }
  | { readonly type: 'instance_health_changed_event'; readonly instanceId: string; readonly runSpecId: string; readonly healthy?: boolean; readonly timestamp?: string }
  | { readonly type: 'unknown_instance_terminated_event'; readonly instanceId: string; readonly runSpecId: string; readonly condition: string; readonly timestamp?: string }
  | { readonly type: 'pod_created_event' | 'pod_updated_event' | 'pod_deleted_event'; readonly uri?: string; readonly timestamp?: string }
  | { readonly type: 'event_stream_attached' | 'event_stream_detached'; readonly remoteAddress?: string; readonly timestamp?: string }
  | { readonly type: 'other'; readonly eventType: string; readonly data: unknown };

/** One action of a deployment step (raml deploymentAction.raml; Formats.scala `DeploymentActionWrites` in 1.4). */
export interface DeploymentAction {
  readonly action: string;
  readonly app?: string;
  readonly pod?: string;
}

/** A field that may be missing or `null` (an empty Scala `Option`); read as absent. */
const maybe = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? undefined);
const ts = maybe(z.string());
// Events.scala `MesosStatusUpdateEvent`: slaveId and host are plain Strings upstream; tolerated missing.
const statusUpdate = z.object({
  appId: z.string(),
  taskId: z.string(),
  taskStatus: z.string(),
  host: maybe(z.string()),
  slaveId: maybe(z.string()),
  timestamp: ts,
});
// Formats.scala `InstanceChangedEventWrites`: 1.4-1.7 write `agentInfo.agentId` (an Option: null
// until Mesos assigned the agent); 1.8-1.10 write `agentInfo.flatMap(_.agentId)` and
// `instance.hostname` (Options: both null for a Scheduled instance not yet placed on an agent).
const instanceChanged = z.object({
  instanceId: z.string(),
  runSpecId: z.string(),
  condition: z.string(),
  agentId: maybe(z.string()),
  host: maybe(z.string()),
  timestamp: ts,
});
// Events.scala `UnhealthyInstanceKillEvent` (Json.writes: an empty `slaveId` is left out).
const unhealthyKill = z.object({
  appId: z.string(),
  taskId: z.string(),
  instanceId: maybe(z.string()),
  host: maybe(z.string()),
  slaveId: maybe(z.string()),
  reason: maybe(z.string()),
  timestamp: ts,
});
// Formats.scala `InstanceHealthChangedEventWrites`: `healthy` is an Option[Boolean], null when unknown.
const instanceHealth = z.object({ instanceId: z.string(), runSpecId: z.string(), healthy: maybe(z.boolean()), timestamp: ts });
// Formats.scala `UnknownInstanceTerminatedEventWrites`.
const unknownTerminated = z.object({ instanceId: z.string(), runSpecId: z.string(), condition: z.string(), timestamp: ts });
// Events.scala `PodEvent(clientIp, uri, podEventType, timestamp)`.
const podEvent = z.object({ uri: maybe(z.string()), timestamp: ts });
const POD_TYPES = ['pod_created_event', 'pod_updated_event', 'pod_deleted_event'] as const;
type PodType = (typeof POD_TYPES)[number];
const isPod = (t: string): t is PodType => (POD_TYPES as readonly string[]).includes(t);
// Events.scala `DeploymentStatus(plan, currentStep)`, `DeploymentStepSuccess/Failure(plan, currentStep)`,
// `DeploymentSuccess/Failed(id, plan)`; the plan is `{id, steps: [{actions}], version}` (1.4 adds
// `original` and `target`, the whole root groups, not read here).
const action = z.object({ action: z.string(), app: maybe(z.string()), pod: maybe(z.string()) });
const step = z.object({ actions: z.array(action).optional().default([]) });
const deployment = z.object({
  plan: maybe(z.object({ id: maybe(z.string()), version: maybe(z.string()), steps: z.array(step).nullish() })),
  currentStep: maybe(step),
  id: maybe(z.string()),
  timestamp: ts,
});
const appTerminated = z.object({ appId: z.string(), timestamp: ts });
const streamAttach = z.object({ remoteAddress: maybe(z.string()), timestamp: ts });

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
    case 'unhealthy_instance_kill_event': {
      const r = unhealthyKill.safeParse(data);
      if (!r.success) return bad(type, r.error);
      const { slaveId, ...rest } = r.data;
      return ok({ type, ...defined(rest), ...(slaveId ? { agentId: slaveId } : {}) });
    }
    case 'instance_health_changed_event': {
      const r = instanceHealth.safeParse(data);
      return r.success ? ok({ type, ...defined(r.data) }) : bad(type, r.error);
    }
    case 'unknown_instance_terminated_event': {
      const r = unknownTerminated.safeParse(data);
      return r.success ? ok({ type, ...defined(r.data) }) : bad(type, r.error);
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
        const planVersion = r.data.plan?.version;
        const steps = r.data.currentStep ? [r.data.currentStep] : (r.data.plan?.steps ?? []);
        const actions = steps.flatMap((s) => s.actions.map((a) => ({ action: a.action, ...defined({ app: a.app, pod: a.pod }) })));
        return ok({
          type,
          ...(deploymentId ? { deploymentId } : {}),
          ...(planVersion ? { planVersion } : {}),
          ...(actions.length > 0 ? { actions } : {}),
          ...(r.data.timestamp ? { timestamp: r.data.timestamp } : {}),
        });
      }
      if (isPod(type)) {
        const r = podEvent.safeParse(data);
        return r.success ? ok({ type, ...defined(r.data) }) : bad(type, r.error);
      }
      return ok({ type: 'other', eventType: type, data });
    }
  }
}

/** `T` with its possibly-undefined fields made optional and never undefined. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** The object without its undefined fields (so `exactOptionalPropertyTypes` types accept it). */
function defined<T extends Record<string, unknown>>(o: T): Defined<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;
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
