import type { MachineId } from '../../model/machine.js';
import { agentMachine } from '../cluster/cluster.js';
import type { Referee } from './referee.js';
import { groupCount, liveInstances, ourDrainedAgents, ourWindowMachines } from './truth.js';
import type { ChaosWorld } from './world.js';

/**
 * The invariants checked on the truth after every cycle. The others are checked where they can
 * break: a delete or a set-size in the chaos provider (no VM deleted under tasks, no double
 * scale-up), a drain in the chaos drainer (no protected, foreign or operator-owned agent), every
 * log line, report and /status view (no secret), the cycle itself (the process alive), and the end
 * of the quiet cycles (no drain forgotten).
 */
export function checkCycle(w: ChaosWorld, referee: Referee): void {
  for (const g of w.groups) {
    const { real, held } = groupCount(w, g.name);
    if (real + held < g.min) referee.flag('agents-within-min-max', `${g.name}: ${real} real agents (+${held} held by an operator) below min ${g.min}`);
    if (real > g.max) referee.flag('agents-within-min-max', `${g.name}: ${real} real agents above max ${g.max}`);
    const live = liveInstances(w, g.name).length;
    if (live > g.max) referee.flag('agents-within-min-max', `${g.name}: ${live} instances above max ${g.max}`);
  }
}

/** Machines of drains we started that have not ended: in a window of ours, or under our DRAIN_AGENT. */
export function openDrains(w: ChaosWorld): MachineId[] {
  return [...ourWindowMachines(w), ...ourDrainedAgents(w).map(agentMachine)];
}
