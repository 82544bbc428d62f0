import crypto from 'node:crypto';
import type { Secret } from '../util/secret.js';

export type AuthOutcome = { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

export const NO_TOKEN_MESSAGE =
  'state-changing calls are disabled: configure a bearer token (server.token in the config file, --server-token or AS_SERVER_TOKEN)';

/**
 * Checks `Authorization: Bearer <token>` for a state-changing call. Both sides are
 * hashed first so `timingSafeEqual` compares equal-length digests: neither the
 * content nor the length of the token leaks through timing.
 */
export function authorize(header: string | undefined, token: Secret | undefined): AuthOutcome {
  if (!token || token.reveal() === '') return { ok: false, status: 403, message: NO_TOKEN_MESSAGE };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m || !m[1]) return { ok: false, status: 401, message: 'missing bearer token (Authorization: Bearer <token>)' };
  const given = crypto.createHash('sha256').update(m[1]).digest();
  const expected = crypto.createHash('sha256').update(token.reveal()).digest();
  if (!crypto.timingSafeEqual(given, expected)) return { ok: false, status: 403, message: 'wrong bearer token' };
  return { ok: true };
}
