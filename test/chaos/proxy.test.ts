import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import { SimCluster } from '../../src/sim/cluster/cluster.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startMasterServer, type MasterServer } from '../../src/sim/emulator/master-server.js';
import { ChaosProxy } from '../../src/sim/chaos/proxy.js';
import { Referee } from '../../src/sim/chaos/referee.js';
import { createLogger } from '../../src/util/logger.js';

/** The chaos proxies are what the real Mesos client meets over HTTP: faults it must survive, failovers it must follow. */
let master: MasterServer | undefined;
const proxies: ChaosProxy[] = [];
const clients: MesosClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await master?.close();
});

async function setup(): Promise<{ client: MesosClient; p1: ChaosProxy; p2: ChaosProxy; referee: Referee }> {
  const cluster = new SimCluster({ clock: new VirtualClock(Date.UTC(2026, 0, 1)), seed: 2 });
  for (let i = 0; i < 10; i++) cluster.addAgent({ hostname: `a${i}`, ip: `10.0.0.${i + 1}`, resources: { cpus: 4, mem: 4096 } });
  master = await startMasterServer({ cluster, host: '127.0.0.1' });
  const referee = new Referee(1);
  const p1 = new ChaosProxy(master.url, referee);
  const p2 = new ChaosProxy(master.url, referee);
  proxies.push(p1, p2);
  await Promise.all([p1.start(), p2.start()]);
  p1.peer = p2;
  p2.peer = p1;
  p2.leading = false;
  const client = new MesosClient(mesosSchema.parse({ masters: [p1.url, p2.url], timeoutMs: 300 }), createLogger('silent'));
  clients.push(client);
  return { client, p1, p2, referee };
}

describe('chaos proxy in front of the emulated master', () => {
  it('passes a protobuf GET_STATE through byte for byte', async () => {
    // It once read every body as UTF-8 text and wrote it back: each GET_STATE in protobuf arrived
    // broken, and the HTTP chaos episodes ran on the agents-only fallback.
    const { client } = await setup();
    for (let i = 0; i < 3; i++) {
      const s = await client.getState();
      expect(s.ok ? s.value.state.agents.length : s.error.message).toBe(10);
    }
  });

  it('a failover mid-cycle is followed by the client to the new leader, which lists only re-registered agents', async () => {
    const { client, p1, p2, referee } = await setup();
    const before = await client.getAgents();
    expect(before.ok && before.value.agents.length).toBe(10);
    p1.arm({ kind: 'master-failover', from: 0, count: 1, variant: 3 });
    const after = await client.getAgents();
    expect(referee.faults['master-failover']).toBe(1);
    expect(p2.leading).toBe(true);
    expect(after.ok).toBe(true);
    if (after.ok) {
      expect(after.value.from).toBe(p2.url);
      expect(after.value.agents.length).toBeLessThan(10);
    }
  });

  it('a hang ends in the client timeout, a bad redirect and cut-off JSON in error values, and the next call works', async () => {
    const { client, p1, referee } = await setup();
    // The leader is known: the next request is the read itself.
    expect((await client.getAgents()).ok).toBe(true);
    for (const kind of ['master-hang', 'master-bad-redirect', 'master-truncated-json', 'master-malformed-json', 'master-5xx'] as const) {
      p1.arm({ kind, from: 0, count: 1, variant: 0 });
      const r = await client.getAgents();
      expect(r.ok, kind).toBe(false);
      p1.arm(undefined);
      const again = await client.getAgents();
      expect(again.ok, `${kind}, then`).toBe(true);
      expect(referee.faults[kind]).toBe(1);
    }
  });
});
