import type { Bindings } from '../../src/controller/bindings.js';
import { Controller } from '../../src/controller/controller.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import type { Agent } from '../../src/model/agent.js';
import { machineKey, machineOf } from '../../src/model/machine.js';
import type { NodeGroupState } from '../../src/model/node-group.js';
import type { Config } from '../../src/config/schema.js';
import { ok } from '../../src/util/result.js';
import { FakeDrainer, FakeProvider, silent } from './fakes.js';

/**
 * A small cluster the way Mesos and a cloud behave around the controller: agents of DOWN machines
 * are shut down by the master (they leave the agent list), a deleted instance's agent goes away,
 * and any number of controllers (restarts, new leaders) can be put on it.
 */
export class World {
  agents: Agent[];
  readonly provider: FakeProvider;
  readonly drainer = new FakeDrainer();
  t: number;
  /** Agents the master hides this cycle (a partial answer). */
  hide = new Set<string>();
  deleted: string[] = [];
  /** IPs of deleted VMs: their agents stop answering. */
  readonly goneIps = new Set<string>();

  constructor(agents: Agent[], group: NodeGroupState, start = 1_000_000) {
    this.agents = agents;
    this.provider = new FakeProvider(group);
    this.t = start;
    const realDelete = this.provider.deleteInstances.bind(this.provider);
    this.provider.deleteInstances = async (ref, ids) => {
      const ips = this.provider.state.instances.filter((i) => ids.includes(i.id)).flatMap((i) => (i.privateIp ? [i.privateIp] : []));
      await realDelete(ref, ids);
      this.deleted.push(...ids);
      for (const ip of ips) this.goneIps.add(ip);
    };
  }

  /** What the master lists now: not the agents of DOWN machines, not those of deleted VMs. */
  visibleAgents(): Agent[] {
    const down = new Set(this.drainer.down_.map(machineKey));
    return this.agents
      .filter((a) => {
        const m = machineOf(a);
        if (this.hide.has(a.id)) return false;
        if (m && down.has(machineKey(m))) return false;
        // An agent whose VM is gone stops answering; here it is gone at once.
        return a.ip === undefined || !this.goneIps.has(a.ip);
      })
      .map((a) => {
        // DRAIN_AGENT as the master reports it: deactivated, DRAINING until no task is left, then DRAINED.
        const grace = this.drainer.drained.get(a.id);
        if (grace === undefined) return a;
        return { ...a, draining: true, active: false, drainInfo: { state: a.tasks.length ? 'DRAINING' : 'DRAINED', maxGracePeriodNs: grace } };
      });
  }

  controller(config: Config, opts: { clock?: { now: () => number }; leader?: () => boolean } = {}): Controller {
    const clock = opts.clock ?? { now: () => this.t };
    const bindings: Bindings = new Map([[config.groups[0]!.name, { provider: this.provider, ref: { name: config.groups[0]!.name, target: {} } }]]);
    const observer = new LiveObserver({
      agents: { getAgents: async () => ok({ agents: this.visibleAgents(), from: 'world', readAt: clock.now() }) },
      bindings,
      drainer: this.drainer,
      logger: silent,
    });
    return new Controller({
      config,
      observer,
      bindings,
      clock: { now: clock.now, sleep: async () => undefined },
      logger: silent,
      drainer: this.drainer,
      retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
      ...(opts.leader ? { leadership: { isLeader: opts.leader, term: () => 1 } } : {}),
    });
  }

  /** Runs `n` cycles one minute apart. */
  async cycles(c: Controller, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await c.cycle();
      this.t += 60_000;
    }
  }

  /** Agents of the group Mesos lists now that are active and not in maintenance. */
  realAgents(): number {
    const inMaintenance = new Set([...this.drainer.windows.flatMap((w) => w.machines), ...this.drainer.down_].map(machineKey));
    return this.visibleAgents().filter((a) => {
      const m = machineOf(a);
      return a.active && !(m && inMaintenance.has(machineKey(m))) && this.provider.state.instances.some((i) => i.privateIp === a.ip);
    }).length;
  }
}
