import { LosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { z } from 'zod';
import type { Agent } from '../model/agent.js';
import type { MaintenanceView, MaintenanceWindowView } from '../model/drain.js';
import { machineKey, machineOf, type MachineId } from '../model/machine.js';
import { errorMessage, err, ok, type Result } from '../util/result.js';
import { malformed, type MesosError } from './errors.js';

/**
 * Maintenance primitives (apache/mesos docs/maintenance.md): a schedule of windows, each a set of
 * machines with an unavailability interval; a scheduled machine is DRAINING, machine/down takes
 * it DOWN. Nanoseconds are int64 in Mesos and kept as exact decimal strings here.
 */

export type { MachineId } from '../model/machine.js';

/** Machines the master lists as draining and down (`/master/maintenance/status`). */
export interface MaintenanceStatus {
  readonly draining: readonly MachineId[];
  readonly down: readonly MachineId[];
}

const machineIdSchema = z.object({ hostname: z.string().optional(), ip: z.string().optional() });
/** A number parsed losslessly: its digits exactly as the master sent them. */
const exact = z.union([z.instanceof(LosslessNumber).transform((n) => n.value), z.string().regex(/^-?\d+$/)]);
const ns = z.object({ nanoseconds: exact });
const scheduleSchema = z.object({
  windows: z
    .array(z.object({ machine_ids: z.array(machineIdSchema), unavailability: z.object({ start: ns, duration: ns.optional() }) }))
    .optional()
    .default([]),
});
const statusSchema = z.object({
  draining_machines: z.array(z.object({ id: machineIdSchema })).optional().default([]),
  down_machines: z.array(machineIdSchema).optional().default([]),
});

const clean = (m: z.infer<typeof machineIdSchema>): MachineId => ({
  ...(m.hostname !== undefined ? { hostname: m.hostname } : {}),
  ...(m.ip !== undefined ? { ip: m.ip } : {}),
});

/**
 * The v0 `/master/maintenance/schedule` body (`{}` when empty) or a v1 `GET_MAINTENANCE_SCHEDULE`
 * response, from its text: parsed losslessly so 64-bit nanoseconds survive.
 */
export function parseMaintenanceSchedule(text: string): Result<MaintenanceWindowView[], MesosError> {
  let json: unknown;
  try {
    json = parseLossless(text);
  } catch (e) {
    return err({ kind: 'malformed', message: `maintenance schedule is not JSON: ${errorMessage(e)}` });
  }
  const v1 = z.object({ type: z.literal('GET_MAINTENANCE_SCHEDULE'), get_maintenance_schedule: z.object({ schedule: scheduleSchema }) });
  const parsed = z.union([v1.transform((r) => r.get_maintenance_schedule.schedule), scheduleSchema]).safeParse(json);
  if (!parsed.success) return err(malformed('maintenance schedule', parsed.error));
  return ok(
    parsed.data.windows.map((w) => ({
      machines: w.machine_ids.map(clean),
      startNs: w.unavailability.start.nanoseconds,
      ...(w.unavailability.duration ? { durationNs: w.unavailability.duration.nanoseconds } : {}),
    })),
  );
}

/** v0 `/master/maintenance/status` body or a v1 `GET_MAINTENANCE_STATUS` response. */
export function parseMaintenanceStatus(json: unknown): Result<MaintenanceStatus, MesosError> {
  const v1 = z.object({ type: z.literal('GET_MAINTENANCE_STATUS'), get_maintenance_status: z.object({ status: statusSchema }) });
  const parsed = z.union([v1.transform((r) => r.get_maintenance_status.status), statusSchema]).safeParse(json);
  if (!parsed.success) return err(malformed('maintenance status', parsed.error));
  return ok({ draining: parsed.data.draining_machines.map((d) => clean(d.id)), down: parsed.data.down_machines.map(clean) });
}

/** The body of `POST /master/maintenance/schedule`, every nanosecond count written exactly as read. */
export function scheduleBody(windows: readonly MaintenanceWindowView[]): string {
  const body = {
    windows: windows.map((w) => ({
      machine_ids: w.machines.map(clean),
      unavailability: {
        start: { nanoseconds: new LosslessNumber(w.startNs) },
        ...(w.durationNs !== undefined ? { duration: { nanoseconds: new LosslessNumber(w.durationNs) } } : {}),
      },
    })),
  };
  return stringifyLossless(body) ?? '{}';
}

/**
 * Marks agents whose machine is scheduled or down as draining (not capacity). A scheduled
 * machine is DRAINING in Mesos whatever its window's start; matching is Mesos's MachineID
 * equality, so an entry without the agent's IP marks nothing, as on a real master.
 */
export function applyMaintenance(agents: readonly Agent[], view: MaintenanceView): readonly Agent[] {
  const machines = [...view.windows.flatMap((w) => w.machines), ...view.down];
  // No maintenance: the same list (the planner follows lists and agents by identity, src/util/identity-diff.ts).
  if (machines.length === 0) return agents;
  const keys = new Set<string>(machines.map(machineKey));
  // An agent's machine always has an IP, so only agents with one of these IPs can be in a window:
  // the others are passed over without making their machine key.
  const ips = new Set<string>(machines.flatMap((m) => (m.ip === undefined ? [] : [m.ip])));
  return agents.map((a) => {
    if (a.draining || a.ip === undefined || !ips.has(a.ip)) return a;
    const m = machineOf(a);
    return m !== undefined && keys.has(machineKey(m)) ? drainingCopy(a) : a;
  });
}

/** One draining copy per agent object, so an agent in a window is the same object cycle after cycle. */
const copies = new WeakMap<Agent, Agent>();

function drainingCopy(a: Agent): Agent {
  let c = copies.get(a);
  if (c === undefined) {
    c = { ...a, draining: true };
    copies.set(a, c);
  }
  return c;
}
