import type { NodeGroupState } from '../../model/node-group.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef } from '../../providers/provider.js';
import type { SimInstance } from '../../providers/simulated/simulated-provider.js';
import type { FaultKind } from './kinds.js';
import { never, type CallGate, type Life, type Referee } from './referee.js';
import { agentOfInstance, bootingHoldsWaiting, bootingInstances, liveInstances, liveTasks, operatorOwns, waitingWork } from './truth.js';
import type { ChaosWorld } from './world.js';
import { agentMachine } from '../cluster/cluster.js';

/** The cloud operations a fault can wait for. */
export type CloudOp = 'describe' | 'set-size' | 'delete';

/** A cloud fault waiting for the next call of its operation (or of any). */
export interface CloudFault {
  readonly kind: Extract<FaultKind, 'cloud-429' | 'cloud-500' | 'cloud-quota' | 'cloud-capacity' | 'cloud-hang' | 'cloud-describe-fails' | 'cloud-delete-fails'>;
  readonly op: CloudOp | 'any';
  /** A hung write: the cloud carries it out, then its answer never comes. */
  readonly afterEffect?: boolean;
}

/** The error each cloud fault answers with, in the provider contract's words (what the real adapters map to). */
export function cloudError(kind: CloudFault['kind']): ProviderError {
  switch (kind) {
    case 'cloud-429':
      return new ProviderError('simulated cloud: 429 Too Many Requests (Retry-After: 30)', 'throttled', true);
    case 'cloud-500':
      return new ProviderError('simulated cloud: 500 Internal Server Error', 'unavailable', true);
    case 'cloud-quota':
      return new ProviderError('simulated cloud: operation would exceed the regional cores quota', 'quota', false);
    case 'cloud-capacity':
      return new ProviderError('simulated cloud: no capacity for this instance type in the zone', 'quota', false);
    case 'cloud-hang':
      return new ProviderError('simulated cloud: the call was aborted', 'unavailable', true);
    case 'cloud-describe-fails':
      return new ProviderError('simulated cloud: 403 the client may not read the group', 'auth', false);
    case 'cloud-delete-fails':
      return new ProviderError('simulated cloud: 409 the group is being updated', 'busy', true);
  }
}

/**
 * The simulated cloud as one autoscaler process sees it: injected faults first, then the checks
 * of what the call is about to do (no VM deleted under tasks, no double scale-up), then the call.
 */
export class ChaosProvider implements NodeGroupProvider {
  readonly kind = 'simulated';

  constructor(
    private readonly w: ChaosWorld,
    private readonly faults: CloudFault[],
    private readonly referee: Referee,
    private readonly gate: CallGate,
    private readonly life: Life,
  ) {}

  async describe(group: NodeGroupRef, options?: CallOptions): Promise<NodeGroupState> {
    if (!this.life.alive) return never();
    await this.#fault('describe', options);
    return this.w.provider.describe(group);
  }

  setDesiredSize(group: NodeGroupRef, size: number, options?: CallOptions): Promise<void> {
    return this.gate.call(this.life, 'set size', group.name, async () => {
      const hang = await this.#fault('set-size', options);
      const live = liveInstances(this.w, group.name);
      const desired = (await this.w.provider.describe(group)).desired;
      if (size > desired) this.#checkScaleUp(group.name, desired, size);
      if (size < live.length) {
        // The cloud picks the newest instances to go: each must be safe to delete.
        const newest = [...live].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq).slice(0, live.length - size);
        for (const inst of newest) this.#checkDelete(inst, `set size ${size}`);
      }
      await this.w.provider.setDesiredSize(group, size);
      if (hang) await hang();
    });
  }

  deleteInstances(group: NodeGroupRef, ids: readonly string[], options?: CallOptions): Promise<void> {
    return this.gate.call(this.life, 'delete instance', group.name, async () => {
      const hang = await this.#fault('delete', options);
      for (const id of ids) {
        const inst = liveInstances(this.w, group.name).find((i) => i.id === id);
        if (inst) this.#checkDelete(inst, `delete ${id}`);
      }
      await this.w.provider.deleteInstances(group, ids);
      if (hang) await hang();
    });
  }

  /**
   * The next fault for this operation, if any: thrown at once, or for a hang, a cloud that never
   * answers (before the call, or for a write also after it took effect, its answer lost) until the
   * call's deadline aborts it: only `providers/deadline.ts` ends such a call.
   */
  async #fault(op: CloudOp, options: CallOptions | undefined): Promise<(() => Promise<never>) | undefined> {
    const i = this.faults.findIndex((f) => f.op === op || f.op === 'any');
    if (i < 0) return undefined;
    const [f] = this.faults.splice(i, 1);
    if (!f) return undefined;
    this.referee.count(f.kind);
    if (f.kind !== 'cloud-hang') throw cloudError(f.kind);
    const silent = (): Promise<never> => untilAborted(options?.signal);
    if (op !== 'describe' && f.afterEffect) return silent;
    return silent();
  }

  /** Deleting a VM whose agent is still registered and not drained, or still runs tasks, loses work. */
  #checkDelete(inst: SimInstance, what: string): void {
    const a = agentOfInstance(this.w, inst);
    if (!a) return;
    const tasks = liveTasks(a);
    if (tasks > 0) this.referee.flag('no-vm-deleted-under-tasks', `${what}: agent ${a.hostname} still runs ${tasks} task(s)`);
    else if (a.drain?.state !== 'DRAINED') this.referee.flag('no-vm-deleted-under-tasks', `${what}: agent ${a.hostname} still registered, neither DOWN nor DRAINED`);
    const owner = operatorOwns(this.w, agentMachine(a));
    if (owner) this.referee.flag('no-protected-foreign-or-operator-agent-drained', `${what}: machine ${a.hostname} ${owner}`);
  }

  /** Buying while what the group has booting already has room for every waiting task is buying twice. */
  #checkScaleUp(group: string, from: number, to: number): void {
    // Per group: another group's policy may grow it while this one's nodes boot (its own threshold).
    const booting = bootingInstances(this.w).filter((i) => i.group === group);
    if (booting.length === 0) return;
    if (bootingHoldsWaiting(this.w, booting)) {
      const need = waitingWork(this.w);
      this.referee.flag('no-double-scale-up', `${group}: set size ${from} -> ${to} while ${booting.length} instance(s) still boot with room for all waiting work (${need.cpus} cpus, ${need.mem} MB waiting)`);
    }
  }
}

/** Never settles unless the signal aborts (then rejects): a cloud endpoint that stopped answering. */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    const stop = (): void => reject(cloudError('cloud-hang'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
