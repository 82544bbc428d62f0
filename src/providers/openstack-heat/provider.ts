import type { NodeGroupState } from '../../model/node-group.js';
import type { Logger } from '../../util/logger.js';
import type { CallRetry } from '../cloud-call.js';
import { mapLimit, pause, redact } from '../cloud-call.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef } from '../provider.js';
import { HeatClient } from './client.js';
import { openStackAuthFromEnv, secretsOf, type OpenStackAuth } from './env.js';
import { KeystoneSession } from './keystone.js';
import { groupMembers, removedMembers, toInstance } from './members.js';
import type { NovaServer, Stack } from './schema.js';

export interface OpenStackHeatProviderOptions {
  /** Credentials; default from the OS_* environment. */
  readonly auth?: OpenStackAuth;
  readonly env?: NodeJS.ProcessEnv;
  readonly retry?: CallRetry;
  /** Deadline of one HTTP call (default 30 s). */
  readonly timeoutMs?: number;
  /** Stack status polls while an update runs (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Deadline of a stack update (default 20 min). */
  readonly operationTimeoutMs?: number;
  /** Nova reads in flight at once (default 8). */
  readonly concurrency?: number;
  /** How deep to list nested resources: 2 covers members that are a template holding a server (default 2). */
  readonly nestedDepth?: number;
}

interface HeatTarget {
  readonly stack: string;
  readonly resource: string;
  readonly countParameter: string;
  readonly removalPolicyParameter: string;
}

/**
 * Node groups that are an OS::Heat::ResourceGroup in a Heat stack, its count set by a stack
 * parameter, through a small typed client of Keystone v3, Heat and Nova.
 *
 * describe reads the stack (the count parameter is the desired size), the group's members
 * (nested resources) and their Nova servers' names and IPs. setDesiredSize PATCHes the count
 * parameter; deleteInstances PATCHes the count lowered by the number of members together with
 * `[{resource_list: [members]}]` in the removal-policies parameter, so that Heat removes exactly
 * those members, as Magnum's and TripleO's templates do (heat ResourceGroup `removal_policies`).
 * Both wait for the stack update, bounded. A stack already being updated answers 409: busy.
 */
export class OpenStackHeatProvider implements NodeGroupProvider {
  readonly kind = 'openstack-heat';
  private readonly log: Logger;
  private session: { keystone: KeystoneSession; heat: HeatClient } | undefined;

  constructor(
    logger: Logger,
    private readonly options: OpenStackHeatProviderOptions = {},
  ) {
    this.log = logger.child({ provider: 'openstack-heat' });
  }

  async describe(group: NodeGroupRef, options: CallOptions = {}): Promise<NodeGroupState> {
    const t = this.target(group);
    return this.call('describe', group, t, (heat) => this.read(heat, t, options.signal));
  }

  async setDesiredSize(group: NodeGroupRef, size: number, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const t = this.target(group);
    if (!Number.isInteger(size) || size < 0)
      throw new ProviderError(`setDesiredSize ${group.name}: size ${size} is not a whole number >= 0`, 'invalid', false);
    await this.call('setDesiredSize', group, t, async (heat) => {
      const stack = await heat.stack(t.stack, signal);
      await heat.patchParameters(stack, { [t.countParameter]: size }, signal);
      await this.waitForUpdate(heat, t, stack, signal);
    });
    this.log.info({ group: group.name, ...t, size }, 'stack count set');
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[], options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const t = this.target(group);
    if (ids.length === 0) return;
    const removed = await this.call('deleteInstances', group, t, async (heat) => {
      const state = await this.read(heat, t, signal);
      const stack = await heat.stack(t.stack, signal);
      const members = new Set(state.instances.filter((i) => i.state !== 'deleting').map((i) => i.id));
      const removedBefore = removedMembers(stack.parameters[t.removalPolicyParameter]);
      // A member named in the removal policies and gone was removed by an earlier call whose answer was lost: done.
      const unknown = ids.filter((id) => !members.has(id) && !removedBefore.has(id));
      if (unknown.length > 0) throw new ProviderError(`members ${unknown.join(', ')} are not in ${t.resource} (members: ${[...members].join(', ')})`, 'invalid', false);
      const remaining = ids.filter((id) => members.has(id));
      if (remaining.length === 0) return remaining;
      const count = this.count(stack, t);
      await heat.patchParameters(stack, {
        [t.countParameter]: Math.max(0, count - remaining.length),
        [t.removalPolicyParameter]: [{ resource_list: remaining }],
      }, signal);
      await this.waitForUpdate(heat, t, stack, signal);
      return remaining;
    });
    this.log.info({ group: group.name, ...t, members: removed, alreadyGone: ids.filter((id) => !removed.includes(id)) }, 'stack members removed');
  }

  /** The stack's count and its ResourceGroup's members with their servers. */
  private async read(heat: HeatClient, t: HeatTarget, signal: AbortSignal | undefined): Promise<NodeGroupState> {
    const stack = await heat.stack(t.stack, signal);
    const desired = this.count(stack, t);
    const resources = await heat.resources(stack, this.options.nestedDepth ?? 2, signal);
    const rg = resources.find((r) => r.resource_name === t.resource && (r.parent_resource === undefined || r.parent_resource === null));
    if (!rg) throw new ProviderError(`stack ${stack.stack_name} has no resource ${t.resource}`, 'not-found', false);
    if (rg.resource_type !== 'OS::Heat::ResourceGroup')
      throw new ProviderError(`resource ${t.resource} of stack ${stack.stack_name} is a ${rg.resource_type}, not an OS::Heat::ResourceGroup`, 'invalid', false);
    const members = groupMembers(resources, rg);
    const servers = new Map<string, NovaServer>();
    await mapLimit(members, this.options.concurrency ?? 8, async (m) => {
      if (!m.serverId) return;
      const s = await heat.server(m.serverId, signal);
      if (s) servers.set(m.serverId, s);
    });
    return { desired, instances: members.map((m) => toInstance(m, m.serverId ? servers.get(m.serverId) : undefined)) };
  }

  /** The count parameter as a whole number (Heat returns parameters as strings). */
  private count(stack: Stack, t: HeatTarget): number {
    const raw = stack.parameters[t.countParameter];
    const n = typeof raw === 'number' ? raw : Number(typeof raw === 'string' ? raw.trim() : Number.NaN);
    if (raw === undefined) throw new ProviderError(`stack ${stack.stack_name} has no parameter ${t.countParameter}`, 'invalid', false);
    if (!Number.isInteger(n) || n < 0) throw new ProviderError(`stack ${stack.stack_name}: parameter ${t.countParameter} is "${String(raw)}", not a count`, 'invalid', false);
    return n;
  }

  /**
   * Polls the stack until our update ends; UPDATE_FAILED (or a rollback) is an error with Heat's
   * reason. Until the stack shows IN_PROGRESS or a new `updated_time`, the engine has not started
   * the update yet, and the status read is still the previous one's.
   */
  private async waitForUpdate(heat: HeatClient, t: HeatTarget, before: Stack, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + (this.options.operationTimeoutMs ?? 20 * 60_000);
    const interval = this.options.pollIntervalMs ?? 5_000;
    let started = false;
    for (;;) {
      const stack = await heat.stack(t.stack, signal);
      const status = stack.stack_status;
      started ||= status.endsWith('_IN_PROGRESS') || (stack.updated_time ?? '') !== (before.updated_time ?? '');
      if (started && !status.endsWith('_IN_PROGRESS')) {
        if (status === 'UPDATE_COMPLETE') return;
        const reason = stack.stack_status_reason ?? '';
        const kind = /quota|no valid host|insufficient/i.test(reason) ? 'quota' : 'unknown';
        throw new ProviderError(`stack ${stack.stack_name} update ended ${status}: ${reason}`, kind, false);
      }
      if (Date.now() + interval > deadline)
        throw new ProviderError(`stack ${stack.stack_name} still ${status} at the deadline`, 'busy', true);
      await pause(interval, signal);
    }
  }

  private client(): HeatClient {
    if (this.session) return this.session.heat;
    const auth = this.options.auth ?? this.authFromEnv();
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const keystone = new KeystoneSession(auth, timeoutMs);
    this.session = { keystone, heat: new HeatClient(keystone, timeoutMs, this.options.retry ?? {}) };
    return this.session.heat;
  }

  private authFromEnv(): OpenStackAuth {
    const r = openStackAuthFromEnv(this.options.env ?? process.env);
    if (!r.ok) throw new ProviderError(`OpenStack credentials: ${r.message}`, 'auth', false);
    return r.auth;
  }

  private target(group: NodeGroupRef): HeatTarget {
    const { stack, resource, countParameter, removalPolicyParameter } = group.target;
    if (!stack || !resource || !countParameter)
      throw new ProviderError(`node group ${group.name}: target needs stack, resource and countParameter`, 'invalid', false);
    return { stack, resource, countParameter, removalPolicyParameter: removalPolicyParameter ?? 'removal_policies' };
  }

  private async call<T>(op: string, group: NodeGroupRef, t: HeatTarget, fn: (heat: HeatClient) => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn(this.client());
      this.log.debug({ op, group: group.name, ...t, ms: Date.now() - started }, 'openstack call done');
      return result;
    } catch (e) {
      const secrets = this.session ? this.session.keystone.secrets() : this.options.auth ? secretsOf(this.options.auth) : [];
      const aborted = e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
      const inner =
        e instanceof ProviderError
          ? e
          : aborted
            ? new ProviderError(`stopped at the call's deadline: ${e.message}`, 'unavailable', true)
            : new ProviderError(e instanceof Error ? e.message : String(e), 'unknown', false);
      const pe = new ProviderError(redact(`${op} ${t.stack}/${t.resource}: ${inner.message}`, secrets), inner.kind, inner.retryable);
      this.log.warn({ op, group: group.name, ...t, ms: Date.now() - started, kind: pe.kind, retryable: pe.retryable, err: pe.message }, 'openstack call failed');
      throw pe;
    }
  }
}
