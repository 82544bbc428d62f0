import type { CloudFault, CloudOp } from './chaos-provider.js';
import type { CallTrap } from './referee.js';
import type { ProxyPlan } from './proxy.js';
import { CACHE_APP, type ChaosWorld } from './world.js';

/** Everything that goes wrong in one cycle, drawn from the seeded generator. */
export interface CycleFaults {
  readonly master?: ProxyPlan;
  readonly marathon?: 'marathon-5xx' | 'marathon-malformed-json';
  readonly cloud: CloudFault[];
  readonly neverJoin: number;
  readonly trap?: CallTrap;
  /** SIGKILL between cycles: a fresh process with no memory leads the next cycle. */
  readonly restart: boolean;
  /** A new clock offset for the standby replica (ms). */
  readonly skew?: number;
  /** New size of the web app. */
  readonly workload?: number;
  /** New size of the memory-bound app (`CACHE_APP`), in worlds that run it. */
  readonly cacheWorkload?: number;
  readonly operatorDrain?: number;
  readonly operatorWindow?: { readonly pick: number; readonly startInMs: number };
  /** An operator pauses the group on the leader (POST /api/groups/<g>/pause) for this many cycles. */
  readonly pause?: number;
}

const MASTER_IN_PROCESS = ['master-5xx', 'master-hang', 'master-truncated-json', 'master-malformed-json', 'master-impossible-json', 'master-failover'] as const;
const MASTER_HTTP_ONLY = ['master-bad-redirect', 'master-echoes-credentials'] as const;
const CLOUD = ['cloud-429', 'cloud-500', 'cloud-quota', 'cloud-capacity', 'cloud-hang', 'cloud-describe-fails', 'cloud-delete-fails'] as const;
const OPS: readonly (CloudOp | 'any')[] = ['describe', 'set-size', 'delete', 'any'];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
}

function int(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * Draws one cycle's faults. A call trap (SIGKILL before or after the k-th state-changing call from
 * now, a new leader after it) waits for its call, so it lands on every kind of step in time. Rates are chosen so that in a few hundred cycles every kind happens
 * several times, yet most cycles leave the autoscaler room to make progress.
 */
export function chooseFaults(rand: () => number, world: ChaosWorld, o: { http: boolean }): CycleFaults {
  const masterKinds = o.http ? [...MASTER_IN_PROCESS, ...MASTER_HTTP_ONLY] : MASTER_IN_PROCESS;
  const master: ProxyPlan | undefined = rand() < 0.22 ? { kind: pick(rand, masterKinds), from: int(rand, 0, 4), count: int(rand, 1, 3), variant: int(rand, 0, 1000) } : undefined;
  const marathon = rand() < 0.06 ? pick(rand, ['marathon-5xx', 'marathon-malformed-json'] as const) : undefined;
  const cloud: CloudFault[] = [];
  if (rand() < 0.2) for (let i = int(rand, 1, 2); i > 0; i--) {
    const kind = pick(rand, CLOUD);
    const op = kind === 'cloud-describe-fails' ? 'describe' : kind === 'cloud-delete-fails' ? 'delete' : pick(rand, OPS);
    cloud.push({ kind, op, ...(kind === 'cloud-hang' && rand() < 0.5 ? { afterEffect: true } : {}) });
  }
  const neverJoin = rand() < 0.04 ? int(rand, 1, 3) : 0;
  const trapRoll = rand();
  const trap: CallTrap | undefined =
    trapRoll < 0.04 ? { at: int(rand, 1, 3), what: 'sigkill-before-call' } : trapRoll < 0.08 ? { at: int(rand, 1, 3), what: 'sigkill-after-call' } : trapRoll < 0.1 ? { at: int(rand, 1, 3), what: 'leader-replaced-mid-action' } : undefined;
  const restart = rand() < 0.02;
  const skew = rand() < 0.02 ? pick(rand, [-3, -2, 2, 3]) * 3_600_000 : undefined;
  const workload = rand() < 0.25 ? int(rand, 0, world.groups.reduce((n, g) => n + g.max * g.templateCpus, 0) + 4) : undefined;
  const operatorDrain = world.cluster.mesosVersion.startsWith('1.9') && rand() < 0.008 ? int(rand, 0, 100) : undefined;
  const operatorWindow = rand() < 0.01 ? { pick: int(rand, 0, 100), startInMs: pick(rand, [-60_000, 0, 3_600_000, 86_400_000]) } : undefined;
  const pause = rand() < 0.015 ? int(rand, 1, 4) : undefined;
  // From the world's own generator: the draws above stay where the pinned episodes had them.
  const mr = world.memoryRand;
  const cacheWorkload = world.memoryBound && mr() < 0.2 ? int(mr, 0, Math.floor(world.groups.reduce((n, g) => n + g.max * g.templateMem, 0) / CACHE_APP.mem) + 2) : undefined;
  return {
    ...(cacheWorkload !== undefined ? { cacheWorkload } : {}),
    ...(pause !== undefined ? { pause } : {}),
    ...(master ? { master } : {}),
    ...(marathon ? { marathon } : {}),
    cloud,
    neverJoin,
    ...(trap ? { trap } : {}),
    restart,
    ...(skew !== undefined ? { skew } : {}),
    ...(workload !== undefined ? { workload } : {}),
    ...(operatorDrain !== undefined ? { operatorDrain } : {}),
    ...(operatorWindow ? { operatorWindow } : {}),
  };
}
