import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, INVARIANTS } from '../../src/sim/chaos/kinds.js';

/** `npm run chaos` as a user runs it: the figures on stdout, the exit code saying whether anything broke. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHAOS = fileURLToPath(new URL('../../src/cli/chaos.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHAOS, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { code: null as number | null, stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      out.code = code;
      resolve(out);
    });
  });
}

describe('the chaos command', () => {
  it('prints the cycles run, every fault kind and every invariant with its breaks, and exits 0 with none', async () => {
    const r = await run(['--seed', '3', '--cycles', '40', '--http-share', '0']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^chaos: seed 3, 40 cycles with faults \+ \d+ quiet cycles, 1 episodes/);
    for (const k of FAULT_KINDS) expect(r.stdout).toMatch(new RegExp(`^  ${k} +\\d+$`, 'm'));
    for (const k of INVARIANTS) expect(r.stdout).toMatch(new RegExp(`^  ${k} +0$`, 'm'));
    expect(r.stdout).toMatch(/^invariant breaks: 0$/m);
    expect(r.code).toBe(0);
  }, 120_000);

  it('answers a bad flag with exit code 2 and a message naming it', async () => {
    const r = await run(['--cycles', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cycles must be a whole number');
  }, 120_000);
});
