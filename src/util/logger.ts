import { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { resolveLogFormat, type LogFormat } from './log-format.js';

export { LOG_FORMATS, resolveLogFormat, type LogFormat } from './log-format.js';

export type { Logger };

/** The original tool's levels: 0 critical, 1 warning, 2 info (its default), 3 debug; 4 adds trace. */
export function levelForVerbosity(verbosity: number): pino.Level {
  if (verbosity >= 4) return 'trace';
  if (verbosity === 3) return 'debug';
  if (verbosity === 2) return 'info';
  if (verbosity === 1) return 'warn';
  return 'fatal';
}

/** What removes secrets from text (util/secret.ts `Scrubber`). */
export interface TextScrubber {
  scrub(text: string): string;
}

/**
 * Structured JSON logs, or the same records as one human-readable line each (pino-pretty)
 * with `format` `pretty` (or `auto` on a terminal). Secrets are `Secret` objects and print as "[redacted]";
 * the redact list is a second line of defence for plain strings under known keys, and
 * `scrubber` (the process's one Scrubber) a third: every finished line passes through it, so
 * a secret quoted in any encoding inside any message or field never reaches the output.
 */
export function createLogger(level: pino.Level | 'silent', destination?: DestinationStream, scrubber?: TextScrubber, format: LogFormat = 'json'): Logger {
  const pretty = resolveLogFormat(format) === 'pretty';
  // The scrubber hook runs on the JSON line before pino-pretty reads it, so pretty lines are scrubbed too.
  const out: DestinationStream = pretty
    ? PinoPretty({
        // pino-pretty needs a Node stream; a plain { write } destination (tests, the chaos referee) is wrapped.
        destination: destination ? asWritable(destination) : 2,
        sync: true,
        colorize: destination === undefined && process.stderr.isTTY === true,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname,name',
        singleLine: true,
      })
    : (destination ?? pino.destination(2));
  return pino(
    {
      level,
      ...(scrubber ? { hooks: { streamWrite: (line: string) => scrubber.scrub(line) } } : {}),
      base: { name: 'mesos-autoscaler' },
      redact: {
        paths: [
          '*.clientSecret',
          '*.password',
          '*.token',
          '*.authorization',
          '*.headers.authorization',
          'clientSecret',
          'password',
          'token',
        ],
        censor: '[redacted]',
      },
    },
    out,
  );
}

function asWritable(d: DestinationStream): Writable {
  if (d instanceof Writable) return d;
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      d.write(chunk.toString());
      done();
    },
  });
}
