import { randomUUID } from 'node:crypto';

/** One Nova server of the fake. */
export interface FakeServer {
  readonly id: string;
  readonly name: string;
  readonly ip: string;
  status: string;
}

/** One ResourceGroup member: its index name, its resource status, its server (and member stack when a template). */
export interface FakeMember {
  readonly name: string;
  status: string;
  readonly serverId: string;
  readonly memberStackId: string;
}

export interface FakeStackInput {
  readonly name?: string;
  /** ResourceGroup resource name (default `agents`). */
  readonly resource?: string;
  /** Count parameter name (default `agent_count`). */
  readonly countParameter?: string;
  /** Removal policies parameter (default `removal_policies`); null: the template has none. */
  readonly removalPolicyParameter?: string | null;
  /** Members' private IPs; the count is their number unless given. */
  readonly ips?: readonly string[];
  readonly count?: number;
  /** Members are a nested template holding the server, as Magnum's and TripleO's are (default false: plain OS::Nova::Server). */
  readonly memberTemplate?: boolean;
}

/** A Heat stack with one OS::Heat::ResourceGroup, and the Nova servers of its members. */
export class FakeHeatStack {
  readonly id = randomUUID();
  readonly name: string;
  readonly resource: string;
  readonly countParameter: string;
  readonly removalPolicyParameter: string | null;
  readonly memberTemplate: boolean;
  readonly nestedId = randomUUID();
  readonly parameters: Record<string, unknown>;
  status = 'CREATE_COMPLETE';
  statusReason = 'Stack CREATE completed successfully';
  members: FakeMember[] = [];
  readonly servers = new Map<string, FakeServer>();
  /** Names Heat will not reuse (removed through removal_policies). */
  readonly blacklist = new Set<string>();
  private nextIndex = 0;
  private nextIp = 100;

  constructor(input: FakeStackInput) {
    this.name = input.name ?? 'mesos';
    this.resource = input.resource ?? 'agents';
    this.countParameter = input.countParameter ?? 'agent_count';
    this.removalPolicyParameter = input.removalPolicyParameter === undefined ? 'removal_policies' : input.removalPolicyParameter;
    this.memberTemplate = input.memberTemplate ?? false;
    const ips = input.ips ?? [];
    for (const ip of ips) this.addMember(ip);
    this.parameters = {
      [this.countParameter]: String(input.count ?? ips.length),
      flavor: 'm1.large',
      ...(this.removalPolicyParameter ? { [this.removalPolicyParameter]: '[]' } : {}),
    };
  }

  get nestedName(): string {
    return `${this.name}-${this.resource}-x7k2pq`;
  }

  count(): number {
    return Number(this.parameters[this.countParameter]);
  }

  /**
   * What a finished update does to the group (heat ResourceGroup, `_update_name_blacklist` and
   * `_assemble_nested`): members named in removal_policies go and are never reused; then the
   * group is brought to the count, removing the highest indexes or adding new ones.
   */
  applyUpdate(): void {
    for (const m of this.members.filter((x) => this.blacklist.has(x.name))) this.removeMember(m);
    const count = this.count();
    while (this.members.length > count) {
      const last = this.members[this.members.length - 1];
      if (last) this.removeMember(last);
    }
    while (this.members.length < count) this.addMember(`10.3.0.${this.nextIp++}`);
  }

  private addMember(ip: string): void {
    while (this.blacklist.has(String(this.nextIndex))) this.nextIndex++;
    const name = String(this.nextIndex++);
    const server: FakeServer = { id: randomUUID(), name: `${this.name}-${this.resource}-${name}-agent`, ip, status: 'ACTIVE' };
    this.servers.set(server.id, server);
    this.members.push({ name, status: 'CREATE_COMPLETE', serverId: server.id, memberStackId: randomUUID() });
  }

  private removeMember(m: FakeMember): void {
    this.members = this.members.filter((x) => x !== m);
    this.servers.delete(m.serverId);
  }
}
