import type { Agent } from '../model/agent.js';
import type { NodeGroupState } from '../model/node-group.js';
import type { PendingLaunch } from '../model/pending.js';
import type { ClusterSnapshot, SourceInfo } from '../model/snapshot.js';
import type { Logger } from '../util/logger.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import type { Bindings } from './bindings.js';
import type { AgentSource, DrainRecord, Drainer, ObserveError, Observer, PendingSource } from './ports.js';

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
    const [agents, groups, pending, drains] = await Promise.all([this.o.agents.getAgents(), this.describeGroups(), this.readPending(), this.readDrains()]);
    if (!agents.ok) {
      const kind = agents.error.kind === 'malformed' ? 'mesos-malformed' : 'mesos-unreachable';
      this.o.onError?.(kind);
      return err({ kind, message: agents.error.message });
    }
    const marked = drains.length ? agents.value.agents.map((a) => markDraining(a, drains)) : agents.value.agents;
    const mesos: SourceInfo = { readAt: agents.value.readAt, from: agents.value.from };
    return ok({
      takenAt: now,
      agents: marked,
      pending: pending?.pending ?? [],
      groups,
      sources: pending ? { mesos, marathon: { readAt: pending.readAt, from: pending.from } } : { mesos },
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

  private async readPending(): Promise<{ pending: readonly PendingLaunch[]; from: string; readAt: number } | undefined> {
    if (!this.o.pending) return undefined;
    const r = await this.o.pending.getQueue();
    if (r.ok) return r.value;
    this.o.onError?.('marathon');
    this.o.logger.warn({ err: r.error.message }, 'could not read the launch queue; planning without pending work');
    return undefined;
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
