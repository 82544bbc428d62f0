import { z } from 'zod';
import type { Agent } from '../model/agent.js';
import { err, ok, type Result } from '../util/result.js';
import { malformed, type MesosError } from './errors.js';

/**
 * Maintenance primitives (docs/maintenance.md): a schedule of windows, each a set of machines
 * with an unavailability interval; machines go UP -> DRAINING (scheduled) -> DOWN (machine/down).
 * Times are kept as epoch ms; Mesos speaks nanoseconds.
 */

export interface MachineId {
  readonly hostname?: string;
  readonly ip?: string;
}

export interface MaintenanceWindow {
  readonly machines: readonly MachineId[];
  /** Epoch ms when the machines may become unavailable. */
  readonly start: number;
  readonly durationMs?: number;
}

export interface MaintenanceSchedule {
  readonly windows: readonly MaintenanceWindow[];
}

export interface MaintenanceStatus {
  readonly draining: readonly MachineId[];
  readonly down: readonly MachineId[];
}

const machineIdSchema = z.object({ hostname: z.string().optional(), ip: z.string().optional() });
const ns = z.object({ nanoseconds: z.number() });
const scheduleSchema = z.object({
  windows: z
    .array(
      z.object({
        machine_ids: z.array(machineIdSchema),
        unavailability: z.object({ start: ns, duration: ns.optional() }),
      }),
    )
    .optional()
    .default([]),
});
const statusSchema = z.object({
  draining_machines: z.array(z.object({ id: machineIdSchema })).optional().default([]),
  down_machines: z.array(machineIdSchema).optional().default([]),
});

const clean = (m: z.infer<typeof machineIdSchema>): MachineId => ({
  ...(m.hostname ? { hostname: m.hostname } : {}),
  ...(m.ip ? { ip: m.ip } : {}),
});

/** v0 `/master/maintenance/schedule` body (`{}` when empty) or a v1 `GET_MAINTENANCE_SCHEDULE` response. */
export function parseMaintenanceSchedule(json: unknown): Result<MaintenanceSchedule, MesosError> {
  const v1 = z.object({ type: z.literal('GET_MAINTENANCE_SCHEDULE'), get_maintenance_schedule: z.object({ schedule: scheduleSchema }) });
  const parsed = z.union([v1.transform((r) => r.get_maintenance_schedule.schedule), scheduleSchema]).safeParse(json);
  if (!parsed.success) return err(malformed('maintenance schedule', parsed.error));
  return ok({
    windows: parsed.data.windows.map((w) => ({
      machines: w.machine_ids.map(clean),
      start: Math.round(w.unavailability.start.nanoseconds / 1e6),
      ...(w.unavailability.duration ? { durationMs: Math.round(w.unavailability.duration.nanoseconds / 1e6) } : {}),
    })),
  });
}

/** v0 `/master/maintenance/status` body or a v1 `GET_MAINTENANCE_STATUS` response. */
export function parseMaintenanceStatus(json: unknown): Result<MaintenanceStatus, MesosError> {
  const v1 = z.object({ type: z.literal('GET_MAINTENANCE_STATUS'), get_maintenance_status: z.object({ status: statusSchema }) });
  const parsed = z.union([v1.transform((r) => r.get_maintenance_status.status), statusSchema]).safeParse(json);
  if (!parsed.success) return err(malformed('maintenance status', parsed.error));
  return ok({ draining: parsed.data.draining_machines.map((d) => clean(d.id)), down: parsed.data.down_machines.map(clean) });
}

/** The JSON the master's `POST /master/maintenance/schedule` takes. */
export function scheduleToJson(s: MaintenanceSchedule): unknown {
  return {
    windows: s.windows.map((w) => ({
      machine_ids: w.machines.map(clean),
      unavailability: {
        start: { nanoseconds: w.start * 1e6 },
        ...(w.durationMs !== undefined ? { duration: { nanoseconds: w.durationMs * 1e6 } } : {}),
      },
    })),
  };
}

/** Mesos matches a machine on every field it has; hostnames are case-insensitive. */
export function machineMatches(m: MachineId, target: MachineId): boolean {
  if (!m.hostname && !m.ip) return false;
  if (m.hostname && m.hostname.toLowerCase() !== (target.hostname ?? '').toLowerCase()) return false;
  if (m.ip && m.ip !== target.ip) return false;
  return true;
}

/** Same machine when the fields both sides have agree (an entry written with only a hostname still counts). */
export function sameMachine(a: MachineId, b: MachineId): boolean {
  const host = !a.hostname || !b.hostname || a.hostname.toLowerCase() === b.hostname.toLowerCase();
  const ip = !a.ip || !b.ip || a.ip === b.ip;
  return host && ip && Boolean((a.hostname && b.hostname) || (a.ip && b.ip));
}

/** Marks agents whose machine is DRAINING or DOWN; they are no longer capacity. */
export function applyMaintenance(agents: readonly Agent[], status: MaintenanceStatus): Agent[] {
  const inMaintenance = [...status.draining, ...status.down];
  return agents.map((a) =>
    !a.draining && inMaintenance.some((m) => machineMatches(m, { hostname: a.hostname, ...(a.ip ? { ip: a.ip } : {}) }))
      ? { ...a, draining: true }
      : a,
  );
}

/** Schedule without the given machine; windows left empty are dropped (Mesos rejects them). */
export function withoutMachine(s: MaintenanceSchedule, machine: MachineId): MaintenanceSchedule {
  return {
    windows: s.windows
      .map((w) => ({ ...w, machines: w.machines.filter((m) => !sameMachine(m, machine)) }))
      .filter((w) => w.machines.length > 0),
  };
}

export function findWindow(s: MaintenanceSchedule, machine: MachineId): MaintenanceWindow | undefined {
  return s.windows.find((w) => w.machines.some((m) => sameMachine(m, machine)));
}
