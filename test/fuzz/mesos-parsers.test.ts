import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseEvent } from '../../src/mesos/events.js';
import { parseMaintenanceSchedule, parseMaintenanceStatus } from '../../src/mesos/maintenance.js';
import { parseMasterState, parseSlaves } from '../../src/mesos/parse-v0.js';
import { parseGetAgents, parseGetState, parseGetTasks } from '../../src/mesos/parse-v1.js';
import { readEventRecords } from '../../src/mesos/state/event-records.js';
import { readStateJson } from '../../src/mesos/state/read-state.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { slavesJson } from '../../src/sim/emulator/mesos-v0-json.js';
import { getAgentsBody, getStateBody, getTasksBody } from '../../src/sim/emulator/mesos-v1-json.js';
import { expectResult, jsonLike, RUNS, textLike } from './arbitraries.js';

/** Every Mesos parser, fed damaged real documents and random JSON: a Result every time, never a throw. */
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real-captures/${name}`, import.meta.url), 'utf8');

function emulated(): { state: unknown; agents: unknown; tasks: unknown; slaves: unknown } {
  const cluster = new SimCluster({ clock: new VirtualClock(Date.UTC(2026, 0, 1)), seed: 5, mesosVersion: '1.9.0' });
  cluster.addAgent({ hostname: 'a1', ip: '10.0.0.1', resources: { cpus: 4, mem: 4096, disk: 1000 }, attributes: { rack: 'r1', n: 2 }, volumes: [{ id: 'v', role: 'db', diskMb: 10 }], reservations: { db: { cpus: 1, mem: 128 } } });
  cluster.addAgent({ hostname: 'a2', ip: '10.0.0.2', resources: { cpus: 4, mem: 4096 } });
  cluster.createApp({ id: '/web', instances: 3, cpus: 1, mem: 256, ports: 1, labels: { l: 'v' } });
  cluster.clock.advance(10_000);
  const drained = [...cluster.agents()][1];
  if (drained) cluster.drainAgent(drained.id, { maxGracePeriodNs: 5_000_000_317n, markGone: false });
  cluster.clock.advance(10_000);
  const raw = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)));
  return {
    state: raw({ type: 'GET_STATE', get_state: getStateBody(cluster) }),
    agents: raw({ type: 'GET_AGENTS', get_agents: getAgentsBody(cluster) }),
    tasks: raw({ type: 'GET_TASKS', get_tasks: getTasksBody(cluster) }),
    slaves: raw(slavesJson(cluster)),
  };
}

describe('Mesos parsers under fuzzing', () => {
  const e = emulated();
  const v0state = JSON.parse(fixture('mesos-v0-master-state-1.5.0-dcosgo.json')) as unknown;
  const events = fixture('mesos-v1-subscribe-stream-recovered-agents.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  const status = JSON.parse(fixture('mesos-v1-get-maintenance-status-docs-example.json')) as unknown;
  const schedule = fixture('mesos-v1-get-maintenance-schedule-docs-example.json');

  it('v1 GET_STATE, GET_AGENTS and GET_TASKS answer a Result for any damage', () => {
    fc.assert(fc.property(jsonLike(e.state), (j) => expectResult(parseGetState(j))), RUNS);
    fc.assert(fc.property(jsonLike(e.agents), (j) => expectResult(parseGetAgents(j))), RUNS);
    fc.assert(fc.property(jsonLike(e.tasks), (j) => expectResult(parseGetTasks(j))), RUNS);
  });

  it('classic /master/state and /master/slaves answer a Result for any damage', () => {
    fc.assert(fc.property(jsonLike(v0state), (j) => expectResult(parseMasterState(j))), RUNS);
    fc.assert(fc.property(jsonLike(e.slaves), (j) => expectResult(parseSlaves(j))), RUNS);
  });

  it('SUBSCRIBE events answer a Result for any damage', () => {
    for (const ev of events.slice(0, 4)) fc.assert(fc.property(jsonLike(ev), (j) => expectResult(parseEvent(j))), { ...RUNS, numRuns: 100 });
  });

  it('maintenance schedule (text) and status answer a Result for any damage', () => {
    fc.assert(fc.property(textLike(schedule), (t) => expectResult(parseMaintenanceSchedule(t))), RUNS);
    fc.assert(fc.property(jsonLike(JSON.parse(schedule) as unknown), (j) => expectResult(parseMaintenanceSchedule(JSON.stringify(j) ?? ''))), RUNS);
    fc.assert(fc.property(jsonLike(status), (j) => expectResult(parseMaintenanceStatus(j))), RUNS);
  });

  /** Splits bytes where the fuzzer says, as a network would. */
  const chunked = fc.array(fc.nat({ max: 96 }), { maxLength: 8 });
  function split(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const c of cuts) {
      chunks.push(bytes.subarray(at, Math.min(bytes.length, at + c)));
      at = Math.min(bytes.length, at + c);
    }
    chunks.push(bytes.subarray(at));
    return (async function* () {
      yield* chunks;
    })();
  }

  it('the SUBSCRIBE stream reader yields Results whatever the bytes and however they are split', async () => {
    const good = events.map((ev) => { const t = JSON.stringify(ev); return `${Buffer.byteLength(t)}\n${t}`; }).join('');
    const bytes = fc.oneof(textLike(good).map((t) => new Uint8Array(Buffer.from(t))), fc.uint8Array({ maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(bytes, chunked, fc.boolean(), async (b, cuts, streamFirst) => {
        // A small streamAboveBytes sends the first record through the streaming SUBSCRIBED parser too.
        for await (const r of readEventRecords(split(b, cuts), { maxRecordBytes: 1 << 20, ...(streamFirst ? { streamAboveBytes: 64 } : {}) })) expectResult(r);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('the streaming GET_STATE reader answers a Result whatever the bytes and however they are split', async () => {
    const text = JSON.stringify(e.state);
    const bytes = fc.oneof(textLike(text).map((t) => new Uint8Array(Buffer.from(t))), jsonLike(e.state).map((j) => new Uint8Array(Buffer.from(JSON.stringify(j) ?? ''))), fc.uint8Array({ maxLength: 300 }));
    await fc.assert(fc.asyncProperty(bytes, chunked, async (b, cuts) => expectResult(await readStateJson(split(b, cuts)))), { ...RUNS, numRuns: 200 });
  });
});
