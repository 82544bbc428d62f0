import { z } from 'zod';
import type { Agent, Task } from '../model/agent.js';
import { err, ok, type Result } from '../util/result.js';
import { malformed, type MesosError } from './errors.js';
import { agentFromV1, frameworkFromV1, stateFromV1, type FrameworkSummary, type MesosState } from './parse-v1.js';
import { taskFromV1 } from './tasks.js';
import { v1AgentSchema, v1FrameworkSchema, v1GetStateSchema, v1TaskSchema, valueSchema } from './v1-schema.js';

/** Events of the v1 `SUBSCRIBE` stream (master.proto `Event`), typed. */
export type MesosEvent =
  | {
      readonly type: 'SUBSCRIBED';
      readonly state: MesosState;
      /**
       * Set by masters that send HEARTBEAT events (Mesos 1.5 on, every 15 s: src/master/http.cpp
       * @1.5.0 `Master::Http::subscribe`, `DEFAULT_HEARTBEAT_INTERVAL`); absent before 1.5,
       * whose streams stay silent while nothing changes.
       */
      readonly heartbeatIntervalSeconds?: number;
    }
  | { readonly type: 'TASK_ADDED'; readonly agentId: string; readonly task: Task }
  | {
      readonly type: 'TASK_UPDATED';
      readonly frameworkId: string;
      readonly taskId: string;
      readonly agentId?: string;
      readonly state: string;
      /** Epoch ms of the status update (Mesos 1.1 on; 1.0's TASK_UPDATED carries no status). */
      readonly at?: number;
    }
  | { readonly type: 'AGENT_ADDED'; readonly agent: Agent }
  | { readonly type: 'AGENT_REMOVED'; readonly agentId: string }
  | { readonly type: 'FRAMEWORK_ADDED' | 'FRAMEWORK_UPDATED'; readonly framework: FrameworkSummary }
  | { readonly type: 'FRAMEWORK_REMOVED'; readonly frameworkId: string }
  | { readonly type: 'HEARTBEAT' }
  /** A newer master's event we do not know; harmless to skip. */
  | { readonly type: 'UNKNOWN'; readonly rawType: string };

const envelope = z.object({ type: z.string() });
const subscribed = z.object({
  subscribed: z.object({ get_state: v1GetStateSchema.optional().default(v1GetStateSchema.parse({})), heartbeat_interval_seconds: z.number().optional() }),
});
const taskAdded = z.object({ task_added: z.object({ task: v1TaskSchema }) });
/**
 * TASK_UPDATED from Mesos 1.1 on: the acknowledged `status` plus the latest `state`
 * (apache/mesos include/mesos/v1/master/master.proto @1.1.0..1.11.0, `Event.TaskUpdated`,
 * built by `protobuf::master::event::createTaskUpdated` in src/common/protobuf_utils.cpp).
 */
const taskUpdatedSince11 = z.object({
  framework_id: valueSchema,
  state: z.string(),
  status: z.object({ task_id: valueSchema, agent_id: valueSchema.optional(), timestamp: z.number().optional() }),
});
/**
 * TASK_UPDATED of Mesos 1.0: the ids at the top level, no status and so no timestamp
 * (master.proto @1.0.0 `Event.TaskUpdated {task_id, framework_id, agent_id, executor_id, state}`;
 * src/common/protobuf_utils.cpp @1.0.0 `createTaskUpdated` fills them from the Task; the
 * internal `slave_id` is sent as the v1 `agent_id` by `evolve` in src/master/http.cpp).
 */
const taskUpdated10 = z.object({
  task_id: valueSchema,
  framework_id: valueSchema,
  agent_id: valueSchema.optional(),
  state: z.string(),
});
const taskUpdated = z.object({ task_updated: z.union([taskUpdatedSince11, taskUpdated10]) });
const agentAdded = z.object({ agent_added: z.object({ agent: v1AgentSchema }) });
const agentRemoved = z.object({ agent_removed: z.object({ agent_id: valueSchema }) });
const frameworkAdded = z.object({ framework_added: z.object({ framework: v1FrameworkSchema }) });
const frameworkUpdated = z.object({ framework_updated: z.object({ framework: v1FrameworkSchema }) });
const frameworkRemoved = z.object({ framework_removed: z.object({ framework_info: z.object({ id: valueSchema }) }) });

function check<T>(schema: z.ZodType<T>, json: unknown, what: string): Result<T, MesosError> {
  const parsed = schema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(malformed(`${what} event`, parsed.error));
}

/** One decoded event record -> typed event, or an error value when a known event is malformed. */
export function parseEvent(json: unknown): Result<MesosEvent, MesosError> {
  const head = check(envelope, json, 'SUBSCRIBE');
  if (!head.ok) return head;
  const type = head.value.type;
  switch (type) {
    case 'SUBSCRIBED': {
      const r = check(subscribed, json, type);
      if (!r.ok) return r;
      const hb = r.value.subscribed.heartbeat_interval_seconds;
      return ok({ type, state: stateFromV1(r.value.subscribed.get_state), ...(hb !== undefined ? { heartbeatIntervalSeconds: hb } : {}) });
    }
    case 'TASK_ADDED': {
      const r = check(taskAdded, json, type);
      if (!r.ok) return r;
      const located = taskFromV1(r.value.task_added.task);
      return ok({ type, agentId: located.agentId, task: located.task });
    }
    case 'TASK_UPDATED': {
      const r = check(taskUpdated, json, type);
      if (!r.ok) return r;
      const u = r.value.task_updated;
      if (!('status' in u)) {
        return ok({ type, frameworkId: u.framework_id.value, taskId: u.task_id.value, state: u.state, ...(u.agent_id ? { agentId: u.agent_id.value } : {}) });
      }
      return ok({
        type,
        frameworkId: u.framework_id.value,
        taskId: u.status.task_id.value,
        state: u.state,
        ...(u.status.agent_id ? { agentId: u.status.agent_id.value } : {}),
        ...(u.status.timestamp !== undefined ? { at: Math.round(u.status.timestamp * 1000) } : {}),
      });
    }
    case 'AGENT_ADDED': {
      const r = check(agentAdded, json, type);
      return r.ok ? ok({ type, agent: agentFromV1(r.value.agent_added.agent) }) : r;
    }
    case 'AGENT_REMOVED': {
      const r = check(agentRemoved, json, type);
      return r.ok ? ok({ type, agentId: r.value.agent_removed.agent_id.value }) : r;
    }
    case 'FRAMEWORK_ADDED': {
      const r = check(frameworkAdded, json, type);
      return r.ok ? ok({ type, framework: frameworkFromV1(r.value.framework_added.framework) }) : r;
    }
    case 'FRAMEWORK_UPDATED': {
      const r = check(frameworkUpdated, json, type);
      return r.ok ? ok({ type, framework: frameworkFromV1(r.value.framework_updated.framework) }) : r;
    }
    case 'FRAMEWORK_REMOVED': {
      const r = check(frameworkRemoved, json, type);
      return r.ok ? ok({ type, frameworkId: r.value.framework_removed.framework_info.id.value }) : r;
    }
    case 'HEARTBEAT':
      return ok({ type });
    default:
      return ok({ type: 'UNKNOWN', rawType: type });
  }
}
