import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Fixtures are copied from /work/shared/fixtures into test/fixtures so a clean checkout has them. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));
}

export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function fixtureJson(relative: string): unknown {
  return JSON.parse(fixtureText(relative));
}

/** One JSON value per non-empty line (SUBSCRIBE captures with the RecordIO prefixes removed). */
export function fixtureJsonLines(relative: string): unknown[] {
  return fixtureText(relative)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}
