import type { Agent } from '../model/agent.js';

/** An agent belongs to a group when every selector attribute matches exactly. */
export function matchesSelector(agent: Agent, selector: Readonly<Record<string, string>>): boolean {
  return selectorMatcher(selector)(agent);
}

/** The selector's test, with its entries read once for a pass over many agents. */
export function selectorMatcher(selector: Readonly<Record<string, string>>): (agent: Agent) => boolean {
  const entries = Object.entries(selector);
  return (agent) => {
    for (const [key, value] of entries) {
      if (agent.attributes[key] !== value) return false;
    }
    return true;
  };
}

export function describeSelector(selector: Readonly<Record<string, string>>): string {
  const parts = Object.entries(selector).map(([k, v]) => `${k}:${v}`);
  return parts.length ? parts.join(',') : 'any agent';
}
