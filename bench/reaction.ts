/**
 * Reaction time: from a new waiting instance (POST /v2/apps to the emulated Marathon)
 * to the autoscaler's scale-up call (setDesiredSize on the simulated cloud), N runs,
 * event-driven cycles side by side with the timer alone (same timer, events off).
 *
 *   npx tsx bench/reaction.ts [runs=20] [timerSeconds=10] [agents=1]
 *
 * With `agents` > 1 the group starts with that many agents, each running one 1.5-cpu instance,
 * so every node has 2.5 cpus left and the cluster is that big for every read. One instance per
 * agent comes from its memory (5,000 of 8,192 MB: two never fit), not from a hostname UNIQUE
 * constraint: the emulated scheduler places a constrained app by scanning every agent from the
 * first for each instance, minutes at 50,000 agents, while an unconstrained one is placed first-fit
 * in one linear pass (src/sim/cluster/cluster.ts `#placeFree`). Set-up time is printed to stderr.
 * Each run posts a one-instance app no running node can host. In the timer-only mode
 * the post lands at a uniformly random point of the timer period, so its expected
 * reaction is about timer/2.
 */
import { startService } from '../src/cli/service.js';
import { configSchema } from '../src/config/schema.js';
import type { NodeGroupProvider } from '../src/providers/provider.js';
import { VirtualClock } from '../src/sim/cluster/virtual-clock.js';
import { startEmulatedCluster } from '../src/sim/emulator/index.js';
import { nearestRank } from '../src/sim/metrics/percentile.js';
import { createLogger } from '../src/util/logger.js';

const RUNS = Number(process.argv[2] ?? 20);
const TIMER_S = Number(process.argv[3] ?? 10);
const AGENTS = Number(process.argv[4] ?? 1);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function measure(events: boolean): Promise<number[]> {
  const setupStart = Date.now();
  const emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    realtimeSpeed: 1,
    groups: [{ name: 'web', template: { resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { pool: 'web' } }, initial: AGENTS, max: AGENTS + 500 }],
    // Leaves 2.5 cpus on every node: no node can host a 3-cpu instance without a scale-up.
    apps: [{ id: '/base', instances: AGENTS, cpus: 1.5, mem: 5000 }],
  });
  emu.cluster.schedule();
  const placed = [...emu.cluster.agents()].filter((a) => a.tasks.size === 1).length;
  if (placed !== AGENTS) throw new Error(`base load: ${placed} of ${AGENTS} agents run one instance`);
  const calls: number[] = [];
  const inner = emu.provider;
  const provider: NodeGroupProvider = {
    kind: inner.kind,
    describe: (g) => inner.describe(g),
    setDesiredSize: async (g, size) => {
      calls.push(Date.now());
      await inner.setDesiredSize(g, size);
    },
    deleteInstances: (g, ids) => inner.deleteInstances(g, ids),
  };
  const config = configSchema.parse({
    timer: TIMER_S,
    drain: false,
    maxTotalNodes: AGENTS + 1000,
    mesos: { masters: [emu.masterUrl] },
    marathon: { url: emu.marathonUrl },
    groups: [
      {
        name: 'web',
        selector: { pool: 'web' },
        min: 1,
        max: AGENTS + 400,
        provider: { kind: 'simulated' },
        template: { cpus: 4, mem: 8192, disk: 10_000 },
        policies: ['pending'],
        scaleDown: { unneededTime: 36_000 },
      },
    ],
  });
  const service = await startService({ config, logger: createLogger('silent'), simulated: provider, events, processMetrics: false });
  const reactions: number[] = [];
  try {
    // A large cluster's first read and SUBSCRIBED take a while (the state is read whole once).
    const startupMs = 10_000 + AGENTS * 5;
    await until('first cycle', () => service.store.view().lastCycle, startupMs);
    // Steady state: both models in sync with their streams (/status `sources`), so no run pays for
    // the cold read of a state the stream was still delivering.
    if (events) {
      await until('event streams', () => (service.triggers?.stats().mesos.connected && service.triggers.stats().marathon.connected ? true : undefined), startupMs);
      const progress = setInterval(() => process.stderr.write(`sources: ${JSON.stringify(service.store.view().sources)}\n`), 20_000);
      await until('models in sync', () => {
        const s = service.store.view().sources;
        return s?.mesos?.mode === 'events' && s.marathon?.mode === 'events' ? true : undefined;
      }, startupMs).finally(() => clearInterval(progress));
    }
    process.stderr.write(`${events ? 'events' : 'timer '} set-up: ${AGENTS} agents placed and the service's first cycle in ${((Date.now() - setupStart) / 1000).toFixed(1)} s\n`);
    let phaseStart = Date.now();
    for (let i = 0; i < RUNS; i++) {
      // Events: let the previous run's events (new agent, placed task) and the throttle window pass.
      // Timer: land at a uniformly random point of the period.
      const wait = events ? 2_500 + Math.random() * 1_000 : Math.random() * TIMER_S * 1000;
      await sleep(Math.max(0, phaseStart + wait - Date.now()));
      const before = calls.length;
      const res = await fetch(`${emu.marathonUrl}/v2/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: `/bench-${events ? 'ev' : 'tm'}-${i}`, instances: 1, cpus: 3, mem: 256 }),
      });
      const posted = Date.now();
      if (res.status !== 201) throw new Error(`POST /v2/apps: HTTP ${res.status}`);
      const at = await until('scale-up call', () => calls[before], TIMER_S * 1000 * 3);
      reactions.push(at - posted);
      process.stderr.write(`${events ? 'events' : 'timer '} run ${i + 1}/${RUNS}: ${at - posted} ms\n`);
      phaseStart = at;
    }
  } finally {
    await service.stop();
    await emu.close();
  }
  return reactions;
}

function summary(xs: readonly number[]): { p50: number; p95: number; max: number; mean: number } {
  return { p50: nearestRank(xs, 50), p95: nearestRank(xs, 95), max: Math.max(...xs), mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) };
}

let peakRss = 0;
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const withEvents = summary(await measure(true));
const timerOnly = summary(await measure(false));
clearInterval(rssSampler);
const row = (name: string, s: ReturnType<typeof summary>): string =>
  `${name.padEnd(22)}${String(s.p50).padStart(8)}${String(s.p95).padStart(8)}${String(s.max).padStart(8)}${String(s.mean).padStart(8)}`;
console.log(`reaction from POST /v2/apps to setDesiredSize, ${AGENTS} agent(s), ${RUNS} runs each, timer ${TIMER_S} s (ms); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
console.log(`${''.padEnd(22)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}${'mean'.padStart(8)}`);
console.log(row('events + timer', withEvents));
console.log(row('timer only', timerOnly));
console.log(`timer only / events: p50 ${(timerOnly.p50 / withEvents.p50).toFixed(1)}x, mean ${(timerOnly.mean / withEvents.mean).toFixed(1)}x (expected timer-only mean ~ ${(TIMER_S * 1000) / 2} ms)`);
