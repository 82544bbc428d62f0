import type { Leadership } from '../../controller/bindings.js';
import type { CycleReport } from '../../model/ports.js';
import { formatMachine } from '../../model/machine.js';
import { collectSecrets } from '../../server/secrets.js';
import { HttpServer } from '../../server/http-server.js';
import { Metrics } from '../../server/metrics.js';
import { createHandle, StatusStore } from '../../server/status-store.js';
import { createLogger } from '../../util/logger.js';
import { Secret } from '../../util/secret.js';
import { applyFaults, type Replica } from './apply-faults.js';
import type { CloudFault } from './chaos-provider.js';
import { chooseFaults, type CycleFaults } from './choose.js';
import { checkCycle, openDrains } from './invariants.js';
import { MasterFaults } from './master-faults.js';
import { describeLeak, findSecret, scanningDestination, secretNeedles } from './output-scan.js';
import { scanServer, startNetwork, stopNetwork, tickReregistering } from './network.js';
import { startProcess, type AutoscalerProcess, type ProcessContext } from './process.js';
import { CallGate, type Referee } from './referee.js';
import { buildWorld, chaosConfig, GROUP, type ChaosSecrets } from './world.js';

/** One episode's seed, length, transport and credentials. */
export interface EpisodeOptions {
  readonly referee: Referee;
  readonly rand: () => number;
  readonly seed: number;
  /** Cycles with faults; quiet cycles follow until every drain of ours ended (or `quietLimit`). */
  readonly cycles: number;
  readonly quietLimit: number;
  /** Real Mesos and Marathon clients over HTTP against the emulated master, behind chaos proxies. */
  readonly http: boolean;
  readonly secrets: ChaosSecrets;
  /** Receives one line per cycle: decisions, moves, outcomes and drains (for finding what broke). */
  readonly trace?: (line: string) => void;
}

/** One cycle in one JSON line, without secrets' homes (no config, no headers). */
function traceLine(referee: Referee, r: CycleReport): string {
  return JSON.stringify({
    episode: referee.episode,
    cycle: referee.cycle,
    error: r.error?.message,
    groups: r.plan?.groups.map((g) => ({ current: g.current, target: g.target, direction: g.direction, reasons: g.reasons })),
    actions: r.actions.map((a) => `${a.ok ? 'ok' : 'failed'}: ${a.detail}`),
    drains: r.plan?.drains?.map((d) => `${formatMachine(d.machine)} ${d.phase} -> ${d.next}`),
  });
}

/** A cycle that takes longer than this (real time) is a stalled loop. */
const STALL_MS = 20_000;
const CYCLE_MS = 60_000;

/**
 * One episode: a fresh seeded world, `cycles` cycles of the real Controller under injected faults
 * (one process at a time leads; it can be SIGKILLed at any state-changing call, replaced by the
 * other replica mid-action, or see its clock skewed), invariants checked after every cycle, then
 * quiet cycles until every drain of ours has ended. Returns the cycles run.
 */
export async function runEpisode(o: EpisodeOptions): Promise<number> {
  const { referee, rand } = o;
  const world = buildWorld({ rand, seed: o.seed, mesosVersion: rand() < 0.5 ? '1.9.0' : '1.7.2' });
  const net = o.http ? await startNetwork(world, o.secrets, referee) : undefined;
  const urls = net
    ? { masters: net.masters.map((p) => p.url), marathon: net.marathonProxy.url, timeoutMs: 250, api: rand() < 0.25 ? ('v0' as const) : ('auto' as const) }
    : { masters: ['http://master-1.invalid:5050', 'http://master-2.invalid:5050'], marathon: 'http://marathon.invalid:8080', timeoutMs: 10_000 };
  const config = chaosConfig(world, rand, o.secrets, urls);
  const needles = secretNeedles(o.secrets);
  const logger = createLogger('debug', scanningDestination(needles, (line) => referee.flag('no-secret-in-output', describeLeak('log line', line, needles))));
  const bounds = world.groups.map((g) => ({ name: g.name, min: g.min, max: g.max }));
  const status = new StatusStore({ groups: bounds, secrets: collectSecrets(config), now: () => world.clock.now() });
  const metrics = new Metrics({ processMetrics: false, groups: bounds, paused: (g) => status.isPaused(g) });
  // Over HTTP, the service's own server answers /status, /api/plan and /metrics to anyone who asks.
  let server: { http: HttpServer; url: string } | undefined;
  const cloudFaults: CloudFault[] = [];
  const masterFaults = net ? undefined : new MasterFaults(referee);
  let marathonFault: CycleFaults['marathon'];
  const replicas: [Replica, Replica] = [
    { name: 'A', skewMs: 0, term: 1 },
    { name: 'B', skewMs: 0, term: 0 },
  ];
  let leader: Replica = replicas[0];
  const gate = new CallGate(referee, () => {
    const next = leader === replicas[0] ? replicas[1] : replicas[0];
    next.term++;
    leader = next;
  });
  const ctx: ProcessContext = {
    world,
    config,
    logger,
    referee,
    gate,
    cloudFaults,
    masterFaults,
    takeMarathonFault: () => {
      const f = marathonFault;
      marathonFault = undefined;
      if (f) referee.count(f);
      return f;
    },
    rand,
    http: o.http,
  };
  const spawn = (r: Replica): AutoscalerProcess => {
    const leadership: Leadership = { isLeader: () => leader === r, term: () => r.term };
    const proc = startProcess(ctx, { now: () => world.clock.now() + r.skewMs, sleep: async () => undefined }, leadership);
    r.proc = proc;
    return proc;
  };
  const restart = async (r: Replica): Promise<void> => {
    const old = r.proc;
    spawn(r);
    await old?.close();
  };
  spawn(replicas[0]);
  if (net) {
    const handle = createHandle({
      store: status,
      dryRun: () => {
        const plan = leader.proc?.controller.planFromLastSnapshot();
        return plan ? Promise.resolve(plan) : Promise.reject(new Error('no cycle has observed the cluster yet'));
      },
    });
    const http = new HttpServer({ handle, metrics, host: '127.0.0.1', port: 0, token: new Secret(o.secrets.serverToken), secrets: collectSecrets(config), logger });
    server = { http, url: (await http.listen()).url };
  }

  let run = 0;
  let quiet = 0;
  let pause: { proc: AutoscalerProcess; until: number } | undefined;
  let settled = 0;
  try {
    for (;;) {
      const chaos = run < o.cycles;
      if (!chaos && (settled >= 3 || quiet >= o.quietLimit)) break;
      referee.cycle++;
      run++;
      const faults = chaos ? chooseFaults(rand, world, { http: o.http }) : undefined;
      if (faults) await applyFaults(faults, { world, referee, cloudFaults, masterFaults, net, replicas, leader, restart });
      marathonFault = faults?.marathon;
      gate.arm(faults?.trap);
      if (!chaos) gate.disarm();
      const proc = leader.proc ?? spawn(leader);
      if (faults?.pause !== undefined && !pause && proc.controller.setPaused(GROUP, true)) {
        pause = { proc, until: run + faults.pause };
        referee.paused.set(proc.life, GROUP);
        referee.count('operator-pause');
      }
      const report = await cycleOf(proc, referee);
      if (report === 'killed') await restart(leader.proc === proc ? leader : replicas.find((r) => r.proc === proc) ?? leader);
      else if (report) {
        status.record(report);
        metrics.recordCycle(report);
        o.trace?.(traceLine(referee, report));
        const text = JSON.stringify(report);
        if (findSecret(text, needles)) referee.flag('no-secret-in-output', describeLeak('cycle report (plan, actions, errors)', text, needles));
      }
      if (run % 5 === 0) {
        const view = JSON.stringify(status.view());
        if (findSecret(view, needles)) referee.flag('no-secret-in-output', describeLeak('/status', view, needles));
        if (server) await scanServer(server.url, needles, referee);
      }
      checkCycle(world, referee);
      if (pause && (run >= pause.until || !chaos)) {
        referee.paused.delete(pause.proc.life);
        pause.proc.controller.setPaused(GROUP, false);
        pause = undefined;
      }
      // A cloud fault waits for its call (a delete may come cycles later), a few at most.
      if (cloudFaults.length > 4) cloudFaults.splice(0, cloudFaults.length - 4);
      if (!chaos) cloudFaults.length = 0;
      world.clock.advance(CYCLE_MS);
      if (masterFaults && masterFaults.reregistering > 0) masterFaults.reregistering--;
      if (net) tickReregistering(net);
      if (!chaos) {
        quiet++;
        settled = openDrains(world).length === 0 ? settled + 1 : 0;
      }
    }
    const open = openDrains(world);
    if (open.length) referee.flag('no-drain-forgotten', `after ${quiet} quiet cycles, drains of ours still open on ${open.map((a) => formatMachine(a)).join(', ')}`);
    const view = JSON.stringify(status.view());
    if (findSecret(view, needles)) referee.flag('no-secret-in-output', describeLeak('/status', view, needles));
  } finally {
    await server?.http.close();
    for (const r of replicas) await r.proc?.close();
    if (net) await stopNetwork(net);
  }
  return run;
}

/** Runs the leader's cycle; 'killed' when the process died in it, undefined when it threw (a break). */
async function cycleOf(proc: AutoscalerProcess, referee: Referee): Promise<CycleReport | 'killed' | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<'stalled'>((r) => {
    timer = setTimeout(() => r('stalled'), STALL_MS);
  });
  try {
    const out = await Promise.race([proc.controller.cycle(), proc.life.died, stalled]);
    if (out === 'stalled') {
      referee.flag('process-alive', `a cycle made no progress for ${STALL_MS / 1000} s`);
      proc.life.kill();
      return 'killed';
    }
    return out;
  } catch (e) {
    referee.flag('process-alive', `the cycle threw: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
