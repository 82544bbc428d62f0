import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecProvider, type ExecSettings } from '../../../src/providers/exec/index.js';
import { ProviderError, type NodeGroupRef } from '../../../src/providers/provider.js';
import { capturedLogger } from '../aws/helpers.js';
import { poolScript, type ScriptDir } from './pool-script.js';

const GROUP: NodeGroupRef = { name: 'vsphere-pool', target: {} };
const PASSWORD = 'vc-Pa55word-never-shown';

let dir: ScriptDir | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

const threeVms = {
  desired: 3,
  min: 1,
  max: 10,
  instances: [
    { id: 'vm-1', hostname: 'agent-1.dc.example', privateIp: '10.3.0.1', state: 'running' },
    { id: 'vm-2', hostname: 'agent-2.dc.example', privateIp: '10.3.0.2', state: 'running' },
    { id: 'vm-3', privateIp: '10.3.0.3', state: 'creating' },
  ],
};

function provider(command: string, extra: Partial<ExecSettings> = {}, env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '' }) {
  const { logger, lines } = capturedLogger();
  const p = new ExecProvider({ command, timeoutSeconds: 10, settings: { datacenter: 'dc1', password: PASSWORD }, ...extra }, logger, { env, killGraceMs: 200 });
  return { p, lines };
}

/** True while the process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

describe('ExecProvider running a command', () => {
  it('describes the group from the JSON the command prints, given the group name and settings on stdin', async () => {
    dir = await poolScript(threeVms);
    const { p } = provider(dir.command);
    const state = await p.describe(GROUP);
    expect(state).toEqual(threeVms);
    expect(await dir.calls()).toEqual([{ args: ['describe'], stdin: { group: 'vsphere-pool', settings: { datacenter: 'dc1', password: PASSWORD } } }]);
  });

  it('sets the size with `set-size N`', async () => {
    dir = await poolScript(threeVms);
    const { p } = provider(dir.command);
    await p.setDesiredSize(GROUP, 5);
    expect((await dir.calls()).map((c) => c.args)).toEqual([['set-size', '5']]);
    expect((await p.describe(GROUP)).desired).toBe(5);
  });

  it('deletes exactly the given ids with `delete ID...`, each one argument, never shell text', async () => {
    const odd = 'vm-$(touch pwned); echo x';
    dir = await poolScript({ ...threeVms, instances: [...threeVms.instances, { id: odd, state: 'running' }] });
    const { p } = provider(dir.command);
    await p.deleteInstances(GROUP, ['vm-2', odd]);
    expect((await dir.calls()).map((c) => c.args)).toEqual([['delete', 'vm-2', odd]]);
    expect((await dir.pool()).instances.map((i) => i.id)).toEqual(['vm-1', 'vm-3']);
    expect(existsSync(join(dir.dir, 'pwned'))).toBe(false);
  });

  it('does not run the command for an empty delete list or a size that is not a whole number', async () => {
    dir = await poolScript(threeVms);
    const { p } = provider(dir.command);
    await p.deleteInstances(GROUP, []);
    await expect(p.setDesiredSize(GROUP, 1.5)).rejects.toMatchObject({ kind: 'invalid' });
    expect(await dir.calls()).toEqual([]);
  });

  it('fails a call that exits non-zero with the command\'s stderr', async () => {
    dir = await poolScript(threeVms);
    const { p } = provider(dir.command);
    const e = await failure(p.deleteInstances(GROUP, ['vm-9']));
    expect(e).toMatchObject({ kind: 'unknown', retryable: false });
    expect(e.message).toBe('delete vsphere-pool: command exited with 3: no such instance: vm-9');
    expect((await dir.pool()).instances).toHaveLength(3);
  });

  it('takes the kind of failure from {"error":{"kind",...}} on stdout', async () => {
    dir = await poolScript(threeVms);
    const quota = await dir.script('quota.sh', '#!/bin/sh\necho \'{"error":{"kind":"quota","message":"no capacity left in cluster dc1"}}\'\necho "vCenter said: InsufficientResourcesFault" >&2\nexit 1\n');
    const throttled = await dir.script('throttled.sh', '#!/bin/sh\necho \'{"error":{"kind":"throttled"}}\'\nexit 1\n');
    const e1 = await failure(provider(quota).p.setDesiredSize(GROUP, 9));
    expect(e1).toMatchObject({ kind: 'quota', retryable: false });
    expect(e1.message).toBe('set-size vsphere-pool: command exited with 1: no capacity left in cluster dc1: vCenter said: InsufficientResourcesFault');
    const e2 = await failure(provider(throttled).p.describe(GROUP));
    expect(e2).toMatchObject({ kind: 'throttled', retryable: true });
  });

  it('rejects describe output that does not match the schema, naming the field', async () => {
    dir = await poolScript({ ...threeVms, instances: [{ id: 'vm-1', state: 'booting' }] });
    const e = await failure(provider(dir.command).p.describe(GROUP));
    expect(e).toMatchObject({ kind: 'invalid', retryable: false });
    expect(e.message).toMatch(/^describe vsphere-pool: command stdout does not match .*: instances\.0\.state: /);
    const notJson = await dir.script('text.sh', '#!/bin/sh\necho "3 vms"\n');
    const e2 = await failure(provider(notJson).p.describe(GROUP));
    expect(e2.message).toMatch(/^describe vsphere-pool: command stdout is not JSON/);
  });

  it('reports a command that cannot be found as invalid configuration', async () => {
    const e = await failure(provider('/nonexistent/pool-tool').p.describe(GROUP));
    expect(e).toMatchObject({ kind: 'invalid', retryable: false });
    expect(e.message).toMatch(/^describe vsphere-pool: command exited with 127: .*not found/);
  });

  it('kills a command that outlives its timeout, and what it started, as a retryable outage', async () => {
    dir = await poolScript(threeVms);
    const pidFile = join(dir.dir, 'child.pid');
    const slow = await dir.script('slow.sh', `#!/bin/sh\nsleep 30 &\necho $! > '${pidFile}'\nwait\n`);
    const started = Date.now();
    const e = await failure(provider(slow, { timeoutSeconds: 0.5 }).p.describe(GROUP));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(e.message).toBe('describe vsphere-pool: command timed out after 0.5 s and was killed');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((r) => setTimeout(r, 300));
    // The background sleep is gone too (or a zombie waiting for a container's init to reap it).
    expect(alive(pid)).toBe(false);
  });

  it('kills the command when the caller\'s deadline signal aborts', async () => {
    dir = await poolScript(threeVms);
    const slow = await dir.script('slow2.sh', '#!/bin/sh\nsleep 30\n');
    const started = Date.now();
    const e = await failure(provider(slow).p.setDesiredSize(GROUP, 4, { signal: AbortSignal.timeout(300) }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(e.message).toBe("set-size vsphere-pool: command was killed: the call's deadline passed");
  });

  it('scrubs secrets from settings and the environment out of errors and logs, and bounds the length', async () => {
    dir = await poolScript(threeVms);
    const leaky = await dir.script(
      'leaky.sh',
      `#!/bin/sh\ncat >/dev/null\necho "login failed for password=$1 with token $VSPHERE_TOKEN and ${PASSWORD}" >&2\nhead -c 5000 /dev/zero | tr '\\\\0' x >&2\nexit 1\n`,
    );
    const token = 'tok-9f8e7d6c5b4a39281706';
    const { p, lines } = provider(leaky, {}, { PATH: process.env['PATH'] ?? '', VSPHERE_TOKEN: token });
    const e = await failure(p.describe(GROUP));
    expect(e.message).toContain('login failed');
    expect(e.message.length).toBeLessThanOrEqual(601);
    const everything = [e.message, e.stack ?? '', ...lines].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(token);
  });
});
