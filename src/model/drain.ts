import type { AgentId } from './agent.js';
import { machineKey, type MachineId } from './machine.js';

/**
 * Drains and the other moves of the act path, as data: the pure step decides them, the
 * controller carries them out, the status page shows them.
 */

/**
 * One maintenance window as Mesos holds it. Times stay decimal nanosecond strings exactly as
 * the master sent them (int64 values above 2^53 do not survive a JS number), so an operator's
 * windows are written back byte for byte when the schedule is updated.
 */
export interface MaintenanceWindowView {
  readonly machines: readonly MachineId[];
  readonly startNs: string;
  readonly durationNs?: string;
}

/** The master's maintenance state, read once per cycle into the snapshot. */
export interface MaintenanceView {
  readonly windows: readonly MaintenanceWindowView[];
  /** Machines in DOWN mode (their agents were shut down by the master). */
  readonly down: readonly MachineId[];
}

/**
 * Our mark on what we write: the nanoseconds of a window's duration (or of DRAIN_AGENT's
 * `max_grace_period`) end in these digits. Operators write whole seconds, so a window ending
 * in them is ours, and any other window is theirs; the mark lives in Mesos, so a restarted
 * process or a new leader reads it back.
 */
export const OWNER_MARK_NS = 317n;
const MARK_MODULUS = 1000n;

/** A duration in ms as marked nanoseconds. */
export function markedDurationNs(ms: number): string {
  return (BigInt(Math.max(0, Math.round(ms))) * 1_000_000n + OWNER_MARK_NS).toString();
}

/** True when the nanosecond count carries our mark. */
export function isMarked(ns: string | undefined): boolean {
  if (ns === undefined || !/^\d+$/.test(ns)) return false;
  return BigInt(ns) % MARK_MODULUS === OWNER_MARK_NS;
}

/** Epoch ms of a nanosecond string (for display only; never compared with our clock). */
export function nsToMs(ns: string): number {
  return /^-?\d+$/.test(ns) ? Number(BigInt(ns) / 1_000_000n) : Number.NaN;
}

/** Which machines are in maintenance, and whose: ours (marked) or an operator's. */
export interface MaintenanceIndex {
  readonly ours: ReadonlyMap<string, MachineId>;
  readonly operators: ReadonlyMap<string, MachineId>;
  readonly down: ReadonlySet<string>;
}

export function indexMaintenance(m: MaintenanceView): MaintenanceIndex {
  const ours = new Map<string, MachineId>();
  const operators = new Map<string, MachineId>();
  for (const w of m.windows) {
    const into = isMarked(w.durationNs) ? ours : operators;
    for (const machine of w.machines) into.set(machineKey(machine), machine);
  }
  return { ours, operators, down: new Set(m.down.map(machineKey)) };
}

/** The schedule with one more window of ours for `machine`, every other window untouched. */
export function withOurWindow(m: MaintenanceView, machine: MachineId, startNs: string, windowMs: number): MaintenanceWindowView[] {
  return [...m.windows, { machines: [machine], startNs, durationNs: markedDurationNs(windowMs) }];
}

/** The schedule without `machine` in our windows; an operator's windows are never changed. */
export function withoutOurMachine(m: MaintenanceView, machine: MachineId): MaintenanceWindowView[] {
  const key = machineKey(machine);
  return m.windows
    .map((w) => (isMarked(w.durationNs) ? { ...w, machines: w.machines.filter((x) => machineKey(x) !== key) } : w))
    .filter((w) => w.machines.length > 0);
}

export type DrainMethod = 'maintenance' | 'drain-agent';

/** Where a drain of ours stands. */
export type DrainPhase = 'draining' | 'down' | 'deleting' | 'gone';

/** A move of the act path. The controller executes it and records the outcome. */
export type Move =
  | { readonly kind: 'set-size'; readonly group: string; readonly from: number; readonly to: number; readonly reason: string }
  | {
      readonly kind: 'drain';
      readonly group: string;
      readonly agentId: AgentId;
      readonly machine: MachineId;
      readonly instanceId: string;
      /** Maintenance window + machine/down, or v1 DRAIN_AGENT (Mesos 1.9+) with a marked grace period. */
      readonly method: DrainMethod;
      /** DRAIN_AGENT's `max_grace_period`: the group's drain timeout. */
      readonly graceMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'down'; readonly group: string; readonly machine: MachineId; readonly reason: string }
  | { readonly kind: 'delete'; readonly group: string; readonly instanceId: string; readonly machine?: MachineId; readonly reason: string }
  | { readonly kind: 'finish'; readonly group: string; readonly machine: MachineId; readonly reason: string };

/** One drain of ours as the status page and `plan --json` show it. */
export interface DrainView {
  readonly group: string;
  readonly machine: MachineId;
  readonly agentId?: string;
  readonly instanceId?: string;
  readonly phase: DrainPhase;
  /** What happens next: the move, or what it waits for. */
  readonly next: string;
  /** Ms this process has watched the drain (its own clock, from when it first saw it). */
  readonly watchedMs: number;
}

/** A cloud instance that never registered as an agent in time. */
export interface GhostView {
  readonly group: string;
  readonly instanceId: string;
  readonly watchedMs: number;
}
