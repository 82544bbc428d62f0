import type { DestinationStream } from 'pino';
import type { ChaosSecrets } from './world.js';

/**
 * Every encoding in which we send a credential: the raw values, HTTP basic's base64 of
 * `user:password`, and the DC/OS `token=` header form. A needle found in any output is a leak.
 */
export function secretNeedles(s: ChaosSecrets): string[] {
  const basic = Buffer.from(`${s.mesosUser}:${s.mesosPassword}`).toString('base64');
  return [s.mesosPassword, basic, s.marathonToken, `token=${s.marathonToken}`, s.serverToken];
}

/** The first needle found in the text, if any. */
export function findSecret(text: string, needles: readonly string[]): string | undefined {
  for (const n of needles) if (text.includes(n)) return n;
  return undefined;
}

/**
 * A log destination that reads every byte the logger writes and reports any secret in it;
 * lines are not kept (a 10,000-cycle run logs a lot).
 */
export function scanningDestination(needles: readonly string[], onLeak: (line: string) => void): DestinationStream & { lines: number } {
  const dest = {
    lines: 0,
    write(msg: string): void {
      dest.lines++;
      if (findSecret(msg, needles) !== undefined) onLeak(msg.slice(0, 300));
    },
  };
  return dest;
}

/** A line that names where a leak was seen without repeating the secret. */
export function describeLeak(where: string, text: string, needles: readonly string[]): string {
  const n = findSecret(text, needles) ?? '';
  const i = text.indexOf(n);
  const around = `${text.slice(Math.max(0, i - 60), i)}<secret>${text.slice(i + n.length, i + n.length + 40)}`;
  return `${where}: ${around.replace(/\s+/g, ' ')}`;
}
