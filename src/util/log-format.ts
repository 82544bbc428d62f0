/** How log lines are written: `auto` is pretty on a terminal and JSON otherwise (for log shippers). */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `auto` decided by whether stderr (where logs go) is a terminal. */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean = process.stderr.isTTY === true): 'json' | 'pretty' {
  return format === 'auto' ? (isTerminal ? 'pretty' : 'json') : format;
}
