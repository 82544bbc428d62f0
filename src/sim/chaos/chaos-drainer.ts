import type { MaintenanceView } from '../../model/drain.js';
import { formatMachine, machineKey, type MachineId } from '../../model/machine.js';
import type { Drainer } from '../../model/ports.js';
import { agentMachine } from '../cluster/cluster.js';
import type { SimAgent } from '../cluster/types.js';
import type { MasterFaults } from './master-faults.js';
import { never, type CallGate, type Life, type Referee } from './referee.js';
import { instanceOfMachine, operatorOwns, protectedBecause } from './truth.js';
import type { ChaosWorld } from './world.js';

/** Per world: the group each drained machine belonged to, kept after its VM is gone (every process of an episode shares it). */
const drainedBy = new WeakMap<ChaosWorld, Map<string, string>>();

/**
 * Mesos maintenance as one autoscaler process reaches it: in process, the cycle's master faults
 * answer first (over HTTP the chaos proxy does that); every state-changing call goes through the
 * call gate (SIGKILL, leader change) and is checked against the truth before it reaches the master.
 */
export class ChaosDrainer implements Drainer {
  constructor(
    private readonly w: ChaosWorld,
    private readonly inner: Drainer,
    private readonly referee: Referee,
    private readonly gate: CallGate,
    private readonly life: Life,
    private readonly master: MasterFaults | undefined,
  ) {}

  async read(): Promise<MaintenanceView> {
    if (!this.life.alive) return never();
    this.#fault('read maintenance');
    return this.inner.read();
  }

  start(machine: MachineId, now: number): Promise<void> {
    return this.gate.call(this.life, 'maintenance window', this.#groupOf(machine), async () => {
      this.#fault('schedule maintenance');
      this.#checkDrain(machine, this.#agentOn(machine), 'maintenance window');
      return this.inner.start(machine, now);
    });
  }

  down(machine: MachineId): Promise<void> {
    return this.gate.call(this.life, 'machine/down', this.#groupOf(machine), async () => {
      this.#fault('machine/down');
      this.#checkOperator(machine, 'machine/down');
      return this.inner.down(machine);
    });
  }

  finish(machine: MachineId): Promise<void> {
    return this.gate.call(this.life, 'machine/up', this.#groupOf(machine), async () => {
      this.#fault('machine/up');
      this.#checkOperator(machine, 'machine/up and unschedule');
      return this.inner.finish(machine);
    });
  }

  drainAgent(agentId: string, graceMs: number): Promise<void> {
    return this.gate.call(this.life, 'DRAIN_AGENT', this.#groupOfAgent(agentId), async () => {
      this.#fault('DRAIN_AGENT');
      const a = this.w.cluster.getAgent(agentId);
      if (a) this.#checkDrain(agentMachine(a), a, 'DRAIN_AGENT');
      return this.inner.drainAgent(agentId, graceMs);
    });
  }

  /** The group whose instance backs the machine (for pause checks), or whose drain it was once its VM is gone. */
  #groupOf(machine: MachineId): string | undefined {
    const key = machineKey(machine);
    let seen = drainedBy.get(this.w);
    if (!seen) {
      seen = new Map();
      drainedBy.set(this.w, seen);
    }
    const group = instanceOfMachine(this.w, machine)?.group;
    if (group !== undefined) seen.set(key, group);
    return group ?? seen.get(key);
  }

  #groupOfAgent(agentId: string): string | undefined {
    const a = this.w.cluster.getAgent(agentId);
    return a ? this.#groupOf(agentMachine(a)) : undefined;
  }

  #fault(what: string): void {
    const kind = this.master?.next();
    if (kind) throw new Error(`${what}: injected ${kind}`);
  }

  #agentOn(machine: MachineId): SimAgent | undefined {
    const key = machineKey(machine);
    for (const a of this.w.cluster.agents()) if (machineKey(agentMachine(a)) === key) return a;
    return undefined;
  }

  /** Starting a drain: the machine must be the group's, unprotected, and not an operator's. */
  #checkDrain(machine: MachineId, agent: SimAgent | undefined, how: string): void {
    const name = formatMachine(machine);
    if ((agent && this.w.foreignAgentIds.has(agent.id)) || !instanceOfMachine(this.w, machine)) {
      this.referee.flag('no-protected-foreign-or-operator-agent-drained', `${how} for ${name}: not an instance of the group`);
    }
    const why = agent ? protectedBecause(agent) : undefined;
    if (why) this.referee.flag('no-protected-foreign-or-operator-agent-drained', `${how} for ${name}: the agent ${why}`);
    this.#checkOperator(machine, how);
  }

  #checkOperator(machine: MachineId, how: string): void {
    const owner = operatorOwns(this.w, machine);
    if (owner) this.referee.flag('no-protected-foreign-or-operator-agent-drained', `${how} for ${formatMachine(machine)}: it ${owner}`);
  }
}
