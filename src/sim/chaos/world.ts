import type { Config } from '../../config/schema.js';
import { validateConfig } from '../../config/load.js';
import { PROTECT_KEY } from '../../planner/protections.js';
import { SimulatedProvider } from '../../providers/simulated/simulated-provider.js';
import { SimCluster } from '../cluster/cluster.js';
import { seededRandom } from '../cluster/ids.js';
import { VirtualClock } from '../cluster/virtual-clock.js';

/** The node group every chaos run scales, and the attribute its agents carry. */
export const GROUP = 'pool';
export const GROUP_ATTR = 'node-group';

/**
 * Credentials the chaos config carries. They are made up per run; the suite's job is to prove
 * none of their encodings reaches any output.
 */
export interface ChaosSecrets {
  readonly mesosUser: string;
  readonly mesosPassword: string;
  readonly marathonToken: string;
  readonly serverToken: string;
}

/** A node group of the world: its limits and the shape of its nodes. */
export interface ChaosGroup {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly templateCpus: number;
  readonly templateMem: number;
  readonly price: number;
}

/** One episode's cluster: the emulated Mesos/Marathon state, the simulated cloud, one virtual clock. */
export interface ChaosWorld {
  readonly clock: VirtualClock;
  readonly cluster: SimCluster;
  readonly provider: SimulatedProvider;
  /** `pool` first; half the episodes add `large`, a group of bigger, dearer nodes the same work fits. */
  readonly groups: readonly ChaosGroup[];
  readonly provisionTimeoutMs: number;
  /** Agents that are not the group's, yet look like it (same selector, a name like an instance's). */
  readonly foreignAgentIds: ReadonlySet<string>;
  /**
   * Half the worlds also run `/cache` (a quarter cpu, 3 GB an instance: memory binds) and their
   * groups track cpus and mem, a node's load measured in its scarcest resource.
   */
  readonly memoryBound: boolean;
  /**
   * The generator of every draw made for memory-bound worlds: their own, so the episodes found
   * and pinned before them (test/chaos) draw everything else exactly as they did.
   */
  readonly memoryRand: () => number;
}

/** The memory-bound app of half the worlds: two instances fill a pool node's 8 GB, not its cpus. */
export const CACHE_APP = { id: '/cache', cpus: 0.25, mem: 3072 } as const;

/** The seeded generator and the Mesos version an episode's world is built with. */
export interface WorldOptions {
  readonly rand: () => number;
  readonly seed: number;
  readonly mesosVersion: string;
}

const START = Date.UTC(2026, 0, 1);

function int(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * A random but seeded cluster: one or two groups between their min and max, an outsider with the group's
 * attribute and a hostname like the first instance's (issue 10 case 4), an agent of another group,
 * a protected app, a web app whose size the workload moves, and sometimes an operator's window.
 */
export function buildWorld(o: WorldOptions): ChaosWorld {
  const { rand } = o;
  const clock = new VirtualClock(START + int(rand, 0, 86_400) * 1000);
  const cluster = new SimCluster({ clock, seed: o.seed, mesosVersion: o.mesosVersion, allocationIntervalMs: 1000, defaultStartupMs: 2000, completedTaskHistory: 0 });
  const pool = sized(rand, GROUP, 1, 4, 8192, 1);
  const groups = rand() < 0.5 ? [pool] : [pool, sized(rand, 'large', 0, 8, 16384, 2.2)];
  const provider = new SimulatedProvider({
    cluster,
    seed: o.seed,
    groups: groups.map((g) => ({
      name: g.name,
      template: { resources: { cpus: g.templateCpus, mem: g.templateMem, disk: 10_000 }, attributes: { [GROUP_ATTR]: g.name } },
      initial: g.initial,
      provisioningDelayMs: int(rand, 1, 4) * 60_000,
      deletionDelayMs: int(rand, 0, 2) * 30_000,
      hostnamePrefix: g.name === GROUP ? 'agent' : g.name,
    })),
  });
  const first = provider.instances(GROUP)[0];
  const foreign = new Set<string>();
  // The outsider of issue 10 case 4: same selector, a name whose short form is an instance's, another IP.
  const impostor = cluster.addAgent({ hostname: `${first?.hostname ?? 'agent-000000'}.dc2.example`, ip: '10.200.0.1', resources: { cpus: 4, mem: 8192 }, attributes: { [GROUP_ATTR]: GROUP } });
  foreign.add(impostor.id);
  const other = cluster.addAgent({ hostname: 'db-1.example', ip: '10.201.0.1', resources: { cpus: 8, mem: 16384, disk: 100_000 }, attributes: { [GROUP_ATTR]: 'other' }, volumes: [{ id: 'vol-1', role: 'db', diskMb: 1024 }] });
  foreign.add(other.id);
  const apps = [
    { id: '/web', instances: int(rand, 0, pool.initial * pool.templateCpus), cpus: 1, mem: 1024 },
    { id: '/keep', instances: int(rand, 0, 2), cpus: 0.5, mem: 256, labels: { [PROTECT_KEY]: 'true' } },
  ];
  const memoryRand = seededRandom((o.seed * 2_654_435_761 + 0x5bd1e995) >>> 0);
  const memoryBound = memoryRand() < 0.5;
  if (memoryBound) apps.push({ ...CACHE_APP, instances: int(memoryRand, 0, 2 * pool.initial + 2) });
  for (const app of apps) {
    const r = cluster.createApp(app);
    if (!r.ok) throw r.error;
  }
  clock.advance(10_000);
  return { clock, cluster, provider, groups: groups.map(({ initial: _i, ...g }) => g), provisionTimeoutMs: 600_000, foreignAgentIds: foreign, memoryBound, memoryRand };
}

/** A group's limits drawn at random: min from `lowestMin`, a start between min and min + 4, max a few above. */
function sized(rand: () => number, name: string, lowestMin: number, cpus: number, mem: number, price: number): ChaosGroup & { initial: number } {
  const min = int(rand, lowestMin, lowestMin + 2);
  const initial = min + int(rand, 0, 4);
  return { name, min, max: initial + int(rand, 2, 5), templateCpus: cpus, templateMem: mem, price, initial };
}

/** The autoscaler's config for a world: strict, validated as a file would be. */
export function chaosConfig(world: ChaosWorld, rand: () => number, secrets: ChaosSecrets, urls: { masters: readonly string[]; marathon: string; timeoutMs: number; api?: 'auto' | 'v1' | 'v0' }): Config {
  return validateConfig({
    timer: 60,
    mesos: { masters: [...urls.masters], username: secrets.mesosUser, password: secrets.mesosPassword, timeoutMs: urls.timeoutMs, api: urls.api ?? 'auto' },
    marathon: { url: urls.marathon, token: secrets.marathonToken },
    server: { token: secrets.serverToken },
    sanity: { maxAgentDrop: 0.3, confirmCycles: 3 },
    groups: world.groups.map((g) => ({
      name: g.name,
      selector: { [GROUP_ATTR]: g.name },
      min: g.min,
      max: g.max,
      price: g.price,
      provisionTimeout: world.provisionTimeoutMs / 1000,
      scaleUpStep: int(rand, 1, 3),
      scaleDownStep: int(rand, 1, 3),
      template: { cpus: g.templateCpus, mem: g.templateMem },
      provider: { kind: 'simulated' },
      ...(world.memoryBound ? { resources: ['cpus', 'mem'] } : {}),
      scaleDown: { unneededTime: 120, delayAfterAdd: 120, maxParallel: int(rand, 1, 2), drainTimeout: 300, ...(world.memoryBound ? { load: 'scarcest' } : {}) },
    })),
  });
}
