import { afterEach, describe, expect, it } from 'vitest';
import type { AppSpec } from '../../src/sim/cluster/types.js';
import { runCli } from '../support/cli.js';
import { agentOn, onWorkload, runCliUntil, startE2eCluster, writeConfig, type E2eCluster } from '../support/e2e-cluster.js';
import { poolScript, type ScriptDir } from '../providers/exec/pool-script.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const hostOf = (ip: string): string => `agent-${ip.split('.').pop() ?? ''}.dc1.example`;

interface Setup {
  readonly cluster: E2eCluster;
  readonly pool: ScriptDir;
  readonly configPath: string;
}

/**
 * Stateless agents on `ips`, each a VM of a pool that a small command manages (the exec
 * provider's contract), with the same hostname and private IP; one agent outside the pool.
 */
async function setup(ips: string[], apps: AppSpec[], drainMethod?: 'maintenance', group: Record<string, unknown> = {}): Promise<Setup> {
  // The public agent's name is its own: the checks below find the deleted VM's agent by hostname.
  const cluster = await startE2eCluster([...ips.map((ip) => agentOn(ip, hostOf(ip))), agentOn('10.2.0.4', 'public-4.dc1.example', 'public')], apps);
  cleanup.push(() => cluster.close());
  const pool = await poolScript({
    desired: ips.length,
    min: 1,
    max: 10,
    instances: ips.map((ip, i) => ({ id: `vm-${i}`, hostname: hostOf(ip), privateIp: ip, state: 'running' })),
  });
  cleanup.push(() => pool.remove());
  const config = await writeConfig({
    timer: 1,
    mesos: { masters: [cluster.masterUrl], ...(drainMethod ? { drainMethod } : {}) },
    marathon: { url: cluster.emu.marathonUrl },
    groups: [
      {
        name: 'stateless',
        selector: { workload: 'stateless' },
        min: 3,
        max: 10,
        provider: { kind: 'exec', command: pool.command, timeoutSeconds: 20, settings: { datacenter: 'dc1', recordAgentsFrom: cluster.emu.masterUrl } },
        scaleDown: { unneededTime: 0, delayAfterAdd: 0 },
        ...group,
      },
    ],
  });
  cleanup.push(config.remove);
  return { cluster, pool, configPath: config.path };
}

const verbs = (pool: ScriptDir, verb: string) => pool.callsSync().filter((c) => c.args[0] === verb);

describe('run with an exec config file, against an emulated Mesos and a pool command', () => {
  it('at 83% cpu on 3 agents runs `set-size 5`', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], {}, () => verbs(s.pool, 'set-size').length > 0, 40_000);
    if (verbs(s.pool, 'set-size').length === 0) console.log(out.stderr.slice(-3000));
    expect(verbs(s.pool, 'set-size').map((c) => c.args)).toEqual([['set-size', '5']]);
    expect(verbs(s.pool, 'delete')).toHaveLength(0);
    expect(verbs(s.pool, 'describe')[0]?.stdin).toEqual({ group: 'stateless', settings: { datacenter: 'dc1', recordAgentsFrom: s.cluster.emu.masterUrl } });
    expect(out.stderr).toMatch(/cpus 83\.3% on 3 agents/);
  }, 60_000);

  it.each([
    ['auto (DRAIN_AGENT on this Mesos, or maintenance)', undefined],
    ['maintenance (the machine taken down)', 'maintenance' as const],
  ])('with drainMethod %s, cpus at 10%, on 5 agents: deletes exactly one idle VM, after Mesos drained its agent', async (_how, drainMethod) => {
    const ips = ['10.1.0.4', '10.1.0.5', '10.1.0.6', '10.1.0.7', '10.1.0.8'];
    const s = await setup(ips, [onWorkload('/web', 1, 1)], drainMethod);
    const busyIp = [...s.cluster.emu.cluster.agents()].find((a) => a.tasks.size > 0)?.ip;
    expect(busyIp).toBeDefined();
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], {}, () => verbs(s.pool, 'delete').length > 0, 45_000);
    if (verbs(s.pool, 'delete').length === 0) console.log(out.stderr.slice(-4000));
    const deletes = verbs(s.pool, 'delete');
    expect(deletes).toHaveLength(1);
    const ids = deletes[0]?.args.slice(1) ?? [];
    expect(ids).toHaveLength(1);
    const ip = ips[Number((ids[0] ?? '').replace('vm-', ''))];
    expect(ip).toBeDefined();
    expect(ip).not.toBe(busyIp);
    expect(verbs(s.pool, 'set-size')).toHaveLength(0);
    expect((await s.pool.pool()).instances.map((i) => i.privateIp)).toEqual(ips.filter((x) => x !== ip));
    // Drained by Mesos before the VM went: when the command ran, the master either no longer
    // listed the agent (its machine taken down through maintenance) or listed it DRAINED and idle
    // (DRAIN_AGENT, Mesos 1.9+).
    expect(deletes[0]?.agents).toBeDefined();
    const agent = deletes[0]?.agents?.find((a) => a.hostname === hostOf(ip ?? ''));
    if (drainMethod === 'maintenance') expect(agent).toBeUndefined();
    if (agent === undefined) {
      expect(s.cluster.masterCalls.some((c) => /UPDATE_MAINTENANCE_SCHEDULE|POST \/master\/maintenance\/schedule/.test(c))).toBe(true);
      expect(s.cluster.masterCalls.some((c) => /START_MAINTENANCE|POST \/master\/machine\/down/.test(c))).toBe(true);
    } else {
      expect(agent).toEqual({ hostname: hostOf(ip ?? ''), drain: 'DRAINED', usedCpus: 0 });
      expect(s.cluster.masterCalls.some((c) => /DRAIN_AGENT -> 200/.test(c))).toBe(true);
    }
  }, 60_000);

  it('deletes VMs that never register within provisionTimeout, exactly those, and backs scale-up off', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)], undefined, { provisionTimeout: 3 });
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], {}, (stderr) => verbs(s.pool, 'delete').length > 0 && /backed off/.test(stderr), 45_000);
    if (verbs(s.pool, 'delete').length === 0) console.log(out.stderr.slice(-4000));
    expect(verbs(s.pool, 'set-size').map((c) => c.args)).toEqual([['set-size', '5']]);
    // The pool command created vm-103 and vm-104 for the new size; they never became agents.
    expect(verbs(s.pool, 'delete').flatMap((c) => c.args.slice(1)).sort()).toEqual(['vm-103', 'vm-104']);
    expect((await s.pool.pool()).instances.map((i) => i.id)).toEqual(['vm-0', 'vm-1', 'vm-2']);
    expect(out.stderr).toMatch(/never registered as agents within 3 s/);
    expect(out.stderr).toMatch(/scale-up backed off/);
  }, 60_000);

  it('at 50% cpu changes nothing', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8', '10.1.0.9'], [onWorkload('/web', 4, 1)]);
    const out = await runCliUntil(['run', '--config', s.configPath, '-vv'], {}, (stderr) => (stderr.match(/decision stateless: none/g) ?? []).length >= 3, 30_000);
    expect((out.stderr.match(/decision stateless: none/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(verbs(s.pool, 'set-size')).toHaveLength(0);
    expect(verbs(s.pool, 'delete')).toHaveLength(0);
    expect(verbs(s.pool, 'describe').length).toBeGreaterThanOrEqual(3);
    expect(s.cluster.masterCalls.filter((c) => /DRAIN_AGENT|MAINTENANCE|\/maintenance\/schedule|\/machine\//.test(c) && c.startsWith('POST'))).toEqual([]);
  }, 45_000);
});

describe('run with the original flag style for exec', () => {
  it('--provider-name exec --exec-command: at 83% cpu on 3 agents runs `set-size 5`', async () => {
    const s = await setup(['10.1.0.4', '10.1.0.6', '10.1.0.8'], [onWorkload('/web', 5, 1)]);
    const args = ['run', '--provider-name', 'exec', '--exec-command', s.pool.command, '--exec-timeout', '20', '--timer', '1', '--master', s.cluster.masterUrl, '--marathon-url', s.cluster.emu.marathonUrl, '-vv'];
    const out = await runCliUntil(args, {}, () => verbs(s.pool, 'set-size').length > 0, 40_000);
    if (verbs(s.pool, 'set-size').length === 0) console.log(out.stderr.slice(-3000));
    expect(verbs(s.pool, 'set-size').map((c) => c.args)).toEqual([['set-size', '5']]);
    expect(verbs(s.pool, 'describe')[0]?.stdin).toEqual({ group: 'stateless', settings: {} });
  }, 60_000);

  it('lists the exec flags in run --help', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.stdout).toMatch(/--exec-command <command>/);
    expect(r.stdout).toMatch(/--exec-timeout <seconds>/);
  });
});

describe('validate with an exec config', () => {
  const base = { mesos: { masters: ['http://127.0.0.1:5050'] } };

  it('accepts a group with a command, a timeout and settings', async () => {
    const c = await writeConfig({ ...base, groups: [{ name: 'vsphere', provider: { kind: 'exec', command: '/usr/local/bin/vsphere-pool --cluster dc1', timeoutSeconds: 120, settings: { folder: '/dc1/vm/mesos' } } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 1 node group\(s\): vsphere/);
  });

  it('rejects an empty command, naming the field', async () => {
    const c = await writeConfig({ ...base, groups: [{ name: 'vsphere', provider: { kind: 'exec', command: '' } }] });
    cleanup.push(c.remove);
    const r = await runCli(['validate', '--config', c.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\.0\.provider\.command/);
  });
});
