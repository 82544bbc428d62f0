/**
 * Warm cycles at scale (issue 13): the event-fed Mesos model for N agents x 10 tasks, then >= 500
 * cycles of what the service does between two plans when it runs from the SUBSCRIBE stream:
 *   1. a batch of events as the master sends them (JSON text -> parseEvent -> StreamedState):
 *      TASK_ADDED + TASK_UPDATED (RUNNING) for new tasks, TASK_UPDATED (FINISHED) for the previous
 *      cycle's, one AGENT_ADDED and one AGENT_REMOVED (an agent joining and the last one leaving);
 *   2. the snapshot the controller plans from (LiveObserver.observe over the model, the cloud group
 *      and Marathon's queue with app constraints, all in memory; the cloud's listing is made of new
 *      objects each cycle, as a parsed cloud reply is, before the timed part);
 *   3. the pure `step` the controller runs on it (src/controller/controller.ts `runCycle`), with
 *      threshold + pending policies, its state carried from cycle to cycle.
 * The cycles' clock moves 60 s a cycle (the service's timer), so agents become unneeded after
 * scaleDown.unneededTime (300 s) as in the service; agent ids are as long as a real master's.
 * Two cases, each checked every cycle after the warm-up to reach its path (the bench fails otherwise):
 *   scale-up   agents 90% busy and 40 waiting instances that fit no agent: the group grows;
 *   scale-down agents 17.5% busy, nothing waiting: removal candidates searched, their tasks re-placed
 *              in simulation, removals chosen.
 * Cycles run back to back by default; `gapMs` idles that long between them, as the service does
 * (its cycles are at least the 200 ms trigger debounce apart, the timer's 60 s when nothing happens),
 * which lets V8 run its garbage collector's posted tasks between cycles rather than during them.
 * The first `warmup` cycles (default 20) are run and checked like the others but reported apart
 * (their max): they fill the planner's memos from the SUBSCRIBED state (the first cycle reads every
 * agent, as a cold plan does: bench/plan-scale.ts measures that) and pay V8's compilation. The
 * percentiles are of the cycles after them, major garbage collections included.
 * Each size and case runs in its own process, so its peak RSS (after the set-up, which dominates)
 * is its own. The model is built through its own API (StateBuilder -> SUBSCRIBED), not read from a
 * master: the cold read is bench/state-stream.ts's subject, the warm cycle this one's.
 *
 *   npx tsx bench/warm.ts [sizes=50000] [cycles=500] [newTasksPerCycle=25] [warmup=20] [gapMs=0]
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { LiveObserver } from '../src/controller/live-observer.js';
import { parseEvent, type MesosEvent } from '../src/mesos/events.js';
import { StateBuilder } from '../src/mesos/state/build-state.js';
import { StreamedState } from '../src/mesos/state/streamed-source.js';
import type { Instance } from '../src/model/node-group.js';
import type { Constraint, PendingLaunch } from '../src/model/pending.js';
import { EMPTY_STATE } from '../src/planner/state.js';
import type { ControllerState } from '../src/planner/state.js';
import { step } from '../src/planner/step.js';
import type { NodeGroupProvider } from '../src/providers/provider.js';
import { SimCluster } from '../src/sim/cluster/cluster.js';
import { VirtualClock } from '../src/sim/cluster/virtual-clock.js';
import { getStateBody } from '../src/sim/emulator/mesos-v1-json.js';
import { nearestRank } from '../src/sim/metrics/percentile.js';
import { createLogger } from '../src/util/logger.js';
import { ok } from '../src/util/result.js';

type Json = Record<string, unknown>;
type Kind = 'scale-up' | 'scale-down';
const PER_AGENT = 10;
const APPS = 100;
const CPUS = 8;

/** One agent, one task and the frameworks as the emulated master renders them (src/sim/emulator/mesos-v1-json.ts). */
function templates(): { agent: Json; task: Json; frameworks: Json[] } {
  const clock = new VirtualClock();
  const c = new SimCluster({ clock, seed: 1 });
  c.addAgent({ hostname: 'agent-0.cluster', ip: '10.0.0.1', resources: { cpus: CPUS, mem: 32768, disk: 100_000 }, attributes: { workload: 'stateless', zone: 'z1' } });
  const r = c.createApp({ id: '/svc/app', instances: 1, cpus: 0.5, mem: 256 });
  if (!r.ok) throw r.error;
  clock.advance(60_000);
  const s = getStateBody(c) as unknown as { get_agents: { agents: Json[] }; get_tasks: { tasks: Json[] }; get_frameworks: { frameworks: Json[] } };
  const agent = s.get_agents.agents[0];
  const task = s.get_tasks.tasks[0];
  if (!agent || !task) throw new Error('no template agent or task');
  return { agent, task, frameworks: s.get_frameworks.frameworks };
}

const scalar = (name: string, value: number): Json => ({ name, type: 'SCALAR', scalar: { value }, role: '*' });
const ipOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const hostOf = (i: number): string => `agent-${i}.cluster`;
/** Agent ids as a master makes them: its own id, then S and a serial (ids longer than 16 characters, as real ones are). */
const agentIdOf = (i: number): string => `9a3c5e1d-7b2f-4c8a-b6e4-0d1f2a3b4c5d-S${i}`;
const uuid = (n: number): string => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
/** Marathon task ids name their app (`svc_app7.<uuid>` is /svc/app7: src/mesos/tasks.ts). */
const appOf = (k: number): string => `/svc/app${k % APPS}`;
/** A tenth of the apps place with hostname UNIQUE, so re-placement evaluates constraints too. */
const constrained = (k: number): boolean => k % APPS % 10 === 0;

function run(n: number, kind: Kind, cycles: number, newPerCycle: number, warmup: number, gapMs: number): Promise<Json> {
  const t = templates();
  const frameworkId = ((t.frameworks[0]?.['framework_info'] as Json)['id'] as { value: string }).value;
  const cpusEach = kind === 'scale-up' ? 0.72 : 0.14;
  const agentJson = (i: number, busy: boolean): Json => ({
    ...t.agent,
    agent_info: { ...(t.agent['agent_info'] as Json), id: { value: agentIdOf(i) }, hostname: hostOf(i) },
    pid: `slave(1)@${ipOf(i)}:5051`,
    allocated_resources: busy ? [scalar('cpus', cpusEach * PER_AGENT), scalar('mem', 256 * PER_AGENT)] : [],
  });
  const taskJson = (i: number, id: string, cpus: number, state: string): Json => ({
    ...t.task,
    task_id: { value: id },
    agent_id: { value: agentIdOf(i) },
    state,
    resources: [scalar('cpus', cpus), scalar('mem', 256)],
  });

  // Set-up: the SUBSCRIBED state through the model's own builder (what the streamed reader feeds it).
  const t0 = performance.now();
  /** The cycles' clock (a minute per cycle), read by Marathon's queue stamp too. */
  const clock = { now: Date.now() };
  const builder = new StateBuilder();
  t.frameworks.forEach((f, i) => builder.addFramework(f, i));
  for (let i = 0; i < n; i++) {
    builder.addAgent(agentJson(i, true), i);
    for (let j = 0; j < PER_AGENT; j++) {
      const k = i * PER_AGENT + j;
      builder.addTask(taskJson(i, `svc_app${k % APPS}.${uuid(k)}`, cpusEach, 'TASK_RUNNING'), 'tasks', k);
    }
  }
  const built = builder.finish();
  if (!built.ok) throw new Error(built.error.message);

  // The stream: SUBSCRIBED at once, then whatever the bench pushes.
  let deliver: ((e: MesosEvent) => void | Promise<void>) | undefined;
  const streamed = new StreamedState({
    client: {
      subscribe: async (onEvent, opts) => {
        deliver = onEvent;
        await onEvent({ type: 'SUBSCRIBED', state: built.value, heartbeatIntervalSeconds: 15 });
        await new Promise<void>((r) => opts.signal?.addEventListener('abort', () => r(), { once: true }));
        return ok('aborted' as const);
      },
    },
    poll: { getAgents: () => Promise.reject(new Error('the bench must plan from the model, not a full read')) },
    mode: 'auto',
    logger: createLogger('silent'),
  });

  // The cloud group: one instance per agent, following the agents that come and go. A cloud's
  // listing is parsed anew each read: new objects every cycle, made outside the timed part.
  const instances = new Map<number, Instance>();
  for (let i = 0; i < n; i++) instances.set(i, { id: `i-${i}`, hostname: hostOf(i), privateIp: ipOf(i), state: 'running' });
  let listing: Instance[] = [];
  const provider: NodeGroupProvider = {
    kind: 'simulated',
    describe: () => Promise.resolve({ desired: listing.length, instances: listing }),
    setDesiredSize: () => Promise.resolve(),
    deleteInstances: () => Promise.resolve(),
  };
  // Marathon's queue and app constraints (read each cycle by the observer).
  const appConstraints = new Map<string, readonly Constraint[]>();
  for (let k = 0; k < APPS; k++) if (constrained(k)) appConstraints.set(appOf(k), [{ field: 'hostname', operator: 'UNIQUE' }]);
  const waiting: PendingLaunch[] =
    kind === 'scale-up'
      ? [{ id: '/svc/big', source: 'marathon', count: 40, resources: { cpus: 2, mem: 1024, disk: 0, gpus: 0, ports: 0 }, constraints: [], role: '*', delayed: false, rejections: {} }]
      : [];
  const observer = new LiveObserver({
    agents: streamed,
    bindings: new Map([['pool', { provider, ref: { name: 'pool', target: {} } }]]),
    pending: { getQueue: () => Promise.resolve(ok({ pending: waiting, from: 'bench', readAt: clock.now, appConstraints })) },
    logger: createLogger('silent'),
  });
  const config: Config = validateConfig({
    mesos: { masters: ['http://127.0.0.1:5050'] },
    // The model's read stamp is the wall clock while the cycles' clock moves a minute a cycle: not judged stale.
    staleAfter: 86_400,
    maxTotalNodes: 200_000,
    drain: false,
    groups: [
      {
        name: 'pool',
        selector: { workload: 'stateless' },
        min: 1,
        max: 100_000,
        scaleDownStep: 10,
        policies: ['threshold', 'pending'],
        scaleDown: { unneededTime: 300, delayAfterAdd: 0, maxParallel: 10 },
        provider: { kind: 'simulated' },
      },
    ],
  });
  return measure();

  async function measure(): Promise<Json> {
    streamed.start();
    for (let i = 0; i < 1000 && !streamed.status().inSync; i++) await new Promise((r) => setTimeout(r, 5));
    if (!streamed.status().inSync || !deliver) throw new Error('the model never got its SUBSCRIBED');
    const push = deliver;
    const setupS = (performance.now() - t0) / 1000;
    const setupRss = process.resourceUsage().maxRSS * 1024;

    let state: ControllerState = EMPTY_STATE;
    let seq = 0;
    let previous: { i: number; id: string }[] = [];
    let lastJoined: number | undefined;
    let nextAgent = n;
    const times = { total: [] as number[], events: [] as number[], observe: [] as number[], step: [] as number[] };
    let events = 0;
    let warmupMax = 0;
    const t1 = Date.now();
    for (let c = 0; c < warmup + cycles; c++) {
      // The batch, as text the master sends (the service parses each record as it arrives).
      const texts: string[] = [];
      const started: { i: number; id: string }[] = [];
      for (let k = 0; k < newPerCycle; k++) {
        const i = (seq * 7919) % n;
        const id = `svc_app${seq % APPS}.${uuid(0x8000_0000 + seq)}`;
        seq++;
        started.push({ i, id });
        texts.push(JSON.stringify({ type: 'TASK_ADDED', task_added: { task: taskJson(i, id, 0.05, 'TASK_STAGING') } }));
        texts.push(JSON.stringify(updated(i, id, 'TASK_RUNNING')));
      }
      for (const p of previous) texts.push(JSON.stringify(updated(p.i, p.id, 'TASK_FINISHED')));
      const joined = nextAgent++;
      texts.push(JSON.stringify({ type: 'AGENT_ADDED', agent_added: { agent: agentJson(joined, false) } }));
      if (lastJoined !== undefined) texts.push(JSON.stringify({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agentIdOf(lastJoined) } } }));
      previous = started;

      const s = performance.now();
      for (const text of texts) {
        const e = parseEvent(JSON.parse(text));
        if (!e.ok) throw new Error(e.error.message);
        await push(e.value);
      }
      events += texts.length;
      // The cloud sees the same change (outside the timed part: in the service it is a separate read).
      const e1 = performance.now();
      instances.set(joined, { id: `i-${joined}`, hostname: hostOf(joined), privateIp: ipOf(joined), state: 'running' });
      if (lastJoined !== undefined) instances.delete(lastJoined);
      lastJoined = joined;
      listing = [...instances.values()].map((i) => ({ ...i }));
      const e2 = performance.now();
      // The service's 60 s timer: agents become unneeded after scaleDown.unneededTime as they would.
      const now = t1 + c * 60_000;
      clock.now = now;
      const observed = await observer.observe(now);
      if (!observed.ok) throw new Error(observed.error.message);
      const o = performance.now();
      const { plan, next } = step(observed.value, config, state, now);
      state = next;
      const done = performance.now();
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      if (c < warmup) warmupMax = Math.max(warmupMax, e1 - s + (done - e2));
      else {
        times.events.push(e1 - s);
        times.observe.push(o - e2);
        times.step.push(done - o);
        times.total.push(e1 - s + (done - e2));
      }

      const g = plan.groups[0];
      if (streamed.status().gaps > 0) throw new Error('the model found a gap in the bench events');
      if (observed.value.agents.length !== n + 1) throw new Error(`cycle ${c}: ${observed.value.agents.length} agents, expected ${n + 1}`);
      // The label must be true: each case reaches its own path, every cycle.
      if (c >= warmup && kind === 'scale-up' && !(g?.direction === 'up' && plan.moves?.some((m) => m.kind === 'set-size' && m.to > m.from))) {
        throw new Error(`scale-up case planned ${g?.direction}: ${g?.reasons.join('; ')}`);
      }
      if (c >= warmup && kind === 'scale-down' && !(g?.direction === 'down' && g.removals.length > 0)) throw new Error(`scale-down case planned ${g?.direction}: ${g?.reasons.join('; ')}`);
    }
    await streamed.stop();
    const q = (xs: number[]) => ({ p50: nearestRank(xs, 50), p95: nearestRank(xs, 95), p99: nearestRank(xs, 99), max: Math.max(...xs) });
    return {
      n,
      kind,
      cycles,
      events: Math.round(events / cycles),
      setupS,
      setupRssMb: setupRss / 2 ** 20,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      warmup,
      warmupMax,
      total: q(times.total),
      parts: { events: nearestRank(times.events, 50), observe: nearestRank(times.observe, 50), step: nearestRank(times.step, 50) },
    };
  }

  function updated(i: number, id: string, state: string): Json {
    return { type: 'TASK_UPDATED', task_updated: { framework_id: { value: frameworkId }, state, status: { task_id: { value: id }, agent_id: { value: agentIdOf(i) }, state, timestamp: Date.now() / 1000 } } };
  }
}

if (process.argv[2] === '--one') {
  const [, , , kind, n, cycles, perCycle, warmup, gap] = process.argv;
  process.stdout.write(JSON.stringify(await run(Number(n), kind === 'scale-down' ? 'scale-down' : 'scale-up', Number(cycles), Number(perCycle), Number(warmup ?? 20), Number(gap ?? 0))));
} else {
  const sizes = (process.argv[2] ?? '50000').split(',').map(Number);
  const cycles = Number(process.argv[3] ?? 500);
  const perCycle = Number(process.argv[4] ?? 25);
  const warmup = Number(process.argv[5] ?? 20);
  const gapMs = Number(process.argv[6] ?? 0);
  const f = (x: number): string => x.toFixed(1).padStart(7);
  console.log(`warm cycle = events parsed and applied + observe (snapshot) + step (plan), ${cycles} cycles per case after ${warmup} warm-up cycles, ${gapMs > 0 ? `${gapMs} ms idle between cycles` : 'back to back'}, ms`);
  console.log(`${'case'.padEnd(11)}${'agents'.padStart(7)}${'ev/cyc'.padStart(7)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'p99'.padStart(7)}${'max'.padStart(7)} | p50 of: events observe step | warm-up max | set-up, peak RSS`);
  for (const n of sizes) {
    for (const kind of ['scale-up', 'scale-down'] as const) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--one', kind, String(n), String(cycles), String(perCycle), String(warmup), String(gapMs)], { maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      const m = JSON.parse(out.toString()) as { events: number; setupS: number; setupRssMb: number; peakRssMb: number; warmupMax: number; total: Record<'p50' | 'p95' | 'p99' | 'max', number>; parts: Record<'events' | 'observe' | 'step', number> };
      console.log(
        `${kind.padEnd(11)}${String(n).padStart(7)}${String(m.events).padStart(7)}${f(m.total.p50)}${f(m.total.p95)}${f(m.total.p99)}${f(m.total.max)} | ${f(m.parts.events)}${f(m.parts.observe)}${f(m.parts.step)} | ${f(m.warmupMax)} | ${m.setupS.toFixed(1)} s, ${m.peakRssMb.toFixed(0)} MB (${m.setupRssMb.toFixed(0)} MB after set-up)`,
      );
    }
  }
}
