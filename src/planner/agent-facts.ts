import type { Agent } from '../model/agent.js';
import { machineOf, type MachineId } from '../model/machine.js';
import type { TrackedResource } from '../model/resources.js';
import { agentLoad } from './group-view.js';
import { protection } from './protections.js';
import { movingWork } from './scale-down.js';

/**
 * What the planner asks of one agent every cycle, worked out once per agent object. The event-fed
 * model hands out the same (immutable) Agent object until the agent changes, so at 50,000 agents a
 * warm cycle computes these for the few agents an event touched instead of for all of them. Each
 * fact is the plain function's answer for that object (the arguments it depends on besides the
 * agent, config arrays, are kept with it and compared by identity); test/planner/agent-facts.test.ts
 * checks them against the plain functions.
 */
export interface Facts {
  loadFor?: readonly TrackedResource[];
  load?: number;
  protectedFor?: readonly string[];
  protection?: string | undefined;
  moving?: number;
  movingLargestFirst?: readonly MovingTask[];
  machine?: MachineId | undefined;
  machineKnown?: boolean;
}

const facts = new WeakMap<Agent, Facts>();

/** The facts record of an agent object (one lookup; fields filled by the functions below). */
export function of(agent: Agent): Facts {
  let f = facts.get(agent);
  if (f === undefined) {
    f = {};
    facts.set(agent, f);
  }
  return f;
}

/** `agentLoad(agent, resources)`, once per agent object and resource list. */
export function loadOf(agent: Agent, resources: readonly TrackedResource[], f: Facts = of(agent)): number {
  if (f.loadFor !== resources || f.load === undefined) {
    f.load = agentLoad(agent, resources);
    f.loadFor = resources;
  }
  return f.load;
}

/** `protection(agent, protectedFrameworks)`, once per agent object and framework list. */
export function protectionOf(agent: Agent, protectedFrameworks: readonly string[], f: Facts = of(agent)): string | undefined {
  if (f.protectedFor !== protectedFrameworks) {
    f.protection = protection(agent, protectedFrameworks);
    f.protectedFor = protectedFrameworks;
  }
  return f.protection;
}

type MovingTask = ReturnType<typeof movingWork>[number];

/**
 * `movingWork(agent)`, largest first (by its largest share of the agent's cpus, mem, disk or
 * GPUs; ties in listed order), once per agent object. Why: the scale-down simulation moves a
 * candidate's tasks one by one and gives up at the first that fits nowhere; the large ones are
 * the ones that do not fit, so trying them first spares placing and undoing the small ones (with
 * `load: scarcest` most candidates of a large group are stuck so, every cycle: bench/simulate.ts),
 * and largest first is first-fit decreasing, which packs the moves tighter.
 */
export function movingLargestFirst(agent: Agent, f: Facts = of(agent)): readonly MovingTask[] {
  if (f.movingLargestFirst === undefined) {
    const share = (t: MovingTask): number => {
      let m = 0;
      for (const r of SHARE_OF) if (agent.total[r] > 0) m = Math.max(m, t.resources[r] / agent.total[r]);
      return m;
    };
    const keyed = movingWork(agent).map((t, i) => ({ t, i, s: share(t) }));
    keyed.sort((a, b) => b.s - a.s || a.i - b.i);
    f.movingLargestFirst = keyed.map((k) => k.t);
  }
  return f.movingLargestFirst;
}

const SHARE_OF = ['cpus', 'mem', 'disk', 'gpus'] as const;

/** `movingWork(agent).length`, once per agent object. */
export function movingCount(agent: Agent, f: Facts = of(agent)): number {
  return (f.moving ??= movingWork(agent).length);
}

/** `machineOf(agent)`, one object per agent object. */
export function machineOfAgent(agent: Agent, f: Facts = of(agent)): MachineId | undefined {
  if (!f.machineKnown) {
    f.machine = machineOf(agent);
    f.machineKnown = true;
  }
  return f.machine;
}
