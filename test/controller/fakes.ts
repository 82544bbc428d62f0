import type { NodeGroupState } from '../../src/model/node-group.js';
import type { ClusterSnapshot } from '../../src/model/snapshot.js';
import type { AgentId } from '../../src/model/agent.js';
import { ProviderError, type NodeGroupProvider, type NodeGroupRef } from '../../src/providers/provider.js';
import type { DrainRecord, Drainer, ObserveError, Observer } from '../../src/controller/ports.js';
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

/** Keeps drains like Mesos' maintenance schedule does: outside the controller. */
export class FakeDrainer implements Drainer {
  records: DrainRecord[] = [];
  log: string[] = [];
  async startDrain(agent: { id: AgentId; hostname: string }, now: number): Promise<void> {
    if (!this.records.some((r) => r.hostname === agent.hostname)) this.records.push({ hostname: agent.hostname, agentId: agent.id, since: now, mode: 'DRAINING' });
    this.log.push(`drain ${agent.hostname}`);
  }
  async draining(): Promise<readonly DrainRecord[]> {
    return this.records;
  }
  async down(record: DrainRecord): Promise<void> {
    this.records = this.records.map((r) => (r.hostname === record.hostname ? { ...r, mode: 'DOWN' } : r));
    this.log.push(`down ${record.hostname}`);
  }
  async finish(record: DrainRecord): Promise<void> {
    this.records = this.records.filter((r) => r.hostname !== record.hostname);
    this.log.push(`up ${record.hostname}`);
  }
}

export { ProviderError };
