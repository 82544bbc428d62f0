import type { Agent } from '../model/agent.js';

/** Label (on a task) or attribute (on an agent) that keeps an agent from being removed. */
export const PROTECT_KEY = 'mesos-autoscaler/protect';

/** Why an agent must never be removed, or undefined when it may be. */
export function protection(agent: Agent, protectedFrameworks: readonly string[] = []): string | undefined {
  if (agent.persistentVolumes.length) return `holds ${agent.persistentVolumes.length} persistent volume(s)`;
  // Static reservations are agent configuration and hold nothing; dynamic ones hold a framework's state.
  const roles = (agent.dynamicRoles ?? agent.reservedRoles).filter((r) => r !== '*');
  if (roles.length) return `has resources dynamically reserved for role ${roles.join(', ')}`;
  if (agent.attributes[PROTECT_KEY] === 'true') return `agent attribute ${PROTECT_KEY}=true`;
  for (const task of agent.tasks) {
    if (task.labels[PROTECT_KEY] === 'true') return `task ${task.id} has label ${PROTECT_KEY}=true`;
    if (protectedFrameworks.includes(task.frameworkId)) return `task ${task.id} belongs to protected framework ${task.frameworkId}`;
  }
  return undefined;
}
