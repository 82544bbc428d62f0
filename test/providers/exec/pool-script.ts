import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A pool as the test script keeps it, in a JSON file next to it. */
export interface PoolFile {
  desired: number;
  min?: number;
  max?: number;
  instances: { id: string; hostname?: string; privateIp?: string; state: string }[];
}

/** One invocation of the script, as it logged it. */
export interface Invocation {
  readonly args: string[];
  readonly stdin: unknown;
  /** The agents the master listed when a delete ran (with settings.recordAgentsFrom). */
  readonly agents?: { hostname: string; drain: string | null; usedCpus: number }[];
}

/**
 * A small "private cloud" command for exec provider tests, written in Node so it can handle JSON:
 * `describe` prints the pool file, `set-size N` changes desired and adds or drops instances,
 * `delete ID...` removes exactly those. Every call is appended to calls.jsonl.
 */
const POOL = `
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
const dir = dirname(new URL(import.meta.url).pathname);
const poolPath = join(dir, 'pool.json');
const stdin = JSON.parse(readFileSync(0, 'utf8'));
const args = process.argv.slice(2);
// With settings.recordAgentsFrom (a Mesos master URL), a delete also logs which agents were registered.
let agents;
if (args[0] === 'delete' && stdin.settings && stdin.settings.recordAgentsFrom) {
  const slaves = await (await fetch(stdin.settings.recordAgentsFrom + '/master/slaves')).json();
  agents = slaves.slaves.map((s) => ({ hostname: s.hostname, drain: (s.drain_info && s.drain_info.state) || null, usedCpus: (s.used_resources && s.used_resources.cpus) || 0 }));
}
appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify({ args, stdin, ...(agents ? { agents } : {}) }) + '\\n');
const pool = JSON.parse(readFileSync(poolPath, 'utf8'));
const [verb, ...rest] = args;
if (verb === 'describe') {
  process.stdout.write(JSON.stringify(pool));
} else if (verb === 'set-size') {
  const n = Number(rest[0]);
  pool.desired = n;
  let next = pool.instances.length;
  while (pool.instances.length < n) pool.instances.push({ id: 'vm-' + (100 + next++), state: 'creating' });
  writeFileSync(poolPath, JSON.stringify(pool));
} else if (verb === 'delete') {
  const unknown = rest.filter((id) => !pool.instances.some((i) => i.id === id));
  if (unknown.length) { process.stderr.write('no such instance: ' + unknown.join(', ')); process.exit(3); }
  pool.instances = pool.instances.filter((i) => !rest.includes(i.id));
  pool.desired -= rest.length;
  writeFileSync(poolPath, JSON.stringify(pool));
} else {
  process.stderr.write('unknown verb ' + verb);
  process.exit(2);
}
`;

export interface ScriptDir {
  readonly dir: string;
  /** The command line for the provider: node, quoted, and the pool script. */
  readonly command: string;
  pool(): Promise<PoolFile>;
  calls(): Promise<Invocation[]>;
  /** The same, read synchronously (for polling from a synchronous condition). */
  callsSync(): Invocation[];
  /** Writes another script and returns the command line that runs it. */
  script(name: string, body: string): Promise<string>;
  remove(): Promise<void>;
}

export async function poolScript(pool: PoolFile): Promise<ScriptDir> {
  const dir = await mkdtemp(join(tmpdir(), 'exec-provider-'));
  await writeFile(join(dir, 'pool.mjs'), POOL);
  await writeFile(join(dir, 'pool.json'), JSON.stringify(pool));
  await writeFile(join(dir, 'calls.jsonl'), '');
  const node = `'${process.execPath}'`;
  return {
    dir,
    command: `${node} '${join(dir, 'pool.mjs')}'`,
    pool: async () => JSON.parse(await readFile(join(dir, 'pool.json'), 'utf8')) as PoolFile,
    calls: async () =>
      (await readFile(join(dir, 'calls.jsonl'), 'utf8'))
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Invocation),
    callsSync: () =>
      readFileSync(join(dir, 'calls.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Invocation),
    script: async (name, body) => {
      const path = join(dir, name);
      await writeFile(path, body, { mode: 0o755 });
      return `'${path}'`;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
