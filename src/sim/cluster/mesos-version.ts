/**
 * Which Mesos version brought what the emulated master and agents show or accept, so an
 * emulated older master is never more capable than the real one was.
 */

/** Agent draining: DRAIN_AGENT / REACTIVATE_AGENT, `AGENT_DRAINING`, `deactivated`, `drain_info` (apache/mesos 8a85efb, MESOS-9814, first in 1.9.0). */
export const DRAINING_SINCE: readonly number[] = [1, 9, 0];

/** SUBSCRIBE `HEARTBEAT` events and `heartbeat_interval_seconds` (apache/mesos 4d0e692 and ef73c23, MESOS-7695, first in 1.5.0). */
export const HEARTBEAT_SINCE: readonly number[] = [1, 5, 0];

/**
 * `/master/slaves` `unreserved_resources_full` (readonly_handler.cpp `SlavesWriter::writeSlave`):
 * absent from the project's Mesos 1.2 captures (test/fixtures/mesos-1.2-dcos-1.9-slaves), present in
 * public Mesos 1.4.0 `/slaves` captures; emitted from 1.4 on.
 */
export const UNRESERVED_FULL_SINCE: readonly number[] = [1, 4, 0];

/** True when a "major.minor.patch[-suffix]" version is at least `min`. */
export function versionAtLeast(version: string, min: readonly number[]): boolean {
  const v = version.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < min.length; i++) {
    const a = v[i];
    const have = a !== undefined && Number.isFinite(a) ? a : 0;
    const want = min[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}
