import type { Agent } from '../model/agent.js';
import { indexMaintenance, isMarked, type DrainView, type Move } from '../model/drain.js';
import { formatMachine, machineKey, machineOf, type MachineId } from '../model/machine.js';
import type { ClusterSnapshot } from '../model/snapshot.js';
import { isZero } from '../model/resources.js';
import { runningTasks, type GroupView } from './group-view.js';
import { selectorMatcher } from './selector.js';
import type { GroupMemory } from './state.js';

/** The next move of every drain of ours, and the memory that watches them. */
export interface DrainDecisions {
  readonly moves: readonly Move[];
  readonly views: readonly DrainView[];
  /** Memory per group with `drainSeen` updated. */
  readonly memory: ReadonlyMap<string, GroupMemory>;
}

/** Backoff of a failed delete: 30 s, doubling, at most 15 min. */
export function deleteBackoffMs(attempts: number): number {
  return Math.min(15 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Pure: for every machine in a maintenance window of ours, where it stands and what comes next:
 * wait for its tasks to leave (or the drain timeout, on this process's clock from when it first
 * saw the drain), machine down, delete exactly its instance once Mesos runs nothing there, and
 * clear the window once the instance is gone. Operators' windows are not looked at.
 */
export function decideDrains(snapshot: ClusterSnapshot, views: readonly GroupView[], memories: ReadonlyMap<string, GroupMemory>, now: number): DrainDecisions {
  const moves: Move[] = [];
  const out: DrainView[] = [];
  const memory = new Map(memories);
  const seen = new Map<string, Record<string, number>>(views.map((v) => [v.config.name, {}]));
  if (!snapshot.maintenance) return { moves, views: out, memory };
  const maintenance = indexMaintenance(snapshot.maintenance);
  const agentOf = agentFinder(snapshot, views);
  const cloudUnknown = views.some((v) => !v.provider);

  for (const [key, machine] of maintenance.ours) {
    const agent = agentOf(key, machine);
    const view = groupOf(machine, agent, views);
    // Once its VM and agent are gone a drain matches no group's view: the group that saw it keeps it.
    const group = view?.config.name ?? [...memory].find(([, m]) => m.drainSeen?.[key] !== undefined)?.[0] ?? '';
    const mem = memory.get(group) ?? {};
    const first = mem.drainSeen?.[key] ?? now;
    const groupSeen = seen.get(group);
    if (groupSeen) groupSeen[key] = first;
    const watchedMs = now - first;
    const lookup = view ? view.index.lookup(machine) : undefined;
    const instance = lookup && 'instance' in lookup ? lookup.instance : undefined;
    const down = maintenance.down.has(key);
    const base = { group, machine, ...(agent ? { agentId: agent.id } : {}), ...(instance ? { instanceId: instance.id } : {}), phase: down ? ('down' as const) : ('draining' as const), watchedMs };
    const wait = (next: string, phase: DrainView['phase'] = base.phase): void => {
      out.push({ ...base, phase, next: `wait: ${next}` });
    };
    const move = (m: Move, phase: DrainView['phase'] = base.phase): void => {
      moves.push(m);
      out.push({ ...base, phase, next: m.kind });
    };

    if (!view) {
      // No group holds its instance or its agent: the VM is gone, unless some cloud was unreadable.
      // A process that never saw the drain (restarted since) cannot tell whose it was: while any
      // group is paused, the window stays (it may be the paused group's).
      if (mem.paused) wait('the group is paused');
      else if (group === '' && [...memory.values()].some((m) => m.paused)) wait('its group is unknown (not seen by this process) and a group is paused');
      else if (cloudUnknown) wait('a node group could not be read from the cloud this cycle');
      else move({ kind: 'finish', group, machine, reason: `${formatMachine(machine)}: no instance or agent of any group is left` }, 'gone');
      continue;
    }
    if (mem.paused) {
      wait('the group is paused');
      continue;
    }
    if (!view.provider) {
      wait('the group could not be read from the cloud this cycle');
      continue;
    }
    if (!instance) {
      // The cloud answered and lists no instance for this machine: it is gone (or never was ours to delete).
      move({ kind: 'finish', group, machine, reason: `${formatMachine(machine)}: ${lookup && 'why' in lookup ? lookup.why : 'no instance'}; clearing the window` }, 'gone');
      continue;
    }
    if (agent && snapshot.sources.mesos.tasksUnlisted && !isZero(agent.used)) {
      wait('resources allocated on it, and the master listed agents without their tasks this cycle');
      continue;
    }
    const tasks = agent ? runningTasks(agent).length : 0;
    if (!down) {
      const timeoutMs = view.config.scaleDown.drainTimeout * 1000;
      if (tasks > 0 && watchedMs < timeoutMs) {
        wait(`${tasks} task(s) still running (${Math.round(watchedMs / 1000)} s of ${view.config.scaleDown.drainTimeout} s)`);
        continue;
      }
      const why = tasks > 0 ? `drain timed out with ${tasks} task(s) left` : 'no tasks left';
      move({ kind: 'down', group, machine, reason: `${formatMachine(machine)}: ${why}` });
      continue;
    }
    if (tasks > 0) {
      wait(`the master still lists ${tasks} task(s) on the agent`);
      continue;
    }
    if (instance.state === 'deleting') {
      wait(`instance ${instance.id} is being deleted`, 'deleting');
      continue;
    }
    const retry = mem.deleteRetry?.[instance.id];
    if (retry && now < retry.notBefore) {
      wait(`delete of ${instance.id} failed ${retry.attempts} time(s); next try in ${Math.ceil((retry.notBefore - now) / 1000)} s`);
      continue;
    }
    move({ kind: 'delete', group, instanceId: instance.id, machine, reason: `${formatMachine(machine)} is down and runs no task` });
  }
  moves.push(...decideAgentDrains(snapshot, views, memory, now, out));
  for (const v of views) {
    const mem = memory.get(v.config.name) ?? {};
    memory.set(v.config.name, { ...mem, drainSeen: seen.get(v.config.name) ?? {} });
  }
  return { moves, views: out, memory };
}

/**
 * Drains of ours through DRAIN_AGENT (Mesos 1.9+, marked in `max_grace_period`): the master kills
 * the tasks after the grace period and reports DRAINED when none is left; then exactly the agent's
 * instance is deleted. Without the cloud state, or while the master lists tasks, it waits.
 */
function decideAgentDrains(snapshot: ClusterSnapshot, views: readonly GroupView[], memory: ReadonlyMap<string, GroupMemory>, now: number, out: DrainView[]): Move[] {
  const moves: Move[] = [];
  for (const agent of snapshot.agents) {
    const info = agent.drainInfo;
    const machine = machineOf(agent);
    if (!info || !machine || !isMarked(info.maxGracePeriodNs)) continue;
    const view = groupOf(machine, agent, views);
    if (!view) continue; // not in any group: nothing of ours to delete
    const group = view.config.name;
    const mem = memory.get(group) ?? {};
    const lookup = view.index.lookup(machine);
    const instance = 'instance' in lookup ? lookup.instance : undefined;
    const tasks = runningTasks(agent).length;
    const base = { group, machine, agentId: agent.id, ...(instance ? { instanceId: instance.id } : {}), watchedMs: 0 };
    const wait = (next: string, phase: DrainView['phase'] = 'draining'): void => {
      out.push({ ...base, phase, next: `wait: ${next}` });
    };
    if (mem.paused) wait('the group is paused');
    else if (!view.provider) wait('the group could not be read from the cloud this cycle');
    else if (!instance) wait('its instance is gone; the master removes the agent once it stops answering', 'gone');
    else if (info.state !== 'DRAINED' || tasks > 0) wait(`Mesos is draining it (${info.state}, ${tasks} task(s) listed)`);
    else if (instance.state === 'deleting') wait(`instance ${instance.id} is being deleted`, 'deleting');
    else {
      const retry = mem.deleteRetry?.[instance.id];
      if (retry && now < retry.notBefore) wait(`delete of ${instance.id} failed ${retry.attempts} time(s); next try in ${Math.ceil((retry.notBefore - now) / 1000)} s`, 'down');
      else {
        moves.push({ kind: 'delete', group, instanceId: instance.id, machine, reason: `${formatMachine(machine)} is DRAINED and runs no task` });
        out.push({ ...base, phase: 'down', next: 'delete' });
      }
    }
  }
  return moves;
}

/**
 * The agent the master files under a machine (the last listed, as a map of every agent by machine
 * would give). Drains of ours are a few machines against thousands of agents: each is looked for
 * through the instance it matches in a group, checked to be on exactly that machine, and only a
 * machine found that way nowhere makes the map of every agent (once).
 */
function agentFinder(snapshot: ClusterSnapshot, views: readonly GroupView[]): (key: string, machine: MachineId) => Agent | undefined {
  let all: Map<string, Agent> | undefined;
  const onMachine = (a: Agent | undefined, key: string): boolean => {
    const m = a === undefined ? undefined : machineOf(a);
    return m !== undefined && machineKey(m) === key;
  };
  return (key, machine) => {
    for (const v of views) {
      const found = v.index.lookup(machine);
      if (!('instance' in found)) continue;
      const a = v.matching.byInstance.get(found.instance.id);
      // Matching is one to one within a group (two of its agents on one machine match neither), so
      // this is the group's agent on the machine; an agent of no group on the same machine (one
      // re-registered with other attributes) is not preferred to it, as a last-listed rule would.
      if (a !== undefined && onMachine(a, key)) return a;
    }
    if (all === undefined) {
      all = new Map();
      for (const a of snapshot.agents) {
        const m = machineOf(a);
        if (m) all.set(machineKey(m), a);
      }
    }
    return all.get(key);
  };
}

/** The group a drained machine belongs to: the one whose instance it is, else whose selector its agent matches. */
function groupOf(machine: MachineId, agent: Agent | undefined, views: readonly GroupView[]): GroupView | undefined {
  for (const v of views) if ('instance' in v.index.lookup(machine)) return v;
  if (!agent) return undefined;
  return views.find((v) => selectorMatcher(v.config.selector)(agent));
}
