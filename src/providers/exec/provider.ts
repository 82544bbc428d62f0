import type { NodeGroupState } from '../../model/node-group.js';
import type { Logger } from '../../util/logger.js';
import { Secret } from '../../util/secret.js';
import { ProviderError, type CallOptions, type NodeGroupProvider, type NodeGroupRef, type ProviderErrorKind } from '../provider.js';
import { isSecretName, redactCredentials, secretsFromEnv } from '../redact.js';
import { parseDescribe, parseError } from './output.js';
import { runCommand, type RunResult } from './run.js';

/** One exec-backed group's settings, as the config's provider block gives them. */
export interface ExecSettings {
  /** Shell command line; the verb and its arguments are appended. */
  readonly command: string;
  readonly timeoutSeconds: number;
  /** Free-form settings for the command, passed on stdin. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface ExecProviderOptions {
  /** The command's environment (default process.env); credential-like values are scrubbed from errors. */
  readonly env?: NodeJS.ProcessEnv;
  readonly killGraceMs?: number;
}

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['throttled', 'busy', 'unavailable']);

/** String values under credential-like keys, at any depth. */
function secretsIn(value: unknown, key = ''): Secret[] {
  if (typeof value === 'string') return isSecretName(key) && value.length >= 4 ? [new Secret(value)] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretsIn(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretsIn(v, k));
  return [];
}

/**
 * Node groups managed by an external command, for vSphere, bare metal or anything without a
 * provider here. The command is run as `<command> describe`, `<command> set-size N` and
 * `<command> delete ID...`, with `{"group": <name>, "settings": {...}}` on stdin. `describe`
 * prints `{ desired, min?, max?, instances: [{ id, hostname?, privateIp?, state }] }`; the other
 * verbs' output is ignored. A non-zero exit fails the call with the command's stderr (credentials
 * scrubbed, length bounded); a command may classify its failure by printing
 * `{"error":{"kind":"throttled"|"quota"|"busy"|...,"message":"..."}}` on stdout. A command that
 * outlives `timeoutSeconds` is killed with its process group.
 */
export class ExecProvider implements NodeGroupProvider {
  readonly kind = 'exec';
  private readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly secrets: readonly Secret[];

  constructor(
    private readonly exec: ExecSettings,
    logger: Logger,
    private readonly options: ExecProviderOptions = {},
  ) {
    this.log = logger.child({ provider: 'exec' });
    this.env = options.env ?? process.env;
    this.secrets = [...secretsIn(exec.settings), ...secretsFromEnv(this.env)];
  }

  async describe(group: NodeGroupRef, options: CallOptions = {}): Promise<NodeGroupState> {
    const r = await this.run(group, ['describe'], options.signal);
    const parsed = parseDescribe(r.stdout);
    if (!parsed.ok) throw this.fail(group, 'describe', `${parsed.error}`, 'invalid', false);
    return parsed.value;
  }

  async setDesiredSize(group: NodeGroupRef, size: number, options: CallOptions = {}): Promise<void> {
    if (!Number.isInteger(size) || size < 0)
      throw new ProviderError(`setDesiredSize ${group.name}: size ${size} is not a whole number >= 0`, 'invalid', false);
    await this.run(group, ['set-size', String(size)], options.signal);
    this.log.info({ group: group.name, size }, 'exec group size set');
  }

  async deleteInstances(group: NodeGroupRef, ids: readonly string[], options: CallOptions = {}): Promise<void> {
    if (ids.length === 0) return;
    if (ids.some((id) => id.trim() === '')) throw new ProviderError(`deleteInstances ${group.name}: empty instance id`, 'invalid', false);
    await this.run(group, ['delete', ...ids], options.signal);
    this.log.info({ group: group.name, instanceIds: ids }, 'exec group instances deleted');
  }

  /** Runs one verb; resolves only on exit code 0, else throws a classified, scrubbed ProviderError. */
  private async run(group: NodeGroupRef, args: readonly string[], signal: AbortSignal | undefined): Promise<RunResult> {
    const verb = args[0] ?? '';
    const started = Date.now();
    const stdin = JSON.stringify({ group: group.name, settings: this.exec.settings });
    const r = await runCommand(this.exec.command, args, stdin, {
      timeoutMs: this.exec.timeoutSeconds * 1000,
      env: this.env,
      ...(this.options.killGraceMs !== undefined ? { killGraceMs: this.options.killGraceMs } : {}),
      ...(signal ? { signal } : {}),
    });
    const ms = Date.now() - started;
    if (r.spawnError !== undefined) throw this.fail(group, verb, `cannot start the command: ${r.spawnError}`, 'invalid', false, ms);
    if (r.aborted) throw this.fail(group, verb, `was killed: the call's deadline passed${this.stderrPart(r)}`, 'unavailable', true, ms);
    if (r.timedOut) throw this.fail(group, verb, `timed out after ${this.exec.timeoutSeconds} s and was killed${this.stderrPart(r)}`, 'unavailable', true, ms);
    if (r.tooLarge) throw this.fail(group, verb, 'wrote more than 1 MiB to stdout and was killed', 'invalid', false, ms);
    if (r.code !== 0) {
      const said = parseError(r.stdout);
      const how = r.code === undefined ? `was killed by ${r.signal ?? 'a signal'}` : `exited with ${r.code}`;
      if (said) throw this.fail(group, verb, `${how}: ${said.message ?? said.kind}${this.stderrPart(r)}`, said.kind, RETRYABLE.has(said.kind), ms);
      // 126/127: the shell could not execute or find the command: a configuration error.
      const kind: ProviderErrorKind = r.code === 126 || r.code === 127 ? 'invalid' : 'unknown';
      throw this.fail(group, verb, `${how}${this.stderrPart(r)}`, kind, false, ms);
    }
    this.log.debug({ op: verb, group: group.name, ms }, 'exec call done');
    return r;
  }

  private stderrPart(r: RunResult): string {
    const text = r.stderr.trim();
    return text ? `: ${text}` : '';
  }

  private fail(group: NodeGroupRef, verb: string, why: string, kind: ProviderErrorKind, retryable: boolean, ms?: number): ProviderError {
    const message = redactCredentials(`${verb} ${group.name}: command ${why}`, this.secrets);
    this.log.warn({ op: verb, group: group.name, ...(ms !== undefined ? { ms } : {}), kind, retryable, err: message }, 'exec call failed');
    return new ProviderError(message, kind, retryable);
  }
}
