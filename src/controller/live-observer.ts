import type { NodeGroupState } from '../model/node-group.js';
import type { ClusterSnapshot, SourceInfo } from '../model/snapshot.js';
import type { Logger } from '../util/logger.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import type { Bindings } from './bindings.js';
import { applyMaintenance } from '../mesos/maintenance.js';
import type { MaintenanceView } from '../model/drain.js';
import type { AgentSource, Drainer, ObserveError, Observer, PendingRead, PendingSource } from '../model/ports.js';
import { ConstraintMarks } from './constraint-marks.js';
import { InstanceIntern } from './instance-intern.js';

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
  readonly #marks = new ConstraintMarks();
  readonly #intern = new InstanceIntern();

  constructor(private readonly o: LiveObserverOptions) {}

  async observe(now: number): Promise<Result<ClusterSnapshot, ObserveError>> {
    const [agents, groups, pendingRead, maintenance] = await Promise.all([this.o.agents.getAgents(), this.describeGroups(), this.readPending(), this.readMaintenance()]);
    const pending = pendingRead && 'error' in pendingRead ? undefined : pendingRead;
    const pendingUnknown = pendingRead && 'error' in pendingRead ? pendingRead.error : undefined;
    if (!agents.ok) {
      const kind = agents.error.kind === 'malformed' ? 'mesos-malformed' : 'mesos-unreachable';
      this.o.onError?.(kind);
      return err({ kind, message: agents.error.message });
    }
    const inMaintenance = maintenance ? applyMaintenance(agents.value.agents, maintenance) : agents.value.agents;
    const marked = this.#marks.mark(inMaintenance, pending?.appConstraints);
    const mesos: SourceInfo = {
      readAt: agents.value.readAt,
      from: agents.value.from,
      ...(agents.value.api ? { api: agents.value.api } : {}),
      ...(agents.value.unknownAgentTasks ? { unknownAgentTasks: agents.value.unknownAgentTasks } : {}),
      ...(agents.value.tasksUnlisted ? { tasksUnlisted: true } : {}),
    };
    return ok({
      takenAt: now,
      agents: marked,
      pending: pending?.pending ?? [],
      groups,
      ...(maintenance ? { maintenance } : {}),
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
          out[name] = this.#intern.intern(name, await b.provider.describe(b.ref));
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

  /** Mesos maintenance, read once per cycle; without it no drain moves (and none starts) this cycle. */
  private async readMaintenance(): Promise<MaintenanceView | undefined> {
    if (!this.o.drainer) return undefined;
    try {
      return await this.o.drainer.read();
    } catch (e) {
      this.o.onError?.('mesos-unreachable');
      this.o.logger.warn({ err: errorMessage(e) }, 'could not read maintenance state: no drain moves this cycle');
      return undefined;
    }
  }
}
