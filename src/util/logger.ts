import { pino, type Logger, type DestinationStream } from 'pino';

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
 * Structured JSON logs. Secrets are `Secret` objects and print as "[redacted]";
 * the redact list is a second line of defence for plain strings under known keys, and
 * `scrubber` (the process's one Scrubber) a third: every finished line passes through it, so
 * a secret quoted in any encoding inside any message or field never reaches the output.
 */
export function createLogger(level: pino.Level | 'silent', destination?: DestinationStream, scrubber?: TextScrubber): Logger {
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
    destination ?? pino.destination(2),
  );
}
