import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cli-')), 'c.yaml');
  writeFileSync(p, text);
  return p;
}

const SIM = 'mesos: { masters: [http://m1:5050] }\ngroups:\n  - { name: sim, selector: { pool: sim }, provider: { kind: simulated } }\n';

describe('command-line conventions', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('a misspelt command is named as such, with the closest command, and exits 2', async () => {
    const r = await runCli(['simualte', '--trace', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'simualte'/);
    expect(r.stderr).toMatch(/Did you mean simulate\?/);
    expect(r.stderr).not.toMatch(/unknown option/);
  });

  it('a bad flag value exits 2, naming the flag', async () => {
    const bad = await runCli(['validate', '--scale-min', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scale-min/);
  });

  it('an unknown flag exits 2', async () => {
    const unknown = await runCli(['--scale-minn', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--scale-minn'/);
  });

  it('plan --help lists only the options plan reads', async () => {
    const plan = await runCli(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/--json/);
    for (const o of ['--listen', '--zk', '--dry-run', '--server-token']) expect(plan.stdout).not.toContain(o);
  });

  it('run --help lists the service options', async () => {
    const run = await runCli(['run', '--help']);
    for (const o of ['--listen', '--zk', '--dry-run', '--server-token']) expect(run.stdout).toContain(o);
  });
});

describe('validate', () => {
  it('names a misspelt key by its path and exits 2', async () => {
    const r = await runCli(['validate', '--config', file(`${SIM}timr: 30\n`.replace('provider:', 'tempalte: { cpus: 1, mem: 1 }, provider:'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.tempalte: unknown setting/);
    expect(r.stderr).toMatch(/^\s+- timr: unknown setting/m);
  });

  it('shows a YAML syntax error with its excerpt and exits 2', async () => {
    const r = await runCli(['validate', '--config', file('mesos:\n  masters: [http://m1:5050\ngroups: []\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at line \d+, column \d+:/);
    expect(r.stderr).toMatch(/masters: \[http:\/\/m1:5050/);
    expect(r.stderr).toMatch(/^\s*\^/m);
  });

  it('takes an IPv6 listen address', async () => {
    const good = await runCli(['validate', '--config', file(SIM), '--listen', '[::1]:9090']);
    expect(good.code).toBe(0);
  });

  it('refuses a listen address that is none, naming --listen', async () => {
    const bad = await runCli(['validate', '--config', file(SIM), '--listen', '::1:9090']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--listen/);
  });

  it('prints warnings for settings that are legal but often wrong', async () => {
    const r = await runCli(['validate', '--config', file('mesos: { masters: [http://m1:5050] }\ngroups:\n  - { name: sim, provider: { kind: simulated } }\n')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: groups\.0\.selector: empty/);
    expect(r.stderr).toBe('');
  });
});

describe('run and plan', () => {
  it('refuse a provider kind they cannot run with exit 2, naming the field, before starting', async () => {
    const r = await runCli(['run', '--config', file(SIM)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.kind: "simulated" only runs inside demo and simulate/);
    expect(r.stdout + r.stderr).not.toMatch(/mesos-autoscaler started|at .*\.ts:\d+/);
  });

  it('refuse an AS_DRY_RUN that is no boolean, naming the variable', async () => {
    const r = await runCli(['validate', '--config', file(SIM)], { env: { AS_DRY_RUN: 'perhaps' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AS_DRY_RUN: "perhaps" is not a boolean/);
  });
});
