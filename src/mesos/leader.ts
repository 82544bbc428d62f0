import type { HttpClient } from '../util/http.js';
import { err, ok, type Result } from '../util/result.js';
import { displayUrl } from '../util/url.js';
import type { MesosError } from './errors.js';

type Probe =
  | { readonly kind: 'leader'; readonly url: string }
  | { readonly kind: 'no-redirect'; readonly url: string }
  | { readonly kind: 'down'; readonly reason: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `http://m1:5050/` -> `http://m1:5050` so paths can be appended. */
export const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * The leader's base URL from a redirect's `Location` header. Mesos answers `//host:port`
 * (protocol-relative: keep the scheme we asked with; mesos src/master/http.cpp,
 * `Master::Http::redirect`). Anything a URL parser refuses (`http://[::1`) or that is not
 * http(s) is an error value, never an exception: one odd header must not end the process.
 */
export function leaderFromLocation(location: string, base: string): Result<string, MesosError> {
  let url: URL;
  try {
    url = new URL(location, `${trimSlash(base)}/`);
  } catch {
    return err({ kind: 'malformed', message: `${displayUrl(base)} redirected to an invalid Location ${JSON.stringify(displayUrl(location).slice(0, 200))}` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return err({ kind: 'malformed', message: `${displayUrl(base)} redirected to a non-http(s) Location ${JSON.stringify(displayUrl(location).slice(0, 200))}` });
  return ok(url.origin);
}

/** Whether the master URL has a path (DC/OS adminrouter's `https://cluster/mesos`); unparsable counts as none. */
function hasPath(base: string): boolean {
  try {
    return new URL(base).pathname !== '/';
  } catch {
    return false;
  }
}

async function probe(http: HttpClient, master: string): Promise<Probe> {
  const base = trimSlash(master);
  // Behind a proxy (DC/OS adminrouter: https://cluster/mesos) the redirect target is not reachable: use as is.
  if (hasPath(base)) return { kind: 'no-redirect', url: base };
  const res = await http.send({ url: `${base}/master/redirect` });
  if (!res.ok) return { kind: 'down', reason: res.error.message };
  const { status, headers } = res.value;
  const location = headers.location;
  if (REDIRECTS.has(status) && location) {
    const leader = leaderFromLocation(location, base);
    return leader.ok ? { kind: 'leader', url: leader.value } : { kind: 'down', reason: leader.error.message };
  }
  if (status === 404) return { kind: 'no-redirect', url: base };
  return { kind: 'down', reason: `HTTP ${status} from ${displayUrl(base)}/master/redirect` };
}

/**
 * Finds the leading master by asking every given master for `/master/redirect` (307 to the
 * leader). Masters that are down or not answering are skipped. When no master serves the
 * redirect (404, e.g. a bare endpoint like `http://leader.mesos:5050`), the first such URL is used.
 */
export async function findLeader(http: HttpClient, masters: readonly string[]): Promise<Result<string, MesosError>> {
  const probes = await Promise.all(masters.map((m) => probe(http, m)));
  const leader = probes.find((p) => p.kind === 'leader');
  if (leader?.kind === 'leader') return ok(leader.url);
  const direct = probes.find((p) => p.kind === 'no-redirect');
  if (direct?.kind === 'no-redirect') return ok(direct.url);
  const reasons = probes.flatMap((p) => (p.kind === 'down' ? [p.reason] : []));
  return err({ kind: 'no-leader', message: `no leading Mesos master found: ${reasons.join('; ')}` });
}
