/**
 * Planning speed: one full plan (parse the master's state and Marathon's queue,
 * estimate, simulate scale-down) for 10,000 agents, 100,000 tasks and 5,000
 * waiting instances (four in five with constraints), measured side by side with a bare JSON.parse of the same state.
 * The state is read both ways, alternating: its JSON (JSON.parse + validation) and its protobuf
 * (`application/x-protobuf`, encoded by the emulated master's codec, decoded by src/mesos/proto/).
 *
 *   npx tsx bench/plan.ts [agents] [tasks] [waiting]
 */
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../src/config/load.js';
import { parseGetState } from '../src/mesos/parse-v1.js';
import { decodeGetStateResponse } from '../src/mesos/proto/get-state.js';
import { encodeJson, RESPONSE } from '../src/sim/emulator/proto/codec.js';
import { parseQueue } from '../src/marathon/queue.js';
import { plan } from '../src/planner/planner.js';
import { EMPTY_STATE } from '../src/planner/state.js';
import { SimCluster } from '../src/sim/cluster/cluster.js';
import { VirtualClock } from '../src/sim/cluster/virtual-clock.js';
import { getStateBody } from '../src/sim/emulator/mesos-v1-json.js';
import { queueJson } from '../src/sim/emulator/marathon-json.js';
import type { ClusterSnapshot } from '../src/model/snapshot.js';
import type { Constraint } from '../src/model/pending.js';

const AGENTS = Number(process.argv[2] ?? 10_000);
const TASKS = Number(process.argv[3] ?? 100_000);
const WAITING = Number(process.argv[4] ?? 5_000);
const RUNS = 7;

function build(): { stateText: string; stateProto: Uint8Array; queueText: string; instances: { id: string; hostname: string; privateIp: string }[] } {
  const clock = new VirtualClock();
  const cluster = new SimCluster({ clock, seed: 1 });
  const instances: { id: string; hostname: string; privateIp: string }[] = [];
  // Services filling ~7 of 8 cpus per agent. The simulator's first fit resumes where its last
  // placement left off and skips agents without room (sim/cluster/offer-index.ts), so all agents
  // can be filled at once in linear time. (Agents are never flipped by hand: the cluster keeps an
  // offer index that only its own operations update.)
  const apps = 1000;
  for (let i = 0; i < AGENTS; i++) {
    const hostname = `agent-${i}.cluster`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    cluster.addAgent({ hostname, ip, resources: { cpus: 8, mem: 32768, disk: 100_000 }, attributes: { workload: 'stateless', zone: `z${i % 3}` } });
    instances.push({ id: String(i), hostname, privateIp: ip });
  }
  for (let a = 0; a < apps; a++) {
    const r = cluster.createApp({ id: `/svc/app-${a}`, instances: Math.round(TASKS / apps), cpus: 0.7, mem: 1024 });
    if (!r.ok) throw r.error;
  }
  clock.advance(60_000);
  // Work that needs 7.5 cpus: no agent with a service task has that left, so it waits for new nodes.
  // Every wave but one in five has constraints, one kind each, evaluated per placement.
  const kinds: Constraint[][] = [
    [{ field: 'hostname', operator: 'UNIQUE' }],
    [{ field: 'zone', operator: 'GROUP_BY' }],
    [{ field: '@hostname', operator: 'MAX_PER', value: '1' }],
    [{ field: 'workload', operator: 'LIKE', value: 'stat.*' }],
    [],
  ];
  for (let a = 0; a < 50; a++) {
    const r = cluster.createApp({ id: `/batch/wave-${a}`, instances: Math.round(WAITING / 50), cpus: 7.5, mem: 2048, constraints: kinds[a % kinds.length] ?? [] });
    if (!r.ok) throw r.error;
  }
  clock.advance(60_000);
  // Some agents had room after all: top the queue up so exactly WAITING instances wait.
  const waiting = cluster.queue().reduce((n, app) => n + cluster.waitingCount(app), 0);
  if (waiting < WAITING) {
    const r = cluster.createApp({ id: '/batch/top-up', instances: WAITING - waiting, cpus: 7.5, mem: 2048 });
    if (!r.ok) throw r.error;
    clock.advance(60_000);
  }
  const state = { type: 'GET_STATE', get_state: getStateBody(cluster) };
  return { stateText: JSON.stringify(state), stateProto: encodeJson(RESPONSE, state), queueText: JSON.stringify(queueJson(cluster)), instances };
}

const config = validateConfig({
  mesos: { masters: ['http://m:5050'] },
  maxTotalNodes: 100_000,
  groups: [{
    name: 'stateless', selector: { workload: 'stateless' }, min: 1, max: 20_000, maxStep: 5_000,
    policies: ['threshold', 'pending'], scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 10 },
    provider: { kind: 'simulated' },
  }],
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const built = build();
const now = Date.UTC(2026, 0, 1);
const tParse: number[] = [];
const tFull: number[] = [];
const tFullProto: number[] = [];
/** The planner alone (placement, estimate, scale-down simulation) on the parsed snapshot. */
const tPlan: number[] = [];
let lastPlan: ReturnType<typeof plan> | undefined;
let counts = { agents: 0, tasks: 0, waiting: 0 };
for (let run = 0; run < RUNS; run++) {
  // Side by side, alternating, so both see the same machine state.
  let t0 = performance.now();
  JSON.parse(built.stateText);
  JSON.parse(built.queueText);
  tParse.push(performance.now() - t0);

  t0 = performance.now();
  const state = parseGetState(JSON.parse(built.stateText));
  const queue = parseQueue(JSON.parse(built.queueText));
  if (!state.ok) throw new Error(`state: ${state.error.message}`);
  if (!queue.ok) throw new Error(`queue: ${queue.error.message}`);
  const agents = state.value.agents;
  const snapshot: ClusterSnapshot = {
    takenAt: now,
    agents,
    pending: queue.value,
    groups: { stateless: { desired: agents.length, instances: built.instances.map((i) => ({ ...i, state: 'running' as const })) } },
    sources: { mesos: { readAt: now, from: 'bench' } },
  };
  const t1 = performance.now();
  lastPlan = plan(snapshot, config, EMPTY_STATE, now);
  const t2 = performance.now();
  tFull.push(t2 - t0);
  tPlan.push(t2 - t1);
  counts = { agents: agents.length, tasks: agents.reduce((n, a) => n + a.tasks.length, 0), waiting: queue.value.reduce((n, p) => n + p.count, 0) };

  // The same plan with the state read from its protobuf.
  t0 = performance.now();
  const pState = decodeGetStateResponse(built.stateProto);
  const pQueue = parseQueue(JSON.parse(built.queueText));
  if (!pState.ok) throw new Error(`protobuf state: ${pState.error.message}`);
  if (!pQueue.ok) throw new Error(`queue: ${pQueue.error.message}`);
  const pPlan = plan({ ...snapshot, agents: pState.value.agents, pending: pQueue.value }, config, EMPTY_STATE, now);
  tFullProto.push(performance.now() - t0);
  const pg = pPlan.groups[0];
  if (pg?.target !== lastPlan.groups[0]?.target || pState.value.agents.length !== agents.length) throw new Error('the protobuf state planned differently');
}

const parse = median(tParse);
const full = median(tFull);
const fullProto = median(tFullProto);
const g = lastPlan?.groups[0];
console.log(`state ${(built.stateText.length / 1e6).toFixed(1)} MB, queue ${(built.queueText.length / 1e3).toFixed(0)} kB; agents ${counts.agents}, tasks ${counts.tasks}, waiting instances ${counts.waiting}`);
console.log(`plan: ${g?.group} ${g?.direction} ${g?.current} -> ${g?.target}; ${g?.reasons[0]?.slice(0, 160)}`);
console.log(`planner alone (placement, estimate, scale-down simulation): median ${median(tPlan).toFixed(0)} ms; unplaceable: ${lastPlan?.unplaceable?.map((u) => `${u.instances} of ${u.app}`).join(', ') || 'none'}`);
console.log(`median of ${RUNS} runs: JSON.parse ${parse.toFixed(0)} ms | full plan (parse + validate + estimate + scale-down simulation) ${full.toFixed(0)} ms | ratio ${(full / parse).toFixed(2)}x (target <= 3x, < 1000 ms)`);
console.log(`protobuf state ${(built.stateProto.length / 1e6).toFixed(1)} MB | full plan via protobuf (decode + validate + estimate + scale-down simulation) ${fullProto.toFixed(0)} ms | ratio to JSON.parse ${(fullProto / parse).toFixed(2)}x (target <= 3x, < 1000 ms)`);
