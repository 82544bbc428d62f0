import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/cli/service.js';
import type { ActionRecord } from '../../src/controller/ports.js';
import type { EmulatedCluster } from '../../src/sim/emulator/index.js';
import { startZookeeper, waitFor, type ZooKeeperService } from '../support/services.js';
import { postApp, quietLogger, recording, serviceConfig, startCluster, type ProviderCall } from './fixtures.js';

const SESSION_MS = 2_000;

/** A TCP hop to ZooKeeper that can be cut: the replica behind it vanishes without closing its session, as a killed process does. */
async function zkProxy(port: number): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const up = connect(port, '127.0.0.1');
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        up.destroy();
      });
    }
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      open = true;
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

interface Acted extends ActionRecord {
  readonly replica: string;
  readonly term: number;
}

let zk: ZooKeeperService;
let emu: EmulatedCluster;
const services: Service[] = [];

beforeAll(async () => {
  zk = await startZookeeper();
  emu = await startCluster();
});

afterAll(async () => {
  for (const s of services) await s.stop();
  await emu?.close();
  await zk?.stop();
});

describe('two replicas with ZooKeeper against one emulated cluster', () => {
  it('only the leader acts; a leader cut off from ZooKeeper stops acting at once and the other takes over; no need is acted on twice', async () => {
    const path = '/test/service-ha';
    const proxy = await zkProxy(zk.port);
    const calls: ProviderCall[] = [];
    const acted: Acted[] = [];
    const start = async (replica: string, zkUrl: string): Promise<Service> => {
      const s = await startService({
        config: serviceConfig(emu, { zk: zkUrl }),
        logger: quietLogger(),
        simulated: recording(emu.provider, calls, replica),
        replicaId: replica,
        zkSessionTimeoutMs: SESSION_MS,
        processMetrics: false,
      });
      services.push(s);
      s.controller.onCycle((r) => {
        for (const a of r.actions) acted.push({ ...a, replica, term: Number(/term (\d+)/.exec(a.detail)?.[1] ?? -1) });
      });
      return s;
    };

    const a = await start('a', `zk://127.0.0.1:${proxy.port}${path}`);
    await waitFor('a leads', () => (a.gate.isLeader() ? true : undefined), 10_000);
    const b = await start('b', zk.zkUrl(path));
    await waitFor('b follows', () => (b.gate.describe().role === 'follower' ? true : undefined), 10_000);

    // First need: exactly one scale-up, by the leader.
    await postApp(emu, '/first', 2, 3);
    await waitFor('scale-up by a', () => calls.find((c) => c.op === 'setDesiredSize'), 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(calls.map((c) => c.replica)).toEqual(['a']);
    const bReady = await fetch(`${b.url}/readyz`);
    expect(await bReady.json()).toMatchObject({ ready: true, role: 'follower' });

    // Cut a off from ZooKeeper while it keeps running (a partitioned or hung leader): it must
    // step down at once, and b takes over once ZooKeeper expires a's session.
    const cutAt = Date.now();
    proxy.cut();
    await waitFor('a deposed', () => (a.gate.isLeader() ? undefined : true), 1_000, 5);
    expect(Date.now() - cutAt).toBeLessThan(SESSION_MS);
    const aCycles = a.store.view().lastCycle?.cycles ?? 0;
    const elected = await waitFor('b leads', () => (b.gate.isLeader() ? Date.now() : undefined), SESSION_MS * 4);
    expect(elected - cutAt).toBeLessThan(SESSION_MS * 3);
    const killedAt = cutAt;

    // Second need: exactly one scale-up, by the new leader, in a higher term.
    await postApp(emu, '/second', 2, 3);
    await waitFor('scale-up by b', () => calls.find((c) => c.replica === 'b'), 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(calls.map((c) => c.replica)).toEqual(['a', 'b']);
    expect(calls.filter((c) => c.replica === 'a').every((c) => c.at < killedAt)).toBe(true);
    // a went on cycling (events still reach it) but acted on nothing.
    expect(a.store.view().lastCycle?.cycles ?? 0).toBeGreaterThan(aCycles);
    expect(acted.filter((x) => x.replica === 'a' && x.at >= killedAt)).toEqual([]);

    // Back in touch, a re-joins as a follower.
    proxy.restore();
    await waitFor('a follows again', () => (a.gate.describe().role === 'follower' ? true : undefined), 10_000);
    expect(b.gate.isLeader()).toBe(true);

    const sizeChanges = acted.filter((x) => x.kind === 'set-size');
    expect(sizeChanges.map((x) => x.replica)).toEqual(['a', 'b']);
    const [fromA, fromB] = sizeChanges;
    expect(fromA?.term).toBeGreaterThan(0);
    expect(fromB?.term).toBeGreaterThan(fromA?.term ?? 0);
    // Each desired size was asked for once: no need was acted on twice.
    const sizes = calls.map((c) => c.size);
    expect(new Set(sizes).size).toBe(sizes.length);
    await proxy.close();
  });

  it('a clean stop hands over at once', async () => {
    const path = '/test/service-handover';
    const calls: ProviderCall[] = [];
    const mk = async (replica: string): Promise<Service> => {
      const s = await startService({ config: serviceConfig(emu, { zk: zk.zkUrl(path), server: undefined }), logger: quietLogger(), simulated: recording(emu.provider, calls, replica), replicaId: replica, zkSessionTimeoutMs: SESSION_MS * 5, processMetrics: false });
      services.push(s);
      return s;
    };
    const a = await mk('a');
    await waitFor('a leads', () => (a.gate.isLeader() ? true : undefined), 10_000);
    const b = await mk('b');
    await waitFor('b follows', () => (b.gate.describe().role === 'follower' ? true : undefined), 10_000);
    const stoppedAt = Date.now();
    await a.stop();
    expect(a.gate.isLeader()).toBe(false);
    const elected = await waitFor('b leads', () => (b.gate.isLeader() ? Date.now() : undefined), SESSION_MS * 5);
    // Far below the 10 s session timeout: the member node was removed, not expired.
    expect(elected - stoppedAt).toBeLessThan(2_000);
  });
});
