import type { AgentSource } from '../model/ports.js';
import { ok } from '../util/result.js';
import type { MesosClient } from './client.js';

/**
 * Agents with their tasks (GET_STATE or /master/state), which scale-down needs to
 * tell idle agents and to re-place tasks; agents alone (GET_AGENTS or the
 * classic slaves endpoint) when the state cannot be read.
 */
export function mesosAgentSource(client: MesosClient): AgentSource {
  return {
    getAgents: async () => {
      const state = await client.getState();
      if (state.ok) return ok({ agents: state.value.state.agents, from: state.value.from, readAt: state.value.readAt, api: state.value.api, unknownAgentTasks: state.value.state.unknownAgentTasks ?? 0 });
      // Agents only: enough to size groups by what Mesos has allocated, not to choose one to drain.
      const agents = await client.getAgents();
      return agents.ok ? ok({ ...agents.value, tasksUnlisted: true }) : agents;
    },
  };
}
