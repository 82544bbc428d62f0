import type { Agent } from '../../model/agent.js';
import type { AgentSource, PendingSource } from '../../model/ports.js';
import { resources } from '../../model/resources.js';
import { err } from '../../util/result.js';
import type { FaultKind } from './kinds.js';
import { never, type Life, type Referee } from './referee.js';

/** Faults of the Mesos master that the in-process path can show (redirects and echoed bodies need HTTP). */
export type MasterFaultKind = Extract<FaultKind, 'master-5xx' | 'master-hang' | 'master-truncated-json' | 'master-malformed-json' | 'master-impossible-json' | 'master-failover'>;

/**
 * The cycle's master fault, in process: it answers `count` calls to the master starting at call
 * `from` of the cycle (agents, maintenance reads and writes alike), so it can land mid-cycle.
 */
export class MasterFaults {
  #calls = 0;
  #plan: { kind: MasterFaultKind; from: number; count: number } | undefined;
  /** Cycles left in which the master lists only the agents that re-registered after a failover. */
  reregistering = 0;

  constructor(private readonly referee: Referee) {}

  arm(plan: { kind: MasterFaultKind; from: number; count: number } | undefined): void {
    this.#calls = 0;
    this.#plan = plan;
    if (plan?.kind === 'master-failover') {
      this.referee.count('master-failover');
      this.reregistering = 1 + (plan.count % 3);
    }
  }

  /** The fault that answers this call, if any. A failover is no error: the new master answers, with fewer agents. */
  next(): MasterFaultKind | undefined {
    const i = this.#calls++;
    const p = this.#plan;
    if (!p || p.kind === 'master-failover' || i < p.from || i >= p.from + p.count) return undefined;
    this.referee.count(p.kind);
    return p.kind;
  }
}

/** What the Mesos client returns for each fault (util/http.ts and mesos/errors.ts kinds). */
function clientError(kind: MasterFaultKind): { kind: string; message: string } {
  switch (kind) {
    case 'master-5xx':
      return { kind: 'http', message: 'master answered 503 Service Unavailable' };
    case 'master-hang':
      return { kind: 'timeout', message: 'master did not answer within the request timeout' };
    case 'master-truncated-json':
    case 'master-malformed-json':
      return { kind: 'malformed', message: 'master response is not valid JSON' };
    default:
      return { kind: 'http', message: `master fault ${kind}` };
  }
}

/**
 * Impossible data a master can send (issue 10 case 9): more allocated than the agent has, a
 * negative amount, or active tasks on an agent the master does not list.
 */
function impossible(agents: readonly Agent[], which: number): { agents: Agent[]; unknownAgentTasks: number } {
  const out = [...agents];
  const i = which % Math.max(1, out.length);
  const a = out[i];
  if (!a || which % 3 === 2) return { agents: out, unknownAgentTasks: 2 };
  out[i] = which % 3 === 0 ? { ...a, used: resources({ ...a.used, cpus: a.total.cpus * 100 }) } : { ...a, used: resources({ ...a.used, mem: -512 }) };
  return { agents: out, unknownAgentTasks: 0 };
}

/** The in-process agent source with the cycle's master faults applied. */
export function faultyAgents(inner: AgentSource, faults: MasterFaults, life: Life, rand: () => number): AgentSource {
  return {
    getAgents: async () => {
      if (!life.alive) return never();
      const kind = faults.next();
      if (kind && kind !== 'master-impossible-json') return err(clientError(kind));
      const r = await inner.getAgents();
      if (!r.ok) return r;
      let agents = [...r.value.agents];
      let unknownAgentTasks = r.value.unknownAgentTasks ?? 0;
      if (kind === 'master-impossible-json') ({ agents, unknownAgentTasks } = impossible(agents, Math.floor(rand() * 99)));
      if (faults.reregistering > 0) agents = agents.filter(() => rand() < 0.6);
      return { ok: true, value: { ...r.value, agents, unknownAgentTasks } };
    },
  };
}

/** The in-process launch queue with Marathon's faults: a 5xx or an unreadable body for this read. */
export function faultyPending(inner: PendingSource, take: () => 'marathon-5xx' | 'marathon-malformed-json' | undefined, life: Life): PendingSource {
  return {
    getQueue: async () => {
      if (!life.alive) return never();
      const kind = take();
      if (kind === 'marathon-5xx') return err({ kind: 'http', message: 'marathon answered 502 Bad Gateway' });
      if (kind === 'marathon-malformed-json') return err({ kind: 'malformed', message: 'marathon queue is not valid JSON' });
      return inner.getQueue();
    },
  };
}
