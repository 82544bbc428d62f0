import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZookeeper, waitFor, type ZooKeeperService } from '../support/services.js';
import { conflicts, type ActionEntry } from './replica-log.js';

const SESSION_MS = 2_000;
const CYCLE_MS = 50;
const CHILD = fileURLToPath(new URL('./replica-child.ts', import.meta.url));

interface Line {
  type: 'joined' | 'elected' | 'deposed' | 'action';
  replica: string;
  term?: number;
  cycle?: number;
  at?: number;
}

interface Replica {
  readonly id: string;
  readonly child: ChildProcess;
  readonly lines: Line[];
}

let zk: ZooKeeperService;
const children: ChildProcess[] = [];

function startReplica(url: string, id: string): Replica {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, id, String(SESSION_MS), String(CYCLE_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Line));
  return { id, child, lines };
}

beforeAll(async () => {
  zk = await startZookeeper();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await zk?.stop();
});

describe('failover between replica processes', () => {
  it('a SIGKILLed leader is replaced within the session timeout, and no cycle is acted on twice', async () => {
    const url = zk.zkUrl('/test/failover');
    const a = startReplica(url, 'a');
    await waitFor('a joined', () => a.lines.find((l) => l.type === 'joined'), 20_000);
    const b = startReplica(url, 'b');
    await waitFor('b joined', () => b.lines.find((l) => l.type === 'joined'), 20_000);
    await waitFor('a elected', () => a.lines.find((l) => l.type === 'elected'), 5_000);
    await waitFor('a acting', () => (a.lines.filter((l) => l.type === 'action').length > 10 ? true : undefined));
    expect(b.lines.some((l) => l.type === 'elected' || l.type === 'action')).toBe(false);

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await waitFor('b elected', () => b.lines.find((l) => l.type === 'elected'), 3 * SESSION_MS);
    const takeover = Date.now() - killedAt;
    // ZooKeeper expires the dead session after the session timeout (checked every tick).
    expect(takeover).toBeLessThan(SESSION_MS * 1.5);
    await waitFor('b acting', () => (b.lines.filter((l) => l.type === 'action').length > 10 ? true : undefined));

    const actions: ActionEntry[] = [...a.lines, ...b.lines]
      .filter((l) => l.type === 'action')
      .map((l) => ({ replica: l.replica, term: l.term!, cycle: l.cycle!, at: l.at! }));
    expect(conflicts(actions)).toEqual({ cycles: [], terms: [], overlaps: 0 });
    const termA = a.lines.find((l) => l.type === 'elected')!.term!;
    const termB = b.lines.find((l) => l.type === 'elected')!.term!;
    expect(termB).toBeGreaterThan(termA);
  });
});
