/**
 * Cold planning at growing cluster sizes, fetch included: the real Mesos client reads GET_STATE
 * over HTTP from a local server, in protobuf as it does by default (`mesos.encoding: auto`), and
 * the pure step plans it, measured side by side (alternating) with a bare fetch + JSON.parse of
 * the JSON of the same state. Two cases, each checked to reach its path:
 *   scale-up   (agents 90% busy: the threshold policy adds nodes)
 *   scale-down (agents 17.5% busy: candidates are searched and their tasks re-placed in simulation)
 * The server is a child process (its bodies are built element by element, never one string, and
 * its memory is not the reader's); each size is measured in a process of its own, so the peak RSS
 * printed is the reader's. A JSON body past V8's string limit (~512 MiB, 50,000 agents) cannot be
 * JSON.parse'd: that baseline is then reported as such.
 * Prints median times, the ratio, peak RSS, and the growth exponent between the two largest sizes.
 *
 *   npx tsx bench/plan-scale.ts [sizes, e.g. 1000,10000,50000] [tasks per agent, default 10]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../src/config/load.js';
import { MesosClient } from '../src/mesos/client.js';
import type { ClusterSnapshot } from '../src/model/snapshot.js';
import { EMPTY_STATE } from '../src/planner/state.js';
import { step } from '../src/planner/step.js';
import { SimCluster } from '../src/sim/cluster/cluster.js';
import { VirtualClock } from '../src/sim/cluster/virtual-clock.js';
import { getStateBody } from '../src/sim/emulator/mesos-v1-json.js';
import { encodeJson, lengthDelimited, protoType } from '../src/sim/emulator/proto/codec.js';
import { createLogger } from '../src/util/logger.js';

const CHILD = process.argv[2] === '--one' || process.argv[2] === '--serve';
const SIZES = (CHILD ? '' : (process.argv[2] ?? '1000,10000,50000')).split(',').map(Number);
const PER_AGENT = Number((CHILD ? process.argv[5] : process.argv[3]) ?? 10);
/** V8's longest string (0x1fffffe8 characters): a JSON body longer than this cannot be JSON.parse'd. */
const MAX_STRING = 0x1fffffe8;
const RUNS = 5;
type Json = Record<string, unknown>;

/** One agent and one task as the emulated master renders them: templates cloned per agent and task. */
function templates(): { agent: Json; task: Json; frameworks: unknown } {
  const clock = new VirtualClock();
  const c = new SimCluster({ clock, seed: 1 });
  c.addAgent({ hostname: 'agent-0.cluster', ip: '10.0.0.1', resources: { cpus: 8, mem: 32768, disk: 100_000 }, attributes: { workload: 'stateless' } });
  const r = c.createApp({ id: '/svc/app', instances: 1, cpus: 0.5, mem: 256 });
  if (!r.ok) throw r.error;
  clock.advance(60_000);
  const s = getStateBody(c) as unknown as { get_agents: { agents: Json[] }; get_tasks: { tasks: Json[] }; get_frameworks: unknown };
  const agent = s.get_agents.agents[0];
  const task = s.get_tasks.tasks[0];
  if (!agent || !task) throw new Error('no template agent or task');
  return { agent, task, frameworks: s.get_frameworks };
}

const scalar = (name: string, value: number): Json => ({ name, type: 'SCALAR', scalar: { value }, role: '*' });


/**
 * GET_STATE for `n` agents, each running PER_AGENT tasks of `cpusEach`, as JSON and as protobuf,
 * both built one element at a time (master.proto `Response { type = 1; get_state = 9 }`,
 * `GetState { get_tasks = 1; get_executors = 2; get_frameworks = 3; get_agents = 4 }`).
 */
function stateBodies(n: number, cpusEach: number): { json: Buffer; protobuf: Buffer } {
  const t = templates();
  const AGENT = protoType('mesos.v1.master.Response.GetAgents.Agent');
  const TASK = protoType('mesos.v1.Task');
  const FRAMEWORKS = protoType('mesos.v1.master.Response.GetFrameworks');
  const json: Buffer[] = [Buffer.from('{"type":"GET_STATE","get_state":{"get_agents":{"agents":[')];
  const pbAgents: Buffer[] = [];
  const pbTasks: Buffer[] = [];
  const tasksJson: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const id = `S${i}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const info = { ...(t.agent['agent_info'] as Json), id: { value: id }, hostname: `agent-${i}.cluster` };
    const agent = { ...t.agent, agent_info: info, pid: `slave(1)@${ip}:5051`, allocated_resources: [scalar('cpus', cpusEach * PER_AGENT), scalar('mem', 256 * PER_AGENT)] };
    json.push(Buffer.from(`${i ? ',' : ''}${JSON.stringify(agent)}`));
    pbAgents.push(lengthDelimited(1, encodeJson(AGENT, agent)));
    for (let k = 0; k < PER_AGENT; k++) {
      const task = { ...t.task, task_id: { value: `svc_app.${i}-${k}` }, agent_id: { value: id }, resources: [scalar('cpus', cpusEach), scalar('mem', 256)] };
      tasksJson.push(Buffer.from(`${i || k ? ',' : ''}${JSON.stringify(task)}`));
      pbTasks.push(lengthDelimited(2, encodeJson(TASK, task)));
    }
  }
  // Joined piecewise: a spread of 500,000 pieces would overflow the call stack.
  json.push(Buffer.from('],"recovered_agents":[]},"get_tasks":{"tasks":['), Buffer.concat(tasksJson), Buffer.from(`]},"get_frameworks":${JSON.stringify(t.frameworks)},"get_executors":{}}}`));
  const getState = Buffer.concat([lengthDelimited(1, Buffer.concat(pbTasks)), lengthDelimited(2, new Uint8Array()), lengthDelimited(3, encodeJson(FRAMEWORKS, t.frameworks)), lengthDelimited(4, Buffer.concat(pbAgents))]);
  return { json: Buffer.concat(json), protobuf: Buffer.concat([Buffer.from([0x08, 8]), lengthDelimited(9, getState)]) };
}

/**
 * The loopback master (child process): protobuf to an Accept that allows protobuf but not JSON,
 * JSON otherwise (src/master/http.cpp `Master::Http::api`). Prints its URL and body sizes.
 */
async function serve(kind: 'scale-up' | 'scale-down', n: number): Promise<void> {
  const bodies = stateBodies(n, kind === 'scale-up' ? 0.72 : 0.14);
  // The build's garbage collected now, not while the reader is measured (the child runs with --expose-gc).
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/master/redirect') return res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
    const protobuf = req.headers.accept === 'application/x-protobuf';
    const body = protobuf ? bodies.protobuf : bodies.json;
    // Answer once the request is read, as a master does.
    // `connection: close`: a pooled connection idle past the server's keep-alive would reset.
    req.on('end', () => res.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json', 'content-length': body.length, connection: 'close' }).end(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, jsonBytes: bodies.json.length, protobufBytes: bodies.protobuf.length })}\n`);
  // Lives until the measuring process closes our stdin.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** Starts the loopback master child and waits for its URL. */
async function startMaster(kind: string, n: number): Promise<{ url: string; jsonBytes: number; protobufBytes: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', '--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--serve', kind, String(n), String(PER_AGENT)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const info = JSON.parse(out.split('\n')[0] ?? '') as { url: string; jsonBytes: number; protobufBytes: number };
  return { ...info, stop: () => child.stdin.end() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function measure(n: number, kind: 'scale-up' | 'scale-down'): Promise<{ base: number | undefined; full: number; fullCpu: number; fetchProto: number; planOnly: number; rssMb: number; size: number; protobufSize: number }> {
  const server = await startMaster(kind, n);
  const config = validateConfig({
    mesos: { masters: [server.url], maxResponseBytes: 2 ** 31 - 1 },
    maxTotalNodes: 100_000,
    drain: false,
    groups: [{ name: 'pool', selector: {}, min: 1, max: 100_000, scaleDownStep: 10, policies: ['threshold'], scaleDown: { unneededTime: 0, delayAfterAdd: 0, maxParallel: 10 }, provider: { kind: 'simulated' } }],
  });
  const client = new MesosClient(config.mesos, createLogger('silent'));
  const instances = Array.from({ length: n }, (_, i) => ({ id: String(i), hostname: `agent-${i}.cluster`, privateIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, state: 'running' as const }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const base: number[] = [];
  const full: number[] = [];
  /** The protobuf bytes alone over the same loopback, read as the client reads them (undici `request`): how much of a read is transfer. */
  const fetchProto: number[] = [];
  /** The pure step alone, on the state read. */
  const planOnly: number[] = [];
  /** Cpu of the reader's process over the read and the step (user + system, GC threads included): what the load does not inflate. */
  const fullCpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    if (server.jsonBytes <= MAX_STRING) {
      JSON.parse(await (await fetch(`${server.url}/api/v1`, { method: 'POST', body: '{"type":"GET_STATE"}' })).text());
      base.push(performance.now() - t0);
    }
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const state = await client.getState();
    if (!state.ok) throw new Error(`${kind} ${n}: ${state.error.message}`);
    const now = Date.now();
    const snapshot: ClusterSnapshot = {
      takenAt: now,
      agents: state.value.state.agents,
      pending: [],
      groups: { pool: { desired: n, instances } },
      sources: { mesos: { readAt: now, from: server.url } },
    };
    const t1 = performance.now();
    const { plan } = step(snapshot, config, EMPTY_STATE, now);
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    fullCpu.push((cpu.user + cpu.system) / 1000);
    full.push(t2 - t0);
    planOnly.push(t2 - t1);
    const g = plan.groups[0];
    // The label must be true: each case reaches its own path.
    if (kind === 'scale-up' && g?.direction !== 'up') throw new Error(`scale-up case planned ${g?.direction}: ${g?.reasons.join('; ')}`);
    if (kind === 'scale-down' && !(g?.direction === 'down' && g.removals.length > 0)) throw new Error(`scale-down case planned ${g?.direction}: ${g?.reasons.join('; ')}`);
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  // After the peak is taken: these bytes are the bench's, not the reader's.
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const res = await request(`${server.url}/api/v1`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-protobuf' }, body: '{"type":"GET_STATE"}' });
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    if (bytes !== server.protobufBytes) throw new Error(`read ${bytes} of ${server.protobufBytes} bytes`);
    fetchProto.push(performance.now() - t0);
  }
  await client.close();
  server.stop();
  return { base: base.length > 0 ? median(base) : undefined, full: median(full), fullCpu: median(fullCpu), fetchProto: median(fetchProto), planOnly: median(planOnly), rssMb: peak / 2 ** 20, size: server.jsonBytes, protobufSize: server.protobufBytes };
}

// Each size runs in a child process of its own, so its peak RSS is its own.
if (process.argv[2] === '--serve') {
  await serve(process.argv[3] === 'scale-down' ? 'scale-down' : 'scale-up', Number(process.argv[4]));
} else if (process.argv[2] === '--one') {
  const kind = process.argv[3] === 'scale-down' ? 'scale-down' : 'scale-up';
  process.stdout.write(JSON.stringify(await measure(Number(process.argv[4]), kind)));
} else {
  const { execFileSync } = await import('node:child_process');
  for (const kind of ['scale-up', 'scale-down'] as const) {
    const rows: { n: number; full: number }[] = [];
    for (const n of SIZES) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--one', kind, String(n), String(PER_AGENT)], { maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      const m = JSON.parse(out.toString()) as Awaited<ReturnType<typeof measure>>;
      rows.push({ n, full: m.full });
      const base = m.base === undefined ? 'n/a (JSON past V8 string limit)' : `${m.base.toFixed(0).padStart(6)} ms`;
      const ratio = m.base === undefined ? 'n/a' : `${(m.full / m.base).toFixed(2)}x`;
      console.log(
        `${kind.padEnd(10)} ${String(n).padStart(6)} agents ${String(n * PER_AGENT).padStart(7)} tasks JSON ${(m.size / 1e6).toFixed(0).padStart(4)} MB protobuf ${(m.protobufSize / 1e6).toFixed(0).padStart(4)} MB | fetch+JSON.parse ${base} | fetch+decode+plan (protobuf) ${m.full.toFixed(0).padStart(6)} ms, cpu ${m.fullCpu.toFixed(0)} ms (bytes alone ${m.fetchProto.toFixed(0)} ms, step alone ${m.planOnly.toFixed(0)} ms) | ratio ${ratio} | peak RSS ${m.rssMb.toFixed(0)} MB`,
      );
    }
    const [a, b] = rows.slice(-2);
    if (a && b) console.log(`${kind}: growth exponent ${(Math.log(b.full / a.full) / Math.log(b.n / a.n)).toFixed(2)} between ${a.n} and ${b.n} agents (1 = linear)`);
  }
}
