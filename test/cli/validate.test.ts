import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'validate-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

const BAD = `
mesos: { masters: [http://m1:5050] }
groups:
  - name: web
    scaleDownCap: 90
    max: -1
    provider: { kind: azure-vmss, vmssName: web }
`;

describe('validate and run with an invalid config', () => {
  it('validate names every invalid field and exits 2', async () => {
    const r = await runCli(['validate', '--config', file(BAD)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.max/);
    expect(r.stderr).toMatch(/azure: group "web" uses azure-vmss but no azure settings/);
  });

  it('validate accepts a good file', async () => {
    const r = await runCli(['validate', '--config', file('mesos: { masters: [http://m1:5050] }\ngroups:\n  - { name: sim, provider: { kind: simulated } }\n')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 1 node group\(s\): sim/);
  });

  it('run exits 2 before doing anything, naming the field', async () => {
    const r = await runCli(['run', '--config', file(BAD)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.max/);
    expect(r.stderr).not.toMatch(/mesos-autoscaler started/);
  });

  it('rejects a bad flag value with the option name', async () => {
    const r = await runCli(['run', '--timer', 'soon']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--timer/);
  });
});
