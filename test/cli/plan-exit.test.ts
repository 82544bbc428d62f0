import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/sim/cluster/virtual-clock.js';
import { startEmulatedCluster, type EmulatedCluster } from '../../src/sim/emulator/index.js';
import { runCli } from '../support/cli.js';

let emu: EmulatedCluster;
let dir: string;

beforeAll(async () => {
  emu = await startEmulatedCluster({
    clock: new VirtualClock(Date.now()),
    agents: [{ hostname: '10.1.0.4', ip: '10.1.0.4', resources: { cpus: 2, mem: 4096, disk: 10_000 }, attributes: { workload: 'stateless' } }],
  });
  dir = mkdtempSync(join(tmpdir(), 'plan-exit-'));
});

afterAll(async () => {
  await emu?.close();
});

/** A config whose one group is read by an exec command: `false` fails every call, as an unreachable cloud does. */
function config(command: string): string {
  const p = join(dir, `${command.replace(/\W/g, '')}.yaml`);
  writeFileSync(p, `
mesos: { masters: [${emu.masterUrl}] }
groups:
  - name: stateless
    selector: { workload: stateless }
    min: 1
    max: 4
    provider: { kind: exec, command: ${JSON.stringify(command)} }
`);
  return p;
}

describe('plan when it could not read what it needs', () => {
  it('prints what it could plan but exits 1, saying what was not read', async () => {
    const r = await runCli(['plan', '--config', config('false')], { timeoutMs: 25_000 });
    expect(r.stdout).toMatch(/^stateless: /m);
    expect(r.stderr).toMatch(/plan incomplete: could not read a node group from its cloud/);
    expect(r.code).toBe(1);
  });

  it('exits 1 when no Mesos master answers', async () => {
    const p = join(dir, 'nomaster.yaml');
    writeFileSync(p, 'mesos: { masters: [http://127.0.0.1:9], timeoutMs: 2000 }\ngroups:\n  - { name: s, selector: { a: b }, provider: { kind: exec, command: "false" } }\n');
    const r = await runCli(['plan', '--config', p], { timeoutMs: 25_000 });
    expect(r.stderr).toMatch(/cannot plan: /);
    expect(r.code).toBe(1);
  });
});
