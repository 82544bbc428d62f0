import { configSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import type { NodeGroupProvider } from '../../src/providers/provider.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { createLogger, type Logger } from '../../src/util/logger.js';

export const TOKEN = 'service-test-token-7d1f9a';

/** Every call the autoscaler made to the cloud, with wall-clock time and who made it. */
export interface ProviderCall {
  readonly at: number;
  readonly op: 'setDesiredSize' | 'deleteInstances';
  readonly group: string;
  readonly size?: number;
  readonly replica: string;
}

/** The emulated cloud behind a recorder; `replica` tags calls when several services share it. */
export function recording(inner: NodeGroupProvider, calls: ProviderCall[], replica = 'a', onCall?: (c: ProviderCall) => void): NodeGroupProvider {
  const note = (c: ProviderCall): void => {
    calls.push(c);
    onCall?.(c);
  };
  return {
    kind: inner.kind,
    describe: (g) => inner.describe(g),
    setDesiredSize: async (g, size) => {
      note({ at: Date.now(), op: 'setDesiredSize', group: g.name, size, replica });
      await inner.setDesiredSize(g, size);
    },
    deleteInstances: async (g, ids) => {
      note({ at: Date.now(), op: 'deleteInstances', group: g.name, replica });
      await inner.deleteInstances(g, ids);
    },
  };
}

/** One group `web` of 4-cpu nodes, one node up, a small app already running. */
export async function startCluster(opts: { heartbeatIntervalMs?: number } = {}): Promise<EmulatedCluster> {
  const emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    realtimeSpeed: 1,
    groups: [{ name: 'web', template: { resources: { cpus: 4, mem: 8192, disk: 10_000 }, attributes: { pool: 'web' } }, initial: 1, max: 20 }],
    apps: [{ id: '/base', instances: 1, cpus: 0.5, mem: 256 }],
    master: { heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 15_000 },
  });
  emu.cluster.schedule();
  return emu;
}

export function serviceConfig(emu: EmulatedCluster, overrides: Partial<ConfigInput> = {}): Config {
  return configSchema.parse({
    timer: 60,
    drain: false,
    mesos: { masters: [emu.masterUrl] },
    marathon: { url: emu.marathonUrl },
    server: { host: '127.0.0.1', port: 0, token: TOKEN },
    groups: [
      {
        name: 'web',
        selector: { pool: 'web' },
        min: 1,
        max: 10,
        provider: { kind: 'simulated' },
        template: { cpus: 4, mem: 8192, disk: 10_000 },
        // Waiting work only: a utilization threshold would add a second, unrelated scale-up.
        policies: ['pending'],
        scaleDown: { unneededTime: 3600 },
      },
    ],
    ...overrides,
  });
}

/** A Marathon app whose instances cannot all fit on the running nodes. */
export async function postApp(emu: EmulatedCluster, id: string, instances = 2, cpus = 3): Promise<number> {
  const res = await fetch(`${emu.marathonUrl}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, instances, cpus, mem: 256 }),
  });
  if (res.status !== 201) throw new Error(`POST /v2/apps: HTTP ${res.status} ${await res.text()}`);
  return Date.now();
}

export const quietLogger = (): Logger => createLogger(process.env['TEST_LOG'] ? 'debug' : 'silent');

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}
