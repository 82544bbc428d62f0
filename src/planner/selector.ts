import type { Agent } from '../model/agent.js';

/** An agent belongs to a group when every selector attribute matches exactly. */
export function matchesSelector(agent: Agent, selector: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (agent.attributes[key] !== value) return false;
  }
  return true;
}

export function describeSelector(selector: Readonly<Record<string, string>>): string {
  const parts = Object.entries(selector).map(([k, v]) => `${k}:${v}`);
  return parts.length ? parts.join(',') : 'any agent';
}
