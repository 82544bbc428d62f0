/** One EC2 instance of the fake, as a member of a group (or no longer one). */
export interface FakeInstance {
  readonly id: string;
  privateIp: string | undefined;
  privateDnsName: string;
  /** Auto Scaling lifecycle state (InService, Pending, Terminating, ...). */
  lifecycleState: string;
  healthStatus: 'Healthy' | 'Unhealthy';
  /** EC2 instance state name (pending, running, shutting-down, terminated). */
  ec2State: string;
  readonly launchTime: Date;
  readonly availabilityZone: string;
  /** While Terminating: group reads left before the instance leaves the group. */
  terminatingReads?: number;
}

export interface FakeAsg {
  readonly name: string;
  min: number;
  max: number;
  desired: number;
  instances: FakeInstance[];
}

export interface InstanceSpec {
  readonly id?: string;
  readonly privateIp?: string | null;
  readonly privateDnsName?: string;
  readonly lifecycleState?: string;
  readonly healthStatus?: 'Healthy' | 'Unhealthy';
  readonly ec2State?: string;
}

export interface AsgSpec {
  readonly name: string;
  readonly min?: number;
  readonly max?: number;
  /** Defaults to the number of instances. */
  readonly desired?: number;
  /** Defaults to `desired` (or 3) InService instances with IPs 10.0.1.10, .11, ... */
  readonly instances?: readonly InstanceSpec[];
}

/** The private DNS name EC2 gives an instance in us-east-1 (ip-10-0-1-10.ec2.internal). */
export function privateDnsFor(ip: string): string {
  return `ip-${ip.replace(/\./g, '-')}.ec2.internal`;
}

/**
 * The live model: groups, and every instance EC2 knows, members or not (terminated instances
 * stay visible to DescribeInstances for a while, as on EC2).
 */
export class FakeAwsState {
  readonly groups = new Map<string, FakeAsg>();
  readonly instances = new Map<string, FakeInstance>();
  #next = 0x1000;
  #nextIp = 100;

  constructor(specs: readonly AsgSpec[]) {
    for (const s of specs) {
      const count = s.instances?.length ?? s.desired ?? 3;
      const specsOf = s.instances ?? Array.from({ length: count }, (_, i): InstanceSpec => ({ privateIp: `10.0.1.${10 + i}` }));
      const instances = specsOf.map((i) => this.#make(i));
      this.groups.set(s.name, { name: s.name, min: s.min ?? 0, max: s.max ?? 20, desired: s.desired ?? instances.length, instances });
    }
  }

  group(name: string): FakeAsg {
    const g = this.groups.get(name);
    if (!g) throw new Error(`fake-aws: no group ${name}`);
    return g;
  }

  /** Launches InService instances until the group holds `desired` members that are not leaving. */
  converge(g: FakeAsg): void {
    const staying = g.instances.filter((i) => !i.lifecycleState.startsWith('Terminating'));
    for (let n = staying.length; n < g.desired; n++) g.instances.push(this.#make({ privateIp: `10.0.9.${this.#nextIp++}` }));
  }

  /**
   * As on AWS: the desired capacity drops at once, the instance stays listed as Terminating (EC2:
   * shutting-down) for `reads` more DescribeAutoScalingGroups answers, then leaves the group;
   * EC2 keeps reporting it terminated.
   */
  terminate(g: FakeAsg, inst: FakeInstance, decrement: boolean, reads = 0): void {
    inst.lifecycleState = 'Terminating';
    inst.ec2State = 'shutting-down';
    inst.terminatingReads = reads;
    if (reads <= 0) this.#leave(g, inst);
    if (decrement) g.desired -= 1;
    else this.converge(g);
  }

  /** One group read passes: terminating instances whose time is up leave the group. */
  tick(g: FakeAsg): void {
    for (const inst of [...g.instances]) {
      if (inst.lifecycleState !== 'Terminating' || inst.terminatingReads === undefined) continue;
      inst.terminatingReads -= 1;
      if (inst.terminatingReads < 0) this.#leave(g, inst);
    }
  }

  #leave(g: FakeAsg, inst: FakeInstance): void {
    g.instances = g.instances.filter((i) => i !== inst);
    inst.lifecycleState = 'Terminated';
    inst.ec2State = 'terminated';
  }

  #make(s: InstanceSpec): FakeInstance {
    const id = s.id ?? `i-0fa4e${(this.#next++).toString(16).padStart(12, '0')}`;
    const ip = s.privateIp === null ? undefined : (s.privateIp ?? `10.0.9.${this.#nextIp++}`);
    const inst: FakeInstance = {
      id,
      privateIp: ip,
      privateDnsName: s.privateDnsName ?? (ip ? privateDnsFor(ip) : ''),
      lifecycleState: s.lifecycleState ?? 'InService',
      healthStatus: s.healthStatus ?? 'Healthy',
      ec2State: s.ec2State ?? 'running',
      launchTime: new Date(Date.UTC(2026, 0, 1)),
      availabilityZone: 'us-east-1a',
    };
    this.instances.set(id, inst);
    return inst;
  }
}
