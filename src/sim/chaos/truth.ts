import { isMarked } from '../../model/drain.js';
import { machineKey, type MachineId } from '../../model/machine.js';
import { PROTECT_KEY } from '../../planner/protections.js';
import type { SimInstance } from '../../providers/simulated/simulated-provider.js';
import { agentMachine } from '../cluster/cluster.js';
import { TERMINAL_STATES, type SimAgent } from '../cluster/types.js';
import type { ChaosWorld } from './world.js';

/**
 * Ground truth, read from the emulated cluster and cloud themselves (never from what the
 * autoscaler observed): which agents are the group's, whose maintenance is whose, what runs where.
 * The invariants are judged on this.
 */

/** The registered agent running on an instance (by its machine: hostname and IP), if any. */
export function agentOfInstance(w: ChaosWorld, inst: Pick<SimInstance, 'hostname' | 'privateIp'>): SimAgent | undefined {
  const key = machineKey({ hostname: inst.hostname, ip: inst.privateIp });
  for (const a of w.cluster.agents()) if (machineKey(agentMachine(a)) === key) return a;
  return undefined;
}

/** The instance (of any group) that backs this machine, if any. */
export function instanceOfMachine(w: ChaosWorld, m: MachineId): SimInstance | undefined {
  const key = machineKey(m);
  return w.groups.flatMap((g) => w.provider.instances(g.name)).find((i) => machineKey({ hostname: i.hostname, ip: i.privateIp }) === key);
}

/** Tasks on the agent that have not ended (Mesos still runs them). */
export function liveTasks(a: SimAgent): number {
  let n = 0;
  for (const t of a.tasks.values()) if (!TERMINAL_STATES.has(t.state)) n++;
  return n;
}

/** Why the agent must never be drained (persistent volumes, dynamic reservations, a protected task), if so. */
export function protectedBecause(a: SimAgent): string | undefined {
  if (a.volumes.length) return 'holds a persistent volume';
  if (a.attributes[PROTECT_KEY] === 'true') return `has attribute ${PROTECT_KEY}`;
  for (const t of a.tasks.values()) if (!TERMINAL_STATES.has(t.state) && t.labels[PROTECT_KEY] === 'true') return `runs protected task ${t.id}`;
  return undefined;
}

/** An operator's own maintenance on the machine: a window without our mark, or a DRAIN_AGENT without it. */
export function operatorOwns(w: ChaosWorld, m: MachineId): string | undefined {
  const key = machineKey(m);
  for (const win of w.cluster.maintenance.windows) {
    if (isMarked(win.durationNs?.toString())) continue;
    if (win.machines.some((x) => machineKey(x) === key)) return "is in an operator's maintenance window";
  }
  for (const a of w.cluster.agents()) {
    if (machineKey(agentMachine(a)) !== key || !a.drain) continue;
    if (!isMarked(a.drain.maxGracePeriodNs?.toString())) return "was drained by an operator's DRAIN_AGENT";
  }
  return undefined;
}

/** Machines in maintenance windows carrying our mark. */
export function ourWindowMachines(w: ChaosWorld): MachineId[] {
  return w.cluster.maintenance.windows.filter((x) => isMarked(x.durationNs?.toString())).flatMap((x) => [...x.machines]);
}

/** Agents under a DRAIN_AGENT of ours, still registered. */
export function ourDrainedAgents(w: ChaosWorld): SimAgent[] {
  return [...w.cluster.agents()].filter((a) => a.drain !== undefined && isMarked(a.drain.maxGracePeriodNs?.toString()));
}

/** Instances of the group (of every group when none is named) that are not being deleted. */
export function liveInstances(w: ChaosWorld, group?: string): SimInstance[] {
  const names = group === undefined ? w.groups.map((g) => g.name) : [group];
  return names.flatMap((n) => w.provider.instances(n)).filter((i) => i.state !== 'deleting');
}

/**
 * The group's capacity as the invariant counts it: registered, active agents on the group's live
 * instances with no maintenance and no drain (`real`), plus those an operator holds (`held`): an
 * operator taking machines away is not the autoscaler going below min.
 */
export function groupCount(w: ChaosWorld, group: string): { real: number; held: number } {
  let real = 0;
  let held = 0;
  for (const inst of liveInstances(w, group)) {
    const a = agentOfInstance(w, inst);
    if (!a) continue;
    const m = agentMachine(a);
    if (operatorOwns(w, m)) held++;
    else if (a.active && !a.deactivated && !a.drain && w.cluster.machineMode(a) === undefined) real++;
  }
  return { real, held };
}

/**
 * Instances bought and not yet registered, younger than the provision timeout, in every group: still
 * booting (one that will never join looks the same to anyone but the simulator, so it counts until
 * it is a ghost).
 */
export function bootingInstances(w: ChaosWorld): SimInstance[] {
  const now = w.clock.now();
  return liveInstances(w).filter((i) => (i.state === 'creating' || (i.neverJoins && !agentOfInstance(w, i))) && now - i.createdAt < w.provisionTimeoutMs);
}

/**
 * Whether the nodes still booting, each of its group's template, can hold every waiting instance:
 * first-fit decreasing of the instances onto them. Sums are not enough once memory binds: five 3 GB
 * instances do not fit two 8 GB nodes that hold 16 GB between them.
 */
export function bootingHoldsWaiting(w: ChaosWorld, booting: readonly SimInstance[]): boolean {
  const bins = booting.map((i) => {
    const g = w.groups.find((x) => x.name === i.group);
    return { cpus: g?.templateCpus ?? 0, mem: g?.templateMem ?? 0 };
  });
  const waiting: { cpus: number; mem: number }[] = [];
  for (const app of w.cluster.queue()) for (let n = w.cluster.waitingCount(app); n > 0; n--) waiting.push({ cpus: app.need.cpus, mem: app.need.mem });
  waiting.sort((a, b) => b.mem - a.mem || b.cpus - a.cpus);
  const EPS = 1e-9;
  for (const need of waiting) {
    const bin = bins.find((b) => b.cpus + EPS >= need.cpus && b.mem + EPS >= need.mem);
    if (!bin) return false;
    bin.cpus -= need.cpus;
    bin.mem -= need.mem;
  }
  return true;
}

/** Waiting work in the launch queue, in cpus and mem. */
export function waitingWork(w: ChaosWorld): { cpus: number; mem: number } {
  let cpus = 0;
  let mem = 0;
  for (const app of w.cluster.queue()) {
    const n = w.cluster.waitingCount(app);
    cpus += n * app.need.cpus;
    mem += n * app.need.mem;
  }
  return { cpus, mem };
}
