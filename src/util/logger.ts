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

/**
 * Structured JSON logs. Secrets are `Secret` objects and print as "[redacted]";
 * the redact list is a second line of defence for plain strings under known keys.
 */
export function createLogger(level: pino.Level | 'silent', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
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
