import { err, ok, type Result } from './result.js';

/**
 * URL helpers shared by config, adapters, logs and the status server: the one place that
 * decides how a URL is shown (never with its user info) and how credentials written into
 * a URL (`http://user:pass@host:5050`) are taken out of it.
 */

/**
 * The URL as it may be printed: user info removed, nothing else changed. Used for every URL
 * that reaches a log line, an error message, /status or /api/plan. Text that does not parse
 * as a URL still loses anything that looks like `user:pass@` after a scheme.
 */
export function displayUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1');
  }
  if (!u.username && !u.password) return url;
  u.username = '';
  u.password = '';
  // Keep the form the user wrote: `http://h:5050` stays without a trailing slash.
  const shown = u.toString();
  return url.endsWith('/') || u.pathname !== '/' ? shown : shown.replace(/\/$/, '');
}

/** A URL without user info, and the credentials that were in it (percent-decoded). */
export interface SplitUrl {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Takes user info out of a URL so it can be sent as basic auth instead of being kept (and
 * printed) as part of the URL. Unparsable text loses its user info and is left for the schema to reject.
 */
export function splitCredentials(url: string): SplitUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Refused later by the schema; whatever looks like user info is not kept even then.
    return { url: displayUrl(url) };
  }
  if (!u.username && !u.password) return { url };
  const username = decodeOrRaw(u.username);
  const password = decodeOrRaw(u.password);
  return {
    url: displayUrl(url),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/** Percent-decoded, or as written when the escapes are malformed (`pw-%`): never a throw. */
function decodeOrRaw(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `host:port`, `[v6]:port`, `:port` or `port`; what `--listen` takes. */
export interface ListenAddress {
  readonly host?: string;
  readonly port: number;
}

/**
 * Parses a listen address. IPv6 literals need brackets (`[::1]:8080`), as in URLs
 * (RFC 3986 section 3.2.2); a bare `::1` is ambiguous and refused.
 */
export function parseListen(text: string): Result<ListenAddress, string> {
  const s = text.trim();
  const bad = (why: string): Result<never, string> => err(`"${text}" is not host:port (${why}); e.g. 127.0.0.1:8080, [::1]:8080 or :8080`);
  const m = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([^:[\]]*)):(\d+)$/.exec(s) ?? /^()()(\d+)$/.exec(s);
  if (!m) return bad(s.includes('::') || s.split(':').length > 2 ? 'an IPv6 address goes in brackets' : 'expected host:port');
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port > 65535) return bad('port must be 0..65535');
  const host = m[1] || m[2] || undefined;
  if (host !== undefined && m[2] && !/^[A-Za-z0-9.-]+$/.test(host)) return bad(`"${host}" is not a host name or address`);
  return ok(host === undefined ? { port } : { host, port });
}
