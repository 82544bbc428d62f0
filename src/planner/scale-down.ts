import type { Agent } from '../model/agent.js';
import type { Removal } from '../model/plan.js';
import { agentLoad, runningTasks, type GroupView } from './group-view.js';
import { matchInstance } from './match.js';
import { protection } from './protections.js';

export interface Candidate {
  readonly agent: Agent;
  readonly instanceId: string;
  readonly load: number;
  readonly tasks: number;
}

export interface CandidateSearch {
  readonly candidates: readonly Candidate[];
  /** Agents that were left out, with why (for the plan's reasons). */
  readonly excluded: readonly { agent: Agent; why: string }[];
}

/**
 * Agents of the group that may be removed, best first: no running tasks, then
 * least loaded; ties broken by agent id so the same input gives the same plan.
 */
export function removalCandidates(view: GroupView, protectedFrameworks: readonly string[] = []): CandidateSearch {
  const instances = view.provider?.instances ?? [];
  const candidates: Candidate[] = [];
  const excluded: { agent: Agent; why: string }[] = [];
  for (const agent of view.capacity) {
    const why = protection(agent, protectedFrameworks);
    if (why) {
      excluded.push({ agent, why });
      continue;
    }
    const instance = matchInstance(agent, instances);
    if (!instance) {
      excluded.push({ agent, why: 'no cloud instance of the group matches it' });
      continue;
    }
    candidates.push({ agent, instanceId: instance.id, load: agentLoad(agent, view.config.resources), tasks: runningTasks(agent).length });
  }
  candidates.sort((a, b) => Number(b.tasks === 0) - Number(a.tasks === 0) || a.load - b.load || (a.agent.id < b.agent.id ? -1 : a.agent.id > b.agent.id ? 1 : 0));
  return { candidates, excluded };
}

export function toRemoval(c: Candidate): Removal {
  const reason = c.tasks === 0
    ? 'no running tasks'
    : `least loaded: ${(c.load * 100).toFixed(1)}% with ${c.tasks} task(s)`;
  return { agentId: c.agent.id, hostname: c.agent.hostname, instanceId: c.instanceId, reason };
}
