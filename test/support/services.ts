/**
 * Real ZooKeeper, Prometheus and Chromium for integration tests, on free 127.0.0.1 ports.
 * A missing binary is a test failure with a message saying what to install: CI installs
 * them (.ci/run), and a silently skipped test proves nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ZK_JAR = '/usr/share/java/zookeeper.jar';
const JAVA = '/usr/bin/java';
const PROMETHEUS = '/usr/bin/prometheus';
export const CHROMIUM = '/usr/bin/chromium';

function missing(what: string, path: string, pkg: string): Error {
  return new Error(`${what} not found at ${path}: install it with "apt-get install -y ${pkg}" (CI does this in .ci/run)`);
}

/** A port the OS just handed out on 127.0.0.1 (for binaries that cannot report the port they bound). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Keeps the last few KB of a child's output for error messages. */
function tail(child: ChildProcess): () => string {
  let buf = '';
  const add = (d: Buffer): void => {
    buf = (buf + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => buf;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Sends a ZooKeeper four-letter word and returns the answer ('' when none). */
export function fourLetter(port: number, word: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const sock = connect(port, '127.0.0.1', () => sock.write(word));
    sock.setTimeout(timeoutMs, () => sock.destroy());
    sock.on('data', (d) => (out += d.toString()));
    sock.on('error', () => resolve(''));
    sock.on('close', () => resolve(out));
  });
}

export interface ZooKeeperService {
  readonly port: number;
  /** `127.0.0.1:PORT`. */
  readonly connectString: string;
  zkUrl(path: string): string;
  readonly pid: number;
  /** SIGSTOP: the server goes silent without closing connections (a hung or partitioned server). */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export interface ZooKeeperOptions {
  readonly tickTimeMs?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
}

/** Starts a standalone ZooKeeper from the Debian package with a throwaway data dir. */
export async function startZookeeper(options: ZooKeeperOptions = {}): Promise<ZooKeeperService> {
  if (!existsSync(JAVA)) throw missing('java', JAVA, 'zookeeper');
  if (!existsSync(ZK_JAR)) throw missing('ZooKeeper', ZK_JAR, 'zookeeper');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'zk-test-'));
    const port = await freePort();
    const tick = options.tickTimeMs ?? 200;
    await writeFile(
      join(dir, 'zoo.cfg'),
      [
        `tickTime=${tick}`,
        `dataDir=${join(dir, 'data')}`,
        `clientPort=${port}`,
        'clientPortAddress=127.0.0.1',
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok,stat,wchp,cons',
        `minSessionTimeout=${options.minSessionTimeoutMs ?? tick * 2}`,
        `maxSessionTimeout=${options.maxSessionTimeoutMs ?? 20_000}`,
        'maxClientCnxns=0',
        '',
      ].join('\n'),
    );
    // The jar's manifest lists its dependencies, so the jar alone is the classpath.
    const child = spawn(
      JAVA,
      ['-Xmx128m', '-XX:+UseSerialGC', '-Dzookeeper.admin.enableServer=false', '-cp', ZK_JAR,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    const output = tail(child);
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      if ((await fourLetter(port, 'srvr')).includes('Mode: standalone')) {
        ready = true;
        break;
      }
      await sleep(100);
    }
    if (ready) {
      return {
        port,
        connectString: `127.0.0.1:${port}`,
        zkUrl: (path) => `zk://127.0.0.1:${port}${path}`,
        pid: child.pid ?? 0,
        freeze: () => void child.kill('SIGSTOP'),
        thaw: () => void child.kill('SIGCONT'),
        stop: async () => {
          await killAndWait(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    lastError = output();
    await killAndWait(child);
    await rm(dir, { recursive: true, force: true });
  }
  throw new Error(`ZooKeeper did not become ready on 127.0.0.1:\n${lastError}`);
}

export interface PrometheusService {
  readonly url: string;
  /** Instant query; returns the `data.result` vector. */
  query(q: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

interface PromResponse {
  status: string;
  data?: { resultType: string; result: PromSample[] };
  error?: string;
}

/** Starts Prometheus scraping the given `host:port` targets every second. */
export async function startPrometheus(targets: readonly string[]): Promise<PrometheusService> {
  if (!existsSync(PROMETHEUS)) throw missing('Prometheus', PROMETHEUS, 'prometheus');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'prom-test-'));
    const port = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: mesos-autoscaler',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    const output = tail(child);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (ready) {
      return {
        url,
        query: async (q) => {
          const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
          const body = (await res.json()) as PromResponse;
          if (body.status !== 'success' || !body.data) throw new Error(`query ${q} failed: ${body.error ?? res.status}`);
          return body.data.result;
        },
        stop: async () => {
          await killAndWait(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    lastError = output();
    await killAndWait(child);
    await rm(dir, { recursive: true, force: true });
  }
  throw new Error(`Prometheus did not become ready:\n${lastError}`);
}

/** Path of the system Chromium for playwright-core; throws with install advice when it is missing. */
export function findChromium(): string {
  if (!existsSync(CHROMIUM)) throw missing('Chromium', CHROMIUM, 'chromium');
  return CHROMIUM;
}

/** Flags that keep a headless Chromium in a container quiet and off the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
