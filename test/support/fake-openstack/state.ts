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
  /** Heat sets it when an update starts (null until the first). */
  updatedTime: string | null = null;
  members: FakeMember[] = [];
  readonly servers = new Map<string, FakeServer>();
  /** Names Heat will not reuse (removed through removal_policies). */
  readonly blacklist = new Set<string>();
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
   * What a finished update does to the group, as heat's ResourceGroup computes it
   * (heat/engine/resources/openstack/heat/resource_group.py, `_name_blacklist` and
   * `_resource_names`): the member names are the first `count` indexes not removed through
   * removal_policies (removed names are never reused); members outside them go, missing ones are made.
   */
  applyUpdate(): void {
    const count = this.count();
    const names: string[] = [];
    for (let i = 0; names.length < count; i++) if (!this.blacklist.has(String(i))) names.push(String(i));
    const keep = new Set(names);
    for (const m of this.members.filter((x) => !keep.has(x.name))) this.removeMember(m);
    for (const name of names) if (!this.members.some((m) => m.name === name)) this.addMember(`10.3.0.${this.nextIp++}`, name);
    this.members.sort((a, b) => Number(a.name) - Number(b.name));
  }

  private addMember(ip: string, name = String(this.members.length)): void {
    const server: FakeServer = { id: randomUUID(), name: `${this.name}-${this.resource}-${name}-agent`, ip, status: 'ACTIVE' };
    this.servers.set(server.id, server);
    this.members.push({ name, status: 'CREATE_COMPLETE', serverId: server.id, memberStackId: randomUUID() });
  }

  private removeMember(m: FakeMember): void {
    this.members = this.members.filter((x) => x !== m);
    this.servers.delete(m.serverId);
  }
}
