import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a child process, as a user would; kills it after `timeoutMs`. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; until?: (out: CliResult) => boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: CliResult = { code: null, stdout: '', stderr: '' };
    const check = (): void => {
      if (opts.until?.(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', (d: Buffer) => {
      out.stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      out.stderr += d.toString();
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      out.code = code;
      resolve(out);
    });
  });
}
