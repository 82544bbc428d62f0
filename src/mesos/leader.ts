import type { HttpClient } from '../util/http.js';
import { err, ok, type Result } from '../util/result.js';
import type { MesosError } from './errors.js';

type Probe =
  | { readonly kind: 'leader'; readonly url: string }
  | { readonly kind: 'no-redirect'; readonly url: string }
  | { readonly kind: 'down'; readonly reason: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `http://m1:5050/` -> `http://m1:5050` so paths can be appended. */
export const trimSlash = (url: string): string => url.replace(/\/+$/, '');

async function probe(http: HttpClient, master: string): Promise<Probe> {
  const base = trimSlash(master);
  // Behind a proxy (DC/OS adminrouter: https://cluster/mesos) the redirect target is not reachable: use as is.
  if (new URL(base).pathname !== '/') return { kind: 'no-redirect', url: base };
  const res = await http.send({ url: `${base}/master/redirect` });
  if (!res.ok) return { kind: 'down', reason: res.error.message };
  const { status, headers } = res.value;
  const location = headers.location;
  if (REDIRECTS.has(status) && location) {
    // Mesos answers `//host:port`: protocol-relative, so keep the scheme we asked with.
    return { kind: 'leader', url: new URL(location, `${base}/`).origin };
  }
  if (status === 404) return { kind: 'no-redirect', url: base };
  return { kind: 'down', reason: `HTTP ${status} from ${base}/master/redirect` };
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
