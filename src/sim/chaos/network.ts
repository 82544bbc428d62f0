import { startMarathonServer, type MarathonServer } from '../emulator/marathon-server.js';
import { startMasterServer, type MasterServer } from '../emulator/master-server.js';
import { Secret } from '../../util/secret.js';
import { findSecret, describeLeak } from './output-scan.js';
import { ChaosProxy } from './proxy.js';
import type { Referee } from './referee.js';
import type { ChaosSecrets, ChaosWorld } from './world.js';

/** Servers and proxies of an HTTP episode: the emulated master and Marathon behind chaos proxies (two acting as two masters). */
export interface Network {
  readonly master: MasterServer;
  readonly marathon: MarathonServer;
  readonly masters: readonly [ChaosProxy, ChaosProxy];
  readonly marathonProxy: ChaosProxy;
  reregisteringCycles: number;
}

/** Starts the emulated master and Marathon with auth demanded, and the proxies in front of them. */
export async function startNetwork(world: ChaosWorld, secrets: ChaosSecrets, referee: Referee): Promise<Network> {
  const master = await startMasterServer({ cluster: world.cluster, host: '127.0.0.1', auth: { basic: { username: secrets.mesosUser, password: new Secret(secrets.mesosPassword) } } });
  const marathon = await startMarathonServer({ cluster: world.cluster, host: '127.0.0.1', auth: { token: new Secret(secrets.marathonToken) } });
  const p1 = new ChaosProxy(master.url, referee);
  const p2 = new ChaosProxy(master.url, referee);
  const pm = new ChaosProxy(marathon.url, referee);
  await Promise.all([p1.start(), p2.start(), pm.start()]);
  p1.peer = p2;
  p2.peer = p1;
  p2.leading = false;
  return { master, marathon, masters: [p1, p2], marathonProxy: pm, reregisteringCycles: 0 };
}

/** Closes the proxies and the emulated servers. */
export async function stopNetwork(n: Network): Promise<void> {
  await Promise.all([...n.masters.map((p) => p.close()), n.marathonProxy.close(), n.master.close(), n.marathon.close()]);
}

/** Every byte the server answers an unauthenticated caller on its read routes, scanned for secrets. */
export async function scanServer(url: string, needles: readonly string[], referee: Referee): Promise<void> {
  for (const path of ['/status', '/api/plan', '/metrics', '/healthz']) {
    try {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
      const body = await res.text();
      if (findSecret(body, needles)) referee.flag('no-secret-in-output', describeLeak(`GET ${path}`, body, needles));
    } catch (e) {
      referee.flag('process-alive', `GET ${path} of the status server failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** A cycle passed: re-registration after a failover ends when its cycles are up. */
export function tickReregistering(net: Network): void {
  if (net.reregisteringCycles > 0) net.reregisteringCycles--;
  if (net.reregisteringCycles === 0) for (const p of net.masters) p.reregistering = undefined;
}
