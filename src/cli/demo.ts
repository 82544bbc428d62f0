import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/schema.js';
import type { Controller } from '../controller/controller.js';
import { wire } from './wire.js';
import type { ActionRecord, CycleReport } from '../controller/ports.js';
import { viewGroup } from '../planner/group-view.js';
import { VirtualClock } from '../sim/cluster/virtual-clock.js';
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

const pct = (x: number | undefined): string => (x === undefined ? '  -' : `${Math.round(x * 100)}%`.padStart(4));
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function stamp(ms: number): string {
  const m = Math.floor(ms / MINUTE);
  return `t+${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** One line per group per cycle, and one per action. */
export function formatCycle(report: CycleReport, config: Config, snapshotOf: () => ReturnType<Controller['snapshot']>, elapsedMs: number): string[] {
  const at = stamp(elapsedMs);
  if (report.error && !report.plan) return [`${at} observation failed (${report.error.kind}): ${report.error.message}`];
  const lines: string[] = [];
  const snapshot = snapshotOf();
  const pending = snapshot ? snapshot.pending.reduce((n, p) => n + p.count, 0) : 0;
  for (const g of report.plan?.groups ?? []) {
    const gc = config.groups.find((c) => c.name === g.group);
    const view = snapshot && gc ? viewGroup(snapshot, gc) : undefined;
    const active = view?.capacity.length ?? g.figures['nodes.active'] ?? 0;
    const booting = Math.max(0, (view?.provider?.instances.filter((i) => i.state === 'creating').length ?? 0));
    const draining = view?.draining.length ?? 0;
    const nodes = `${active}${booting ? ` +${booting} booting` : ''}${draining ? ` ${draining} draining` : ''}`;
    const decision = g.direction === 'none' ? 'hold' : `${g.direction} ${g.current} -> ${g.target}`;
    const reason = g.reasons[g.reasons.length - 1] ?? '';
    const mem = view && view.total.mem > 0 ? view.used.mem / view.total.mem : undefined;
    lines.push(`${at} ${g.group.padEnd(8)} nodes ${nodes.padEnd(20)} cpu ${pct(view?.utilization.cpus)} mem ${pct(mem)} pending ${String(pending).padStart(3)}  ${decision.padEnd(12)} ${clip(reason, 140)}`);
  }
  for (const a of report.actions) lines.push(formatAction(a, at));
  if (report.error && report.plan) lines.push(`${at} no action: ${report.error.message}`);
  return lines;
}

function formatAction(a: ActionRecord, at: string): string {
  return `${at}   ${a.ok ? '=>' : '!!'} ${a.kind} ${a.group}: ${a.detail}`;
}

/**
 * `npm start`: an emulated Mesos master, Marathon and cloud on loopback, time compressed,
 * a generated workload arriving over time, and the autoscaler's real run path against it.
 */
export async function runDemo(o: DemoOptions): Promise<void> {
  const logger = o.logger ?? createLogger('silent');
  const clock = new VirtualClock(Date.now());
  const origin = clock.now();
  const probe = scenarioConfig(GROUPS);
  const emu = await startEmulatedCluster({
    clock,
    realtimeSpeed: o.speed,
    cluster: { seed: o.seed, defaultStartupMs: 5_000 },
    groups: simGroupsFor(probe, { initial: Object.fromEntries(GROUPS.map((g) => [g.name, g.initial ?? g.min])), provisioningDelayMs: 3 * MINUTE }),
  });
  const config = demoConfig(emu.masterUrl, emu.marathonUrl);
  const controller = wireDemo(config, emu, logger);
  const days = o.durationMin !== undefined ? Math.max(1, Math.ceil(o.durationMin / 1440)) : 7;
  // Sized to overflow the initial groups in the afternoon: the autoscaler has work to do.
  const trace = generateTrace({ seed: o.seed, days, targetNodes: 14, nodeShape: { cpus: 8, mem: 32768 }, tasks: 400 * days });
  const feeder = new TraceFeeder(emu.cluster, sortBySubmit(startAt(trace, START_HOUR * 60 * MINUTE)), origin);
  feeder.scheduleUntil(Number.POSITIVE_INFINITY);

  o.write(`mesos-autoscaler demo: emulated Mesos master ${emu.masterUrl}, Marathon ${emu.marathonUrl}`);
  o.write(`${GROUPS.map((g) => `${g.name} ${g.initial} x ${g.instanceType} (${g.cpus} cpus, ${g.price}/h, ${g.min}..${g.max})`).join('; ')}; new nodes take 3 min`);
  o.write(`policy demand-aware, a cycle every ${config.timer} s; ${trace.length} generated tasks over ${days} day(s); ${o.speed}x real time${o.durationMin !== undefined ? `, for ${o.durationMin} simulated min` : ', Ctrl-C to stop'}`);

  const ac = new AbortController();
  const stop = (): void => ac.abort();
  o.signal?.addEventListener('abort', stop, { once: true });
  if (o.durationMin !== undefined) clock.setTimer(o.durationMin * MINUTE, stop);
  let cycles = 0;
  let actions = 0;
  controller.onCycle((report) => {
    cycles++;
    actions += report.actions.length;
    for (const line of formatCycle(report, config, () => controller.snapshot(), clock.now() - origin)) o.write(line);
  });
  try {
    await controller.run(ac.signal);
  } finally {
    o.signal?.removeEventListener('abort', stop);
    await emu.close();
  }
  o.write(`demo stopped after ${stamp(clock.now() - origin)} simulated: ${cycles} cycles, ${actions} actions, ${feeder.submitted} tasks submitted`);
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
        write: (line) => process.stdout.write(`${line}\n`),
        signal: ac.signal,
      });
    });
}
