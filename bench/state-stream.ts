/**
 * Large states: the cold read of a big master through the streaming GET_STATE path, with peak RSS,
 * beside today's whole-body read (`JSON.parse` of one string, what the client did before), and the
 * warm cycle from the event-fed model (events applied, then the agents a cycle plans from).
 *
 *   npx tsx bench/state-stream.ts [agents=10000] [tasksPerAgent=10] [path] [cycles=200] [eventsPerCycle=100]
 *
 * Paths, GET_STATE in JSON: `stream` stream-parses the whole body; `client` is the client reading
 * JSON as configured by default (parsed whole up to `mesos.maxResponseBytes`, 256 MiB,
 * stream-parsed past it); `whole` is the path before (one string, JSON.parse, parseGetState).
 * GET_STATE in protobuf: `proto` (the client, `mesos.encoding: protobuf`). The event-fed model's
 * cold start, SUBSCRIBE's first event (SUBSCRIBED, the whole state) read by the client into the
 * model: `subscribe-json` and `subscribe-proto`. The protobuf paths' warm cycles decode their
 * events from protobuf bytes, the others parse JSON text.
 *
 * Run one size and path per process (peak RSS is the process's): e.g. `... 50000 10 stream` and
 * `... 50000 10 whole`. The master is a loopback HTTP server writing the state element by element
 * from templates cut out of the emulated master's own JSON (src/sim/emulator/mesos-v1-json.ts), so
 * even a 600 MB state is never one string on the server side either; its protobuf is the same
 * elements encoded one by one with the emulator's definitions (src/sim/emulator/proto/), built
 * before the master says it is ready, so its encoding is not in the reader's wall time.
 */
import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { mesosSchema } from '../src/config/schema.js';
import { MesosClient } from '../src/mesos/client.js';
import { parseEvent, type MesosEvent } from '../src/mesos/events.js';
import { parseGetState } from '../src/mesos/parse-v1.js';
import { decodeEvent } from '../src/mesos/proto/event.js';
import { StateModel } from '../src/mesos/state/model.js';
import { SimCluster } from '../src/sim/cluster/cluster.js';
import { VirtualClock } from '../src/sim/cluster/virtual-clock.js';
import { getStateBody } from '../src/sim/emulator/mesos-v1-json.js';
import { encodeJson, EVENT, lengthDelimited, protoType } from '../src/sim/emulator/proto/codec.js';
import { nearestRank } from '../src/sim/metrics/percentile.js';
import { createLogger } from '../src/util/logger.js';

const SERVE = process.argv[2] === 'serve';
const args = SERVE ? process.argv.slice(1) : process.argv;
const AGENTS = Number(args[2] ?? 10_000);
const PER_AGENT = Number(args[3] ?? 10);
const PATHS = ['stream', 'client', 'whole', 'proto', 'subscribe-json', 'subscribe-proto'] as const;
type Path = (typeof PATHS)[number];
const PATH = (args[4] ?? 'stream') as Path;
if (!PATHS.includes(PATH)) throw new Error(`path: one of ${PATHS.join(', ')}`);
const PROTOBUF = PATH === 'proto' || PATH === 'subscribe-proto';
const SUBSCRIBE = PATH === 'subscribe-json' || PATH === 'subscribe-proto';
/** SUBSCRIBED's heartbeat interval (Mesos' 15 s). */
const HEARTBEAT_S = 15;
const CYCLES = Number(args[5] ?? 200);
const EVENTS_PER_CYCLE = Number(args[6] ?? 100);

/** One agent with PER_AGENT tasks from the emulator, as JSON templates with placeholders for the ids. */
function templates(): { agent: string; task: string; framework: string } {
  const clock = new VirtualClock();
  const cluster = new SimCluster({ clock, seed: 1 });
  cluster.addAgent({ hostname: 'HOSTNAME', ip: '10.9.9.9', resources: { cpus: 16, mem: 65536, disk: 200_000 }, attributes: { workload: 'stateless', zone: 'z1' } });
  const r = cluster.createApp({ id: '/svc/app', instances: 1, cpus: 0.7, mem: 1024 });
  if (!r.ok) throw r.error;
  clock.advance(60_000);
  const body = getStateBody(cluster) as { get_tasks: { tasks: unknown[] }; get_agents: { agents: { agent_info: { id: { value: string } } }[] }; get_frameworks: { frameworks: unknown[] } };
  const agent = body.get_agents.agents[0];
  const task = body.get_tasks.tasks[0] as { task_id: { value: string }; agent_id: { value: string } };
  if (!agent || !task) throw new Error('no template');
  const agentId = agent.agent_info.id.value;
  const taskId = task.task_id.value;
  const sub = (text: string) => text.split(agentId).join('@AGENT@').split(taskId).join('@TASK@').split('HOSTNAME').join('@HOST@').split('10.9.9.9').join('@IP@');
  return { agent: sub(JSON.stringify(agent)), task: sub(JSON.stringify(task)), framework: JSON.stringify(body.get_frameworks.frameworks[0]) };
}

const T = templates();
const agentIdOf = (i: number) => `S${i}-bench-agent`;
const taskIdOf = (i: number, j: number) => `svc_app${i % 100}.${(i * 16 + j).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const agentJson = (i: number) => T.agent.split('@AGENT@').join(agentIdOf(i)).split('@HOST@').join(`agent-${i}.cluster`).split('@IP@').join(ipOf(i));
const taskJson = (i: number, j: number) => T.task.split('@AGENT@').join(agentIdOf(i)).split('@TASK@').join(taskIdOf(i, j)).split('@IP@').join(ipOf(i));

/** The GET_STATE document in pieces (or, `subscribed`, the SUBSCRIBED event's): never one string. */
function* pieces(subscribed = false): Generator<string> {
  yield `${subscribed ? '{"type":"SUBSCRIBED","subscribed":{"get_state":' : '{"type":"GET_STATE","get_state":'}{"get_tasks":{"tasks":[`;
  let first = true;
  const batch: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    for (let j = 0; j < PER_AGENT; j++) batch.push(taskJson(i, j));
    if (batch.length >= 1000 || i === AGENTS - 1) {
      yield (first ? '' : ',') + batch.join(',');
      first = false;
      batch.length = 0;
    }
  }
  yield `]},"get_executors":{},"get_frameworks":{"frameworks":[${T.framework}]},"get_agents":{"agents":[`;
  for (let i = 0; i < AGENTS; i += 500) {
    const part: string[] = [];
    for (let k = i; k < Math.min(AGENTS, i + 500); k++) part.push(agentJson(k));
    yield (i > 0 ? ',' : '') + part.join(',');
  }
  yield subscribed ? `]}},"heartbeat_interval_seconds":${HEARTBEAT_S}}}` : ']}}}';
}


/**
 * The state in protobuf, element by element from the same JSON (master.proto `Response.GetState
 * { get_tasks = 1; get_executors = 2; get_frameworks = 3; get_agents = 4 }`), and wrapped as a
 * GET_STATE `Response { type = 1; get_state = 9 }` or a SUBSCRIBED `Event { type = 1; subscribed = 2 }`,
 * `Subscribed { get_state = 1; heartbeat_interval_seconds = 2 }`.
 */
function protobufBody(subscribed: boolean): Buffer {
  const TASK = protoType('mesos.v1.Task');
  const AGENT = protoType('mesos.v1.master.Response.GetAgents.Agent');
  const FRAMEWORK = protoType('mesos.v1.master.Response.GetFrameworks.Framework');
  const tasks: Buffer[] = [];
  const agents: Buffer[] = [];
  for (let i = 0; i < AGENTS; i++) {
    for (let j = 0; j < PER_AGENT; j++) tasks.push(lengthDelimited(2, encodeJson(TASK, JSON.parse(taskJson(i, j)))));
    agents.push(lengthDelimited(1, encodeJson(AGENT, JSON.parse(agentJson(i)))));
  }
  const state = Buffer.concat([lengthDelimited(1, Buffer.concat(tasks)), lengthDelimited(2, new Uint8Array()), lengthDelimited(3, lengthDelimited(1, encodeJson(FRAMEWORK, JSON.parse(T.framework)))), lengthDelimited(4, Buffer.concat(agents))]);
  if (!subscribed) return Buffer.concat([Buffer.from([0x08, 8]), lengthDelimited(9, state)]);
  const heartbeat = Buffer.alloc(9);
  heartbeat[0] = (2 << 3) | 1;
  heartbeat.writeDoubleLE(HEARTBEAT_S, 1);
  return Buffer.concat([Buffer.from([0x08, 1]), lengthDelimited(2, Buffer.concat([lengthDelimited(1, state), heartbeat]))]);
}

const HEARTBEAT_JSON = '{"type":"HEARTBEAT"}';
const HEARTBEAT_PROTO = Buffer.from([0x08, 9]);

async function write(res: ServerResponse, body: Buffer | undefined): Promise<void> {
  const send = async (p: string | Buffer) => {
    if (!res.write(p)) await new Promise((r) => res.once('drain', r));
  };
  if (SUBSCRIBE) {
    res.writeHead(200, { 'content-type': PROTOBUF ? 'application/x-protobuf' : 'application/json' });
    // RecordIO: SUBSCRIBED, one HEARTBEAT, then the stream stays open (the reader leaves).
    if (body) {
      await send(`${body.length}\n`);
      await send(body);
      await send(`${HEARTBEAT_PROTO.length}\n`);
      await send(HEARTBEAT_PROTO);
    } else {
      let length = 0;
      for (const p of pieces(true)) length += Buffer.byteLength(p);
      await send(`${length}\n`);
      for (const p of pieces(true)) await send(p);
      await send(`${HEARTBEAT_JSON.length}\n${HEARTBEAT_JSON}`);
    }
    return;
  }
  res.writeHead(200, { 'content-type': body ? 'application/x-protobuf' : 'application/json', ...(body ? { 'content-length': body.length } : {}) });
  if (body) await send(body);
  else for (const p of pieces()) await send(p);
  res.end();
}

/** The master runs in a child process, so its work and memory are not counted as the reader's. */
async function startMaster(): Promise<{ url: string; served: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', ...process.execArgv, fileURLToPath(import.meta.url), 'serve', String(AGENTS), String(PER_AGENT), PATH], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`bench master exited ${code}`)));
  });
  const info = JSON.parse(line) as { port: number; served: number };
  return { url: `http://127.0.0.1:${info.port}`, served: info.served, stop: () => child.kill() };
}

if (SERVE) {
  const body = PROTOBUF ? protobufBody(SUBSCRIBE) : undefined;
  let served = body?.length ?? 0;
  if (!body) for (const p of pieces(SUBSCRIBE)) served += Buffer.byteLength(p);
  const server = createServer((req, res) => {
    if (req.url === '/master/redirect') {
      res.writeHead(404);
      return res.end();
    }
    req.resume();
    req.on('end', () => void write(res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, served })}\n`);
  await new Promise(() => undefined);
}

const master = await startMaster();
const url = master.url;
const served = master.served;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** Today's path: the whole body as one string, JSON.parse, parseGetState. */
async function readWhole(): Promise<{ agents: number; tasks: number } | string> {
  try {
    const res = await request(`${url}/api/v1`, { method: 'POST', body: '{"type":"GET_STATE"}', headers: { 'content-type': 'application/json' } });
    const text = await res.body.text();
    const parsed = parseGetState(JSON.parse(text));
    if (!parsed.ok) return parsed.error.message;
    return { agents: parsed.value.agents.length, tasks: parsed.value.agents.reduce((n, a) => n + a.tasks.length, 0) };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * `stream`: a 1-byte limit makes the client stream-parse every body. Protobuf is held whole, up to
 * `maxResponseBytes`: the default (256 MiB) unless the state is larger, then what it needs (printed).
 */
const DEFAULT_MAX = 256 * 1024 * 1024;
const maxResponseBytes = PATH === 'stream' ? 1 : PROTOBUF && served > DEFAULT_MAX ? 2 ** 31 - 1 : DEFAULT_MAX;
const encoding = PROTOBUF ? 'protobuf' : 'json';
const client = new MesosClient(mesosSchema.parse({ masters: [url], timeoutMs: 120_000, maxResponseBytes, encoding }), createLogger('silent'));

/** The client's SUBSCRIBE until its first event (SUBSCRIBED), which resets the model; then it leaves. */
async function subscribedState(): Promise<MesosEvent & { type: 'SUBSCRIBED' }> {
  const ac = new AbortController();
  let first: MesosEvent | undefined;
  const r = await client.subscribe(
    (e) => {
      first ??= e;
      ac.abort();
    },
    { signal: ac.signal },
  );
  if (!r.ok) throw new Error(r.error.message);
  const e = first as MesosEvent | undefined;
  if (e?.type !== 'SUBSCRIBED') throw new Error(`first event: ${e?.type ?? 'none'}`);
  return e;
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
let cold: string;
let model: StateModel | undefined;
if (PATH === 'whole') {
  const r = await readWhole();
  cold = typeof r === 'string' ? `FAILED: ${r.slice(0, 120)}` : `${r.agents} agents, ${r.tasks} tasks`;
} else {
  const state = SUBSCRIBE ? (await subscribedState()).state : await client.getState().then((r) => (r.ok ? r.value.state : Promise.reject(new Error(r.error.message))));
  model = new StateModel();
  model.reset(state);
  cold = `${state.agents.length} agents, ${state.agents.reduce((n, a) => n + a.tasks.length, 0)} tasks`;
}
const coldMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// CPU seconds of this process (the reader; the master is another process): on a shared machine the
// wall time mostly measures the other load, the CPU time what the read costs.
const cpuS = (cpu.user + cpu.system) / 1e6;
const WHAT: Record<Path, string> = {
  whole: 'whole body, JSON.parse, parseGetState',
  stream: 'streamed GET_STATE -> StateModel',
  client: 'client default: GET_STATE in JSON -> StateModel',
  proto: 'GET_STATE in protobuf -> StateModel',
  'subscribe-json': 'SUBSCRIBE in JSON, SUBSCRIBED -> StateModel',
  'subscribe-proto': 'SUBSCRIBE in protobuf, SUBSCRIBED -> StateModel',
};
console.log(
  `cold read (${WHAT[PATH]}) of ${AGENTS} agents x ${PER_AGENT} tasks: ${(coldMs / 1000).toFixed(2)} s wall, ${cpuS.toFixed(2)} s cpu, ${mb(served)} served (maxResponseBytes ${mb(maxResponseBytes)}), peak RSS ${mb(peakRss())}; ${cold}`,
);

if (model) {
  // Warm cycles: EVENTS_PER_CYCLE events as the master sends them (JSON text, parsed; protobuf
  // bytes, decoded, on the protobuf paths): half new tasks on agents spread over the cluster, half
  // those tasks finishing; then the agents a plan reads.
  const frameworkId = (JSON.parse(T.framework) as { framework_info: { id: { value: string } } }).framework_info.id.value;
  let seq = 0;
  const times: number[] = [];
  for (let c = 0; c < CYCLES; c++) {
    const texts: string[] = [];
    for (let k = 0; k < EVENTS_PER_CYCLE / 2; k++) {
      const i = (seq * 7919) % AGENTS;
      const id = `new_${seq++}.00000000-0000-4000-8000-000000000000`;
      texts.push(`{"type":"TASK_ADDED","task_added":{"task":${T.task.split('@AGENT@').join(agentIdOf(i)).split('@TASK@').join(id).split('@IP@').join(ipOf(i))}}}`);
      texts.push(`{"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"${frameworkId}"},"state":"TASK_FINISHED","status":{"task_id":{"value":"${id}"},"state":"TASK_FINISHED","agent_id":{"value":"${agentIdOf(i)}"},"timestamp":1}}}`);
    }
    const records = PROTOBUF ? texts.map((t) => encodeJson(EVENT, JSON.parse(t))) : [];
    const s = performance.now();
    for (const [k, text] of texts.entries()) {
      const bytes = records[k];
      const e = bytes ? decodeEvent(bytes) : parseEvent(JSON.parse(text));
      if (!e.ok) throw new Error(e.error.message);
      const gap = model.apply(e.value);
      if (gap) throw new Error(gap.reason);
    }
    const agents = model.agents();
    if (agents.length !== AGENTS) throw new Error('agents lost');
    times.push(performance.now() - s);
  }
  console.log(
    `warm cycle from the event-fed model (${EVENTS_PER_CYCLE} events ${PROTOBUF ? 'decoded from protobuf' : 'parsed from JSON'} and applied, then the agent list), ${CYCLES} cycles: p50 ${nearestRank(times, 50).toFixed(2)} ms, p99 ${nearestRank(times, 99).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms; peak RSS ${mb(peakRss())}`,
  );
  console.log(`side by side: a cycle that re-reads the master pays the cold read, ${(coldMs / 1000).toFixed(2)} s, every time (${(coldMs / nearestRank(times, 50)).toFixed(0)}x the warm p50)`);
}
await client.close();
master.stop();
