import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/schema.js';
import type { Controller } from '../controller/controller.js';
import { wire } from './wire.js';
import type { MetricSample } from '../sim/metrics/index.js';
import { sampleCluster } from '../sim/replay/sampler.js';
import { parseListen } from '../util/url.js';
import { DemoNarrator, finalSummary, wrap } from './demo-output.js';
import { startService, type LoopEnd } from './service.js';
import { driveRealtime, VirtualClock } from '../sim/cluster/virtual-clock.js';
import { startEmulatedCluster, type EmulatedCluster } from '../sim/emulator/index.js';
import { applyPolicy, NAMED_POLICIES } from '../sim/policies.js';
import { scenarioConfig, simGroupsFor, TraceFeeder, type ScenarioGroup } from '../sim/replay/index.js';
import { generateTrace, sortBySubmit, type TraceTask } from '../sim/trace/index.js';
import { createLogger, type Logger } from '../util/logger.js';
import { ok } from '../util/result.js';

export interface DemoOptions {
  /** Simulated seconds per real second. */
  readonly speed: number;
  /** Stop after this many simulated minutes; runs until aborted when absent. */
  readonly durationMin?: number;
  readonly seed: number;
  readonly write: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** host:port of the status page (port 0: a free one); no page when undefined. */
  readonly listen?: string;
  /** Simulated minutes between summaries of every group (default 30). */
  readonly summaryEveryMin?: number;
}

const GROUPS: readonly ScenarioGroup[] = [
  { name: 'general', cpus: 8, mem: 32768, disk: 100_000, min: 2, max: 24, initial: 3, price: 0.4, instanceType: 'Standard_D8s_v5' },
  { name: 'large', cpus: 32, mem: 131072, disk: 400_000, min: 0, max: 6, initial: 1, price: 1.6, instanceType: 'Standard_D32s_v5' },
];

const MINUTE = 60_000;
/** The demo's day starts in the morning, so the load rises soon after start. */
const START_HOUR = 9;

/** The trace as seen from `offset` on: work already over is dropped, work under way starts at once. */
export function startAt(trace: readonly TraceTask[], offset: number): TraceTask[] {
  const out: TraceTask[] = [];
  for (const t of trace) {
    const finite = t.durationMs !== undefined && Number.isFinite(t.durationMs);
    if (finite && t.submitAt + (t.durationMs ?? 0) <= offset) continue;
    if (t.submitAt >= offset) out.push({ ...t, submitAt: t.submitAt - offset });
    else out.push({ ...t, submitAt: 0, ...(finite && t.kind === 'service' ? { durationMs: t.submitAt + (t.durationMs ?? 0) - offset } : {}) });
  }
  return out;
}

/** The demo's autoscaler config: two simulated node groups, the demand-aware policy, the emulator's URLs. */
export function demoConfig(masterUrl: string, marathonUrl: string): Config {
  const base = scenarioConfig(GROUPS, { mesos: { masters: [masterUrl] }, marathon: { url: marathonUrl }, expander: 'price' });
  const policy = NAMED_POLICIES['demand-aware'];
  const applied = policy ? applyPolicy(policy, base) : ok(base);
  if (!applied.ok) throw new Error(applied.error);
  return applied.value;
}

/** The real run path (Mesos and Marathon HTTP clients, LiveObserver, drains through maintenance) against the emulator. */
export function wireDemo(config: Config, emu: EmulatedCluster, logger: Logger): Controller {
  return wire(config, logger, { clock: emu.clock, simulated: emu.provider }).controller;
}

/** How often the demo prints a summary of every group, in simulated minutes (changes print as they happen). */
const SUMMARY_EVERY_MIN = 30;
/** The demo's status page: loopback, a free port. */
export const DEMO_LISTEN = '127.0.0.1:0';

/**
 * `npm start`: an emulated Mesos master, Marathon and cloud on loopback, time compressed,
 * a generated workload arriving over time, and the autoscaler's real service (run path, status
 * page, /metrics) against it. Prints the status page's URL first, then what changes.
 */
export async function runDemo(o: DemoOptions): Promise<void> {
  const logger = o.logger ?? createLogger('silent');
  const clock = new VirtualClock(Date.now());
  const origin = clock.now();
  const probe = scenarioConfig(GROUPS);
  const emu = await startEmulatedCluster({
    clock,
    cluster: { seed: o.seed, defaultStartupMs: 5_000 },
    groups: simGroupsFor(probe, { initial: Object.fromEntries(GROUPS.map((g) => [g.name, g.initial ?? g.min])), provisioningDelayMs: 3 * MINUTE }),
  });
  const listen = o.listen === undefined ? undefined : parseListen(o.listen);
  if (listen && !listen.ok) {
    await emu.close();
    throw new Error(`--listen: ${listen.error}`);
  }
  const config: Config = { ...demoConfig(emu.masterUrl, emu.marathonUrl), ...(listen ? { server: { host: listen.value.host ?? '127.0.0.1', port: listen.value.port } } : {}) };
  const days = o.durationMin !== undefined ? Math.max(1, Math.ceil(o.durationMin / 1440)) : 7;
  // Sized to overflow the initial groups in the afternoon: the autoscaler has work to do.
  const trace = generateTrace({ seed: o.seed, days, targetNodes: 14, nodeShape: { cpus: 8, mem: 32768 }, tasks: 400 * days });
  const feeder = new TraceFeeder(emu.cluster, sortBySubmit(startAt(trace, START_HOUR * 60 * MINUTE)), origin);
  const unsubscribe = emu.cluster.events.on((e) => feeder.onEvent(e));
  feeder.scheduleUntil(Number.POSITIVE_INFINITY);

  // Timer-driven cycles only: event triggers would wake the loop on every simulated task change.
  const service = await startService({ config, logger, simulated: emu.provider, clock, events: false });
  // Simulated time starts once the service is up, so starting it costs no simulated minutes.
  const stopClock = driveRealtime(clock, { speed: o.speed });
  const narrator = new DemoNarrator(config, (o.summaryEveryMin ?? SUMMARY_EVERY_MIN) * MINUTE);
  const groups = GROUPS.map((g) => g.name);
  const samples: MetricSample[] = [];
  let cycles = 0;
  let actions = 0;
  let failedActions = 0;
  service.controller.onCycle((report) => {
    cycles++;
    actions += report.actions.length;
    failedActions += report.actions.filter((a) => !a.ok).length;
    const elapsed = clock.now() - origin;
    samples.push(sampleCluster(emu.cluster, emu.provider, groups, elapsed));
    for (const line of narrator.cycle(report, report.plan ? service.controller.snapshot() : undefined, elapsed)) o.write(line);
  });

  if (service.url) o.write(`status page: ${service.url}/  (also /status, /metrics; Ctrl-C stops the demo)`);
  for (const line of [
    `mesos-autoscaler demo: emulated Mesos master ${emu.masterUrl}, Marathon ${emu.marathonUrl}`,
    ...GROUPS.map((g) => `group ${g.name}: ${g.initial} x ${g.instanceType} (${g.cpus} cpus, ${g.price}/h), min ${g.min}, max ${g.max}; new nodes boot in 3 min`),
    `policy demand-aware, a cycle every ${config.timer} s; ${trace.length} generated tasks over ${days} day(s); ${o.speed}x real time${o.durationMin !== undefined ? `, for ${o.durationMin} simulated min` : ', Ctrl-C to stop'}`,
    `times are simulated (t+hh:mm since the start); changes print as they happen, every group every ${o.summaryEveryMin ?? SUMMARY_EVERY_MIN} simulated min`,
  ])
    for (const l of wrap(line)) o.write(l);

  const stopped = new Promise<void>((resolve) => {
    o.signal?.addEventListener('abort', () => resolve(), { once: true });
    if (o.durationMin !== undefined) clock.setTimer(o.durationMin * MINUTE, () => resolve());
    void service.done.then(() => resolve());
  });
  let end: LoopEnd = {};
  try {
    await stopped;
  } finally {
    await service.stop();
    end = await service.done;
    stopClock();
    unsubscribe();
    await emu.close();
  }
  const endMs = clock.now() - origin;
  for (const line of finalSummary({ endMs, cycles, actions, failedActions, submitted: feeder.submitted, samples, records: feeder.records() }, GROUPS.map((g) => ({ name: g.name, price: g.price ?? 0 })))) for (const l of wrap(line)) o.write(l);
  if (end.error) throw new Error(`the control loop failed: ${end.error}`);
}

/** A bad --listen is a usage error (exit 2), as for `run`. */
function listenAddress(v: string): string {
  const parsed = parseListen(v);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.error);
  return v;
}

function positive(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name}: "${v}" is not a positive number`);
    return n;
  };
}

/** `mesos-autoscaler demo`: what `npm start` runs; needs no configuration. */
export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the autoscaler against an emulated Mesos cluster and cloud on loopback, time compressed (no configuration needed)')
    .option('--speed <x>', 'simulated seconds per real second', positive('--speed'), 60)
    .option('--duration <minutes>', 'stop after this many simulated minutes (default: until Ctrl-C)', positive('--duration'))
    .option('--seed <n>', 'seed of the workload and cluster', positive('--seed'), 7)
    .option('--listen <host:port>', 'status page and /metrics address (port 0: a free port)', listenAddress, DEMO_LISTEN)
    .option('--no-listen', 'no status page')
    .option('--summary-every <minutes>', `simulated minutes between summaries of every group [${SUMMARY_EVERY_MIN}]`, positive('--summary-every'))
    .action(async (raw: Record<string, unknown>) => {
      const ac = new AbortController();
      // Stays installed: a second Ctrl-C while shutting down must not kill the process half-way.
      const onSignal = (): void => ac.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      await runDemo({
        speed: typeof raw['speed'] === 'number' ? raw['speed'] : 60,
        ...(typeof raw['duration'] === 'number' ? { durationMin: raw['duration'] } : {}),
        seed: typeof raw['seed'] === 'number' ? raw['seed'] : 7,
        ...(typeof raw['listen'] === 'string' ? { listen: raw['listen'] } : {}),
        ...(typeof raw['summaryEvery'] === 'number' ? { summaryEveryMin: raw['summaryEvery'] } : {}),
        write: (line) => process.stdout.write(`${line}\n`),
        signal: ac.signal,
      });
    });
}
