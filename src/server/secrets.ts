import { Secret } from '../util/secret.js';

/** Every Secret anywhere inside a value (a parsed Config), for scrubbing free text before it is shown. */
export function collectSecrets(value: unknown, out: Secret[] = [], seen = new Set<object>()): Secret[] {
  if (value instanceof Secret) {
    out.push(value);
    return out;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectSecrets(v, out, seen);
  return out;
}
