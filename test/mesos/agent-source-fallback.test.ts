import { describe, expect, it } from 'vitest';
import { mesosAgentSource } from '../../src/mesos/agent-source.js';
import type { MesosClient } from '../../src/mesos/client.js';
import { err, ok } from '../../src/util/result.js';
import { agent } from '../support/builders.js';

describe('mesosAgentSource', () => {
  const busy = { ...agent({ id: 'a1', usedCpus: 1 }), tasks: [] };
  /** A client whose state read fails and whose agents read (GET_AGENTS, /master/slaves) works. */
  const client = (stateOk: boolean) =>
    ({
      getState: async () => (stateOk ? ok({ state: { agents: [agent({ id: 'a1', usedCpus: 1 })], recoveredAgents: [], frameworks: [] }, from: 'm', readAt: 1, api: 'v1' as const }) : err({ kind: 'timeout' as const, message: 'GET_STATE timed out' })),
      getAgents: async () => ok({ agents: [busy], from: 'm', readAt: 1, api: 'v1' as const }),
    }) as unknown as MesosClient;

  it('says when the agents came without their tasks (the state could not be read)', async () => {
    const r = await mesosAgentSource(client(false)).getAgents();
    expect(r.ok && r.value.tasksUnlisted).toBe(true);
    expect(r.ok && r.value.agents).toEqual([busy]);
  });

  it('does not when the state was read', async () => {
    const r = await mesosAgentSource(client(true)).getAgents();
    expect(r.ok && r.value.tasksUnlisted).toBeFalsy();
    expect(r.ok && r.value.agents[0]?.tasks.length).toBe(1);
  });
});
