import type { Agent } from '../model/agent.js';
import type { NodeGroupState } from '../model/node-group.js';
import type { Constraint } from '../model/pending.js';
import type { ClusterSnapshot, SourceInfo } from '../model/snapshot.js';
import type { Logger } from '../util/logger.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import type { Bindings } from './bindings.js';
import type { AgentSource, DrainRecord, Drainer, ObserveError, Observer, PendingRead, PendingSource } from './ports.js';

export interface LiveObserverOptions {
  readonly agents: AgentSource;
  readonly bindings: Bindings;
  readonly pending?: PendingSource;
  readonly drainer?: Drainer;
  readonly logger: Logger;
  /** Called with the kind of every failed read, for metrics. */
  readonly onError?: (kind: ObserveError['kind']) => void;
}

/** Reads Mesos, Marathon and every node group's cloud state into one snapshot. */
export class LiveObserver implements Observer {
  constructor(private readonly o: LiveObserverOptions) {}

  async observe(now: number): Promise<Result<ClusterSnapshot, ObserveError>> {
    const [agents, groups, pendingRead, drains] = await Promise.all([this.o.agents.getAgents(), this.describeGroups(), this.readPending(), this.readDrains()]);
    const pending = pendingRead && 'error' in pendingRead ? undefined : pendingRead;
    const pendingUnknown = pendingRead && 'error' in pendingRead ? pendingRead.error : undefined;
    if (!agents.ok) {
      const kind = agents.error.kind === 'malformed' ? 'mesos-malformed' : 'mesos-unreachable';
      this.o.onError?.(kind);
      return err({ kind, message: agents.error.message });
    }
    const constraints = pending?.appConstraints;
    const marked = agents.value.agents.map((a) => withConstraints(drains.length ? markDraining(a, drains) : a, constraints));
    const mesos: SourceInfo = { readAt: agents.value.readAt, from: agents.value.from };
    return ok({
      takenAt: now,
      agents: marked,
      pending: pending?.pending ?? [],
      groups,
      sources: {
        mesos,
        ...(pending ? { marathon: { readAt: pending.readAt, from: pending.from } } : {}),
        ...(pendingUnknown ? { pendingUnknown } : {}),
      },
    });
  }

  private async describeGroups(): Promise<Record<string, NodeGroupState>> {
    const out: Record<string, NodeGroupState> = {};
    await Promise.all(
      [...this.o.bindings].map(async ([name, b]) => {
        try {
          out[name] = await b.provider.describe(b.ref);
        } catch (e) {
          this.o.onError?.('provider');
          this.o.logger.warn({ group: name, err: errorMessage(e) }, 'could not read node group from the cloud; holding it this cycle');
        }
      }),
    );
    return out;
  }

  private async readPending(): Promise<PendingRead | { error: string } | undefined> {
    if (!this.o.pending) return undefined;
    const r = await this.o.pending.getQueue();
    if (r.ok) return r.value;
    this.o.onError?.('marathon');
    this.o.logger.warn({ err: r.error.message }, 'could not read the launch queue; no scale-down for waiting work this cycle');
    return { error: `launch queue unreadable: ${r.error.message}` };
  }

  private async readDrains(): Promise<readonly DrainRecord[]> {
    if (!this.o.drainer) return [];
    try {
      return await this.o.drainer.draining();
    } catch (e) {
      this.o.logger.warn({ err: errorMessage(e) }, 'could not read maintenance state');
      return [];
    }
  }
}

function markDraining(agent: Agent, drains: readonly DrainRecord[]): Agent {
  const hit = drains.some((d) => d.agentId === agent.id || d.hostname === agent.hostname || (d.ip !== undefined && d.ip === agent.ip));
  return hit && !agent.draining ? { ...agent, draining: true } : agent;
}

function withConstraints(agent: Agent, byApp: ReadonlyMap<string, readonly Constraint[]> | undefined): Agent {
  if (!byApp || byApp.size === 0) return agent;
  let changed = false;
  const tasks = agent.tasks.map((t) => {
    const c = t.appId !== undefined && t.constraints === undefined ? byApp.get(t.appId) : undefined;
    if (!c || c.length === 0) return t;
    changed = true;
    return { ...t, constraints: c };
  });
  return changed ? { ...agent, tasks } : agent;
}
