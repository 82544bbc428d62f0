import { readFileSync } from 'node:fs';

/**
 * package.json's version, read once; the same relative path works from src/util/ and from the
 * compiled dist/util/. "unknown" when it cannot be read (never a reason to fail).
 */
export function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const v = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>)['version'] : undefined;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
