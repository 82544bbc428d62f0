import { spawn } from 'node:child_process';

/** How one run of the command ended. */
export interface RunResult {
  /** Exit code; undefined when it was ended by a signal. */
  readonly code: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** The caller's signal aborted the run (its deadline passed); the process group was killed. */
  readonly aborted: boolean;
  /** stdout went over the limit; the process was killed and stdout is cut. */
  readonly tooLarge: boolean;
  /** The shell itself could not be started (spawn error). */
  readonly spawnError?: string;
}

export interface RunOptions {
  readonly timeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
  /** Most stdout kept; more kills the command (default 1 MiB). */
  readonly maxStdoutBytes?: number;
  /** Most stderr kept, the first bytes (default 16 KiB); the rest is dropped. */
  readonly maxStderrBytes?: number;
  /** Time between SIGTERM and SIGKILL when the deadline passes (default 2 s). */
  readonly killGraceMs?: number;
  /** Aborting it kills the command like a timeout does. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `command` (a shell command line from the config) with `args` appended as positional
 * parameters, so ids and sizes are never interpolated into shell text: `sh -c '<command> "$@"'`.
 * The command runs in its own process group, so that a timeout ends it and anything it started.
 */
export function runCommand(command: string, args: readonly string[], stdin: string, o: RunOptions): Promise<RunResult> {
  const maxOut = o.maxStdoutBytes ?? 1024 * 1024;
  const maxErr = o.maxStderrBytes ?? 16 * 1024;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${command} "$@"`, 'mesos-autoscaler-exec', ...args], {
      env: o.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let aborted = false;
    let tooLarge = false;
    let spawnError: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const stop = (): void => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), o.killGraceMs ?? 2_000);
    };

    const deadline = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (d: Buffer) => {
      if (tooLarge) return;
      outBytes += d.length;
      if (outBytes > maxOut) {
        tooLarge = true;
        out.push(d.subarray(0, Math.max(0, d.length - (outBytes - maxOut))));
        stop();
        return;
      }
      out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (errBytes >= maxErr) return;
      err.push(d.subarray(0, maxErr - errBytes));
      errBytes += d.length;
    });
    // A command that does not read its stdin may exit before we finish writing: not an error.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      o.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // The shell is gone; make sure nothing it started outlives a timeout.
      if (timedOut || aborted || tooLarge) killGroup('SIGKILL');
      resolve({
        code: code ?? undefined,
        signal: signal ?? undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        aborted,
        tooLarge,
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    });
    child.stdin.end(stdin);
  });
}
