import type { Config, GroupConfig } from '../config/schema.js';
import type { Agent } from '../model/agent.js';
import type { GroupPlan } from '../model/plan.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { runningTasks } from '../planner/group-view.js';
import { matchInstance } from '../planner/match.js';
import { matchesSelector } from '../planner/selector.js';
import type { Logger } from '../util/logger.js';
import { errorMessage } from '../util/result.js';
import { withRetry, type RetryOptions } from '../util/retry.js';
import type { Bindings } from './bindings.js';
import type { ActionRecord, DrainRecord, Drainer } from './ports.js';

/**
 * Scale-down through Mesos maintenance: drain, wait for tasks to leave (or the
 * drain timeout), mark down, delete exactly that instance, clear the entry.
 * Every step reads the drain state back from Mesos, so a restarted autoscaler
 * finishes the drains a previous one started.
 */
export class DrainManager {
  constructor(
    private readonly drainer: Drainer,
    private readonly bindings: Bindings,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly retry: RetryOptions,
  ) {}

  async start(g: GroupPlan, now: number): Promise<ActionRecord[]> {
    const out: ActionRecord[] = [];
    for (const r of g.removals) {
      const detail = `drain ${r.hostname} (${r.reason})`;
      try {
        await withRetry(() => this.drainer.startDrain({ id: r.agentId, hostname: r.hostname }, now), this.retry);
        this.logger.info({ group: g.group, agent: r.agentId, hostname: r.hostname }, `draining ${r.hostname}`);
        out.push({ at: now, group: g.group, kind: 'drain', detail, ok: true, dryRun: false });
      } catch (e) {
        this.logger.error({ group: g.group, hostname: r.hostname, err: errorMessage(e) }, 'could not start drain');
        out.push({ at: now, group: g.group, kind: 'drain', detail: `${detail}: ${errorMessage(e)}`, ok: false, dryRun: false });
      }
    }
    return out;
  }

  /** Moves every drain Mesos knows of one step forward. */
  async progress(snapshot: ClusterSnapshot, now: number, canAct: boolean): Promise<ActionRecord[]> {
    let records: readonly DrainRecord[];
    try {
      records = await this.drainer.draining();
    } catch (e) {
      this.logger.warn({ err: errorMessage(e) }, 'could not read drains from Mesos; retrying next cycle');
      return [];
    }
    const out: ActionRecord[] = [];
    for (const record of records) {
      const agent = findAgent(snapshot, record);
      const group = this.config.groups.find((g) => (agent ? matchesSelector(agent, g.selector) : false) || this.hasInstance(snapshot, g, record));
      if (!group) continue; // Not one of ours: someone else's maintenance.
      if (!canAct) continue;
      const step = await this.step(record, agent, group, snapshot, now);
      if (step) out.push(step);
    }
    return out;
  }

  private hasInstance(snapshot: ClusterSnapshot, g: GroupConfig, record: DrainRecord): boolean {
    return (snapshot.groups[g.name]?.instances ?? []).some((i) => i.hostname === record.hostname || (record.ip !== undefined && i.privateIp === record.ip));
  }

  private async step(record: DrainRecord, agent: Agent | undefined, group: GroupConfig, snapshot: ClusterSnapshot, now: number): Promise<ActionRecord | undefined> {
    const act = (kind: ActionRecord['kind'], detail: string, ok: boolean): ActionRecord => ({ at: now, group: group.name, kind, detail, ok, dryRun: false });
    const tasksLeft = agent ? runningTasks(agent).length : 0;
    const timedOut = now - record.since >= group.scaleDown.drainTimeout * 1000;
    if (tasksLeft > 0 && !timedOut) return undefined;
    const binding = this.bindings.get(group.name);
    if (!binding) return undefined;
    try {
      if (record.mode === 'DRAINING') await withRetry(() => this.drainer.down(record), this.retry);
      const instances = snapshot.groups[group.name]?.instances ?? [];
      const instance = agent ? matchInstance(agent, instances) : instances.find((i) => i.hostname === record.hostname || (record.ip !== undefined && i.privateIp === record.ip));
      if (instance) {
        await withRetry(() => binding.provider.deleteInstances(binding.ref, [instance.id]), this.retry);
      }
      await withRetry(() => this.drainer.finish(record), this.retry);
      const why = tasksLeft > 0 ? `drain timed out with ${tasksLeft} task(s) left` : 'drained';
      this.logger.info({ group: group.name, hostname: record.hostname, instance: instance?.id }, `removed ${record.hostname}: ${why}`);
      return act('delete', `delete ${record.hostname}${instance ? ` (instance ${instance.id})` : ' (instance already gone)'}: ${why}`, true);
    } catch (e) {
      // Left in Mesos maintenance: the next cycle picks it up again.
      this.logger.error({ group: group.name, hostname: record.hostname, err: errorMessage(e) }, 'drain step failed; will retry');
      return act('delete', `delete ${record.hostname}: ${errorMessage(e)}`, false);
    }
  }
}

function findAgent(snapshot: ClusterSnapshot, record: DrainRecord): Agent | undefined {
  return snapshot.agents.find((a) => (record.agentId !== undefined && a.id === record.agentId) || a.hostname === record.hostname || (record.ip !== undefined && a.ip === record.ip));
}
