import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import type { AgentSpec, AppSpec } from '../../src/sim/cluster/types.js';
import { CLI, REPO_ROOT } from './cli.js';

/**
 * End-to-end scaffolding shared by the provider e2e tests (aws-*, exec-*): an emulated Mesos
 * master and Marathon behind a pass-through proxy that records what the autoscaler asked of the
 * master (v1 calls by their `type`), a config file, and the CLI run until a condition holds.
 */
export interface E2eCluster {
  readonly emu: EmulatedCluster;
  /** The master as the autoscaler sees it (through the recording proxy). */
  readonly masterUrl: string;
  /** `POST /api/v1 DRAIN_AGENT -> 200`, `POST /master/machine/down -> 200`, ... in order. */
  readonly masterCalls: string[];
  /** IPs of the agents registered right now. */
  agentIps(): string[];
  close(): Promise<void>;
}

export const onWorkload = (id: string, instances: number, cpus: number, workload = 'stateless'): AppSpec => ({
  id,
  instances,
  cpus,
  mem: 128,
  constraints: [{ field: 'workload', operator: 'CLUSTER', value: workload }],
});

/** An agent of 2 cpus on `ip`, registered under `hostname` (the cloud's name for the machine). */
export const agentOn = (ip: string, hostname: string, workload = 'stateless'): AgentSpec => ({
  hostname,
  ip,
  resources: { cpus: 2, mem: 5943, disk: 26460 },
  attributes: { workload },
});

export async function startE2eCluster(agents: readonly AgentSpec[], apps: readonly AppSpec[]): Promise<E2eCluster> {
  const emu = await startEmulatedCluster({ clock: new VirtualClock(Date.now()), realtimeSpeed: 1, agents, apps });
  // Let the emulated Marathon place the apps.
  emu.clock.advance(10_000);
  const masterCalls: string[] = [];
  const upstream = new URL(emu.masterUrl);
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let what = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
      if (req.url?.startsWith('/api/v1') && body.length > 0) {
        try {
          what += ` ${(JSON.parse(body.toString('utf8')) as { type?: string }).type ?? ''}`;
        } catch {
          // Not JSON (protobuf): recorded by path only.
        }
      }
      const at = masterCalls.push(what) - 1;
      if (req.url?.startsWith('/master/redirect')) {
        // This proxy is the leading master as far as the autoscaler can tell.
        res.writeHead(307, { location: `//${req.headers.host ?? ''}` }).end();
        return;
      }
      const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        masterCalls[at] = `${what} -> ${up.statusCode ?? 502}`;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.writeHead(502).end());
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    emu,
    masterUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    masterCalls,
    agentIps: () => [...emu.cluster.agents()].map((a) => a.ip),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      await emu.close();
    },
  };
}

/** Writes `config` as YAML into a fresh temp dir; returns its path and a remover. */
export async function writeConfig(config: unknown): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-config-'));
  const path = join(dir, 'autoscaler.yaml');
  await writeFile(path, stringify(config));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the CLI until `done(stderr)` or the timeout, then stops it; returns its output. */
export async function runCliUntil(args: string[], env: NodeJS.ProcessEnv, done: (stderr: string) => boolean, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], HOME: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let code: number | null = null;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) =>
    child.on('close', (c) => {
      code = c;
      r();
    }),
  );
  let running = true;
  void exited.then(() => (running = false));
  const started = Date.now();
  while (running && !done(stderr) && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  await exited;
  return { stdout, stderr, code };
}

/** `DRAINED/0 tasks`, `DRAINING/1 tasks`, `not draining/0 tasks` or `gone`: the agent on `ip` as the emulated master holds it. */
export function agentStateOf(cluster: E2eCluster, ip: string | undefined): string {
  const a = [...cluster.emu.cluster.agents()].find((x) => x.ip === ip);
  return a ? `${a.drain?.state ?? 'not draining'}/${a.tasks.size} tasks` : 'gone';
}
