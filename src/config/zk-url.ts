// Lives in config/ so the config schema can check a zk:// URL with the same rule the election uses.
import { err, ok, type Result } from '../util/result.js';

/** Where the replicas elect their leader. */
export interface ZkTarget {
  /** `host1:2181,host2:2181`, as the ZooKeeper client takes it. */
  readonly connectString: string;
  /** Znode under which replicas register, e.g. `/mesos-autoscaler/leader`. */
  readonly path: string;
}

/** Znode of the election when the zk:// URL names no path. */
export const DEFAULT_ELECTION_PATH = '/mesos-autoscaler/leader';

const HOST_PORT = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Parses `zk://host1:2181,host2:2181/path` (the form Mesos and Marathon use). */
export function parseZkUrl(url: string): Result<ZkTarget, string> {
  const m = /^zk:\/\/([^/]+)(\/.*)?$/.exec(url.trim());
  if (!m || !m[1]) return err(`"${url}" is not a zk:// URL (expected zk://host:2181[,host:2181]/path)`);
  if (m[1].includes('@')) return err('credentials in the zk:// URL are not supported');
  const hosts = m[1].split(',').map((h) => h.trim());
  const bad = hosts.find((h) => !HOST_PORT.test(h));
  if (bad !== undefined) return err(`bad ZooKeeper host "${bad}" in zk:// URL`);
  const withPorts = hosts.map((h) => (/:\d+$/.test(h) && !h.endsWith(']') ? h : `${h}:2181`));
  const rawPath = (m[2] ?? '').replace(/\/+$/, '');
  const path = rawPath === '' ? DEFAULT_ELECTION_PATH : rawPath;
  if (path.split('/').slice(1).some((p) => p === '' || p === '.' || p === '..'))
    return err(`bad znode path "${path}" in zk:// URL`);
  return ok({ connectString: withPorts.join(','), path });
}
