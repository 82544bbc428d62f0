import type { Task } from '../model/agent.js';
import type { V1Task } from './v1-schema.js';
import { allocationRole, sumV1 } from './resources.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Marathon task ids: `<app>.<uuid>`, `<app>.instance-<uuid>` or `<app>.instance-<uuid>.<container>` (pods, 1.5+ apps). */
const MARATHON_TASK_ID = new RegExp(`^(.+?)\\.(?:instance-)?${UUID}(?:\\..*)?$`, 'i');

/**
 * Marathon app id from a task id: Marathon encodes `/group/app` as `group_app` in the task id
 * (app ids may not contain underscores, so the mapping is exact).
 */
export function marathonAppId(taskId: string, labels: Readonly<Record<string, string>> = {}): string | undefined {
  const fromLabel = labels.MARATHON_APP_ID;
  if (fromLabel) return fromLabel;
  const m = MARATHON_TASK_ID.exec(taskId);
  if (!m?.[1]) return undefined;
  return `/${m[1].replace(/_/g, '/')}`;
}

export function labelsOf(list: readonly { key: string; value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list ?? []) out[l.key] = l.value ?? '';
  return out;
}

/** A v1 task with the agent it runs on. */
export interface LocatedTask {
  readonly agentId: string;
  readonly task: Task;
}

/** A v1 task (validated by zod in events, in place in task lists) as the model's Task. */
export function taskFromV1(t: V1Task, isMarathon: (frameworkId: string) => boolean = () => true): LocatedTask {
  const labels = labelsOf(t.labels?.labels);
  const list = t.resources ?? [];
  const role = allocationRole(list);
  const appId = isMarathon(t.framework_id.value) ? marathonAppId(t.task_id.value, labels) : undefined;
  return {
    agentId: t.agent_id.value,
    task: {
      id: t.task_id.value,
      name: t.name,
      frameworkId: t.framework_id.value,
      state: t.state ?? 'TASK_STAGING',
      resources: sumV1(list),
      labels,
      ...(role ? { role } : {}),
      ...(appId ? { appId } : {}),
    },
  };
}
