/** One VM of a fake managed instance group. */
export interface FakeGceInstance {
  name: string;
  zone: string;
  networkIP: string;
  /** compute/v1 Instance.status. */
  status: string;
  /** compute/v1 ManagedInstance.currentAction. */
  currentAction: string;
  /** A custom hostname (Instance.hostname), when set. */
  hostname?: string;
  /** ManagedInstance.lastAttempt.errors.errors[0].code, e.g. QUOTA_EXCEEDED. */
  lastAttemptError?: string;
}

export interface FakeMig {
  readonly project: string;
  /** Zonal group: its zone; regional groups have `region` and spread over its zones. */
  readonly zone?: string;
  readonly region?: string;
  readonly name: string;
  targetSize: number;
  instances: FakeGceInstance[];
}

export interface FakeMigInput {
  readonly project?: string;
  readonly zone?: string;
  readonly region?: string;
  readonly name: string;
  /** Defaults to the number of instances. */
  readonly targetSize?: number;
  /** Each as its private IP, or in full; defaults to `targetSize` RUNNING instances. */
  readonly instances?: readonly (string | Partial<FakeGceInstance> & { networkIP: string })[];
}

export const DEFAULT_PROJECT = 'mesos-test-project';

/** The groups the fake serves, changed only by completed operations. */
export class FakeGceState {
  readonly migs: FakeMig[] = [];
  private nextIp = 200;

  constructor(inputs: readonly FakeMigInput[]) {
    for (const input of inputs) {
      const zones = input.zone ? [input.zone] : [`${input.region ?? 'us-central1'}-a`, `${input.region ?? 'us-central1'}-b`];
      const given = input.instances ?? Array.from({ length: input.targetSize ?? 0 }, () => this.freshIp());
      const mig: FakeMig = {
        project: input.project ?? DEFAULT_PROJECT,
        ...(input.zone ? { zone: input.zone } : { region: input.region ?? 'us-central1' }),
        name: input.name,
        targetSize: input.targetSize ?? given.length,
        instances: [],
      };
      given.forEach((g, i) => {
        const base = typeof g === 'string' ? { networkIP: g } : g;
        mig.instances.push({ name: `${input.name}-${String(i).padStart(4, '0')}`, zone: zones[i % zones.length] ?? 'us-central1-a', status: 'RUNNING', currentAction: 'NONE', ...base });
      });
      this.migs.push(mig);
    }
  }

  find(project: string, scope: 'zones' | 'regions', location: string, name: string): FakeMig | undefined {
    return this.migs.find((m) => m.project === project && m.name === name && (scope === 'zones' ? m.zone === location : m.region === location));
  }

  mig(name: string): FakeMig {
    const m = this.migs.find((x) => x.name === name);
    if (!m) throw new Error(`no fake MIG ${name}`);
    return m;
  }

  instance(project: string, zone: string, name: string): FakeGceInstance | undefined {
    return this.migs.filter((m) => m.project === project).flatMap((m) => m.instances).find((i) => i.zone === zone && i.name === name);
  }

  /** Adds or removes instances until the group holds `size`, as the group manager does. */
  resize(mig: FakeMig, size: number): void {
    mig.targetSize = size;
    let n = mig.instances.length;
    while (mig.instances.length < size) {
      const zone = mig.zone ?? `${mig.region ?? 'us-central1'}-${'ab'[n % 2] ?? 'a'}`;
      mig.instances.push({ name: `${mig.name}-${String(n++).padStart(4, '0')}`, zone, networkIP: this.freshIp(), status: 'RUNNING', currentAction: 'NONE' });
    }
    while (mig.instances.length > size) mig.instances.pop();
  }

  private freshIp(): string {
    return `10.128.0.${this.nextIp++}`;
  }
}
