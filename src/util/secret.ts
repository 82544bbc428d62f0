import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that cannot leak by accident: printing, logging, JSON-encoding or
 * string-concatenating it yields "[redacted]". Only `reveal()` gives the value,
 * and it is called where the credential is handed to an SDK or an HTTP header.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

/** Shortest value scrubbed: shorter ones would blank ordinary words. */
const MIN_SECRET = 4;

/**
 * Every form in which we send a secret value, so that a server echoing it back in any of them
 * is scrubbed too: raw (also inside `token=<value>`), percent-encoded (query strings, URL user
 * info), form-encoded, JSON-escaped, and base64 / base64url at each of the three byte alignments
 * it can have inside a longer base64 text (an `Authorization: Basic` header is base64 of
 * `user:password`: see `basicCredential`). Longest first, so that no shorter form splits a longer one.
 */
export function encodingsOf(value: string): string[] {
  if (value.length < MIN_SECRET) return [];
  const forms = new Set<string>([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]);
  const bytes = Buffer.from(value, 'utf8');
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const groupsEnd = Math.floor(padded.length / 3) * 4;
    for (const enc of ['base64', 'base64url'] as const) {
      const text = padded.toString(enc);
      // Only the 4-character groups made of the value's bytes alone: the others mix in what surrounds it.
      if (offset === 0) forms.add(text).add(text.replace(/=+$/, ''));
      const core = text.slice(offset === 0 ? 0 : 4, groupsEnd);
      if (core.length >= 8) forms.add(core);
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET).sort((a, b) => b.length - a.length);
}

const formsCache = new WeakMap<Secret, readonly string[]>();

function formsOf(secret: Secret): readonly string[] {
  let forms = formsCache.get(secret);
  if (!forms) {
    forms = encodingsOf(secret.reveal());
    formsCache.set(secret, forms);
  }
  return forms;
}

/**
 * The credential of an `Authorization: Basic` header, `user:password`, as a Secret: scrubbing it
 * removes the header's base64 wherever a server echoes it.
 */
export function basicCredential(username: string, password: Secret): Secret {
  return new Secret(`${username}:${password.reveal()}`);
}

/** Removes every occurrence of the given secrets, in every encoding we send them (`encodingsOf`), from a text. */
export function scrub(text: string, secrets: readonly (Secret | undefined)[]): string {
  const forms = secrets.flatMap((s) => (s ? formsOf(s) : [])).sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * Every Secret inside a value (a parsed Config), plus `user:password` of each object that holds a
 * `username` string beside a `password` Secret (basic auth: `basicCredential`), plus plain strings
 * under keys `secretKey` names (an exec group's free-form `settings`). The list one scrubber
 * holds for logs, errors, /status and /api/plan.
 */
export function secretsIn(value: unknown, secretKey?: (name: string) => boolean): Secret[] {
  const out: Secret[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, key: string): void => {
    if (v instanceof Secret) {
      out.push(v);
      return;
    }
    if (typeof v === 'string') {
      if (secretKey?.(key) && v.length >= MIN_SECRET) out.push(new Secret(v));
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    const rec = v as Record<string, unknown>;
    if (typeof rec['username'] === 'string' && rec['password'] instanceof Secret) out.push(basicCredential(rec['username'], rec['password']));
    if (Array.isArray(v)) for (const item of v) walk(item, key);
    else for (const [k, item] of Object.entries(rec)) walk(item, k);
  };
  walk(value, '');
  return out;
}

/**
 * One scrubber for the whole process: every configured secret (and those added later, e.g.
 * credential-like environment variables), applied to log lines, errors and HTTP answers alike.
 */
export class Scrubber {
  readonly #secrets: Secret[] = [];

  constructor(secrets: readonly (Secret | undefined)[] = []) {
    this.add(secrets);
  }

  add(secrets: readonly (Secret | undefined)[]): void {
    for (const s of secrets) if (s && !this.#secrets.includes(s)) this.#secrets.push(s);
  }

  get secrets(): readonly Secret[] {
    return this.#secrets;
  }

  scrub(text: string): string {
    return scrub(text, this.#secrets);
  }
}
