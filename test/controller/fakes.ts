import type { NodeGroupState } from '../../src/model/node-group.js';
import type { ClusterSnapshot } from '../../src/model/snapshot.js';
import { markedDurationNs, withOurWindow, withoutOurMachine, type MaintenanceView, type MaintenanceWindowView } from '../../src/model/drain.js';
import { sameMachineId, type MachineId } from '../../src/model/machine.js';
import { ProviderError, type NodeGroupProvider, type NodeGroupRef } from '../../src/providers/provider.js';
import type { Drainer, ObserveError, Observer } from '../../src/model/ports.js';
import { err, ok, type Result } from '../../src/util/result.js';
import { createLogger } from '../../src/util/logger.js';

export const silent = createLogger('silent');

export class FakeProvider implements NodeGroupProvider {
  readonly kind = 'fake';
  calls: string[] = [];
  failNext: ProviderError[] = [];
  constructor(public state: NodeGroupState) {}
  private maybeFail(): void {
    const e = this.failNext.shift();
    if (e) throw e;
  }
  async describe(_g: NodeGroupRef): Promise<NodeGroupState> {
    return this.state;
  }
  async setDesiredSize(_g: NodeGroupRef, size: number): Promise<void> {
    this.calls.push(`set ${size}`);
    this.maybeFail();
    this.state = { ...this.state, desired: size };
  }
  async deleteInstances(_g: NodeGroupRef, ids: readonly string[]): Promise<void> {
    this.calls.push(`delete ${ids.join(',')}`);
    this.maybeFail();
    this.state = { desired: this.state.desired - ids.length, instances: this.state.instances.filter((i) => !ids.includes(i.id)) };
  }
}

/** Delegates to a real observer, with failures injected on demand. */
export class FakeObserver implements Observer {
  next: Result<ClusterSnapshot, ObserveError>[] = [];
  constructor(public current: () => ClusterSnapshot, private readonly inner?: Observer) {}
  async observe(now: number): Promise<Result<ClusterSnapshot, ObserveError>> {
    return this.next.shift() ?? (this.inner ? this.inner.observe(now) : ok(this.current()));
  }
  failOnce(message: string): void {
    this.next.push(err({ kind: 'mesos-malformed', message }));
  }
}

/**
 * Keeps maintenance as a Mesos master does, outside the controller: windows and DOWN machines,
 * MachineIDs compared as Mesos compares them (hostname case-insensitively and IP, both present).
 */
export class FakeDrainer implements Drainer {
  windows: MaintenanceWindowView[] = [];
  down_: MachineId[] = [];
  log: string[] = [];
  async read(): Promise<MaintenanceView> {
    return { windows: this.windows, down: this.down_ };
  }
  /** Machines in any window, as hostnames (what the tests look at). */
  scheduled(): string[] {
    return this.windows.flatMap((w) => w.machines.map((m) => m.hostname ?? m.ip ?? '?'));
  }
  isDown(hostname: string): boolean {
    return this.down_.some((d) => d.hostname === hostname);
  }
  async start(machine: MachineId, now: number): Promise<void> {
    if (!this.windows.some((w) => w.machines.some((m) => sameMachineId(m, machine)))) {
      this.windows = withOurWindow(await this.read(), machine, (BigInt(now) * 1_000_000n).toString(), 3_600_000);
    }
    this.log.push(`drain ${machine.hostname}`);
  }
  async down(machine: MachineId): Promise<void> {
    if (!this.windows.some((w) => w.machines.some((m) => sameMachineId(m, machine)))) throw new Error(`machine ${machine.hostname} is not scheduled`);
    if (!this.down_.some((d) => sameMachineId(d, machine))) this.down_ = [...this.down_, machine];
    this.log.push(`down ${machine.hostname}`);
  }
  /** Agents drained with DRAIN_AGENT, and the grace period's nanoseconds posted. */
  drained = new Map<string, string>();
  async drainAgent(agentId: string, graceMs: number): Promise<void> {
    this.drained.set(agentId, markedDurationNs(graceMs));
    this.log.push(`drain-agent ${agentId}`);
  }
  async finish(machine: MachineId): Promise<void> {
    this.down_ = this.down_.filter((d) => !sameMachineId(d, machine));
    this.windows = withoutOurMachine(await this.read(), machine);
    this.log.push(`up ${machine.hostname}`);
  }
}

export { ProviderError };
