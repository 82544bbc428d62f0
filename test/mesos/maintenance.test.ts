import { describe, expect, it } from 'vitest';
import {
  applyMaintenance,
  parseMaintenanceSchedule,
  parseMaintenanceStatus,
  scheduleToJson,
  withoutMachine,
} from '../../src/mesos/maintenance.js';
import { parseSlaves } from '../../src/mesos/parse-v0.js';
import { fixtureJson } from '../support/fixtures.js';

/** The schedule example of apache/mesos docs/maintenance.md. */
const DOCS_SCHEDULE = {
  windows: [
    {
      machine_ids: [
        { hostname: 'machine1', ip: '10.0.0.1' },
        { hostname: 'machine2', ip: '10.0.0.2' },
      ],
      unavailability: { start: { nanoseconds: 1443830400000000000 }, duration: { nanoseconds: 3600000000000 } },
    },
    {
      machine_ids: [{ hostname: 'machine3', ip: '10.0.0.3' }],
      unavailability: { start: { nanoseconds: 1443834000000000000 }, duration: { nanoseconds: 3600000000000 } },
    },
  ],
};

describe('maintenance schedule', () => {
  it('parses the docs example (v0 body) and writes the same JSON back', () => {
    const r = parseMaintenanceSchedule(DOCS_SCHEDULE);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.windows).toHaveLength(2);
    expect(r.value.windows[0]).toEqual({
      machines: [
        { hostname: 'machine1', ip: '10.0.0.1' },
        { hostname: 'machine2', ip: '10.0.0.2' },
      ],
      start: 1443830400000,
      durationMs: 3600000,
    });
    expect(scheduleToJson(r.value)).toEqual(DOCS_SCHEDULE);
  });

  it('parses the v1 GET_MAINTENANCE_SCHEDULE docs example', () => {
    const r = parseMaintenanceSchedule(fixtureJson('real-captures/mesos-v1-get-maintenance-schedule-docs-example.json'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.windows).toEqual([{ machines: [{ hostname: 'myhost' }, { ip: '0.0.0.2' }], start: Math.round(1470849373150643200 / 1e6) }]);
  });

  it('an empty schedule is {}; malformed ones are errors', () => {
    expect(parseMaintenanceSchedule({})).toEqual({ ok: true, value: { windows: [] } });
    expect(parseMaintenanceSchedule({ windows: [{ machine_ids: [{ hostname: 'a' }] }] }).ok).toBe(false);
    expect(parseMaintenanceSchedule({ windows: 'x' }).ok).toBe(false);
  });

  it('removing a machine keeps other windows and drops emptied ones', () => {
    const r = parseMaintenanceSchedule(DOCS_SCHEDULE);
    if (!r.ok) throw new Error(r.error.message);
    const s1 = withoutMachine(r.value, { hostname: 'MACHINE3', ip: '10.0.0.3' });
    expect(s1.windows).toHaveLength(1);
    const s2 = withoutMachine(r.value, { hostname: 'machine1', ip: '10.0.0.1' });
    expect(s2.windows.map((w) => w.machines.length)).toEqual([1, 1]);
  });
});

describe('maintenance status', () => {
  it('parses the v1 GET_MAINTENANCE_STATUS docs example', () => {
    const r = parseMaintenanceStatus(fixtureJson('real-captures/mesos-v1-get-maintenance-status-docs-example.json'));
    expect(r).toEqual({ ok: true, value: { draining: [{ ip: '0.0.0.2' }, { hostname: 'myhost' }], down: [] } });
  });

  it('parses the v0 body and marks matching agents as draining', () => {
    const status = parseMaintenanceStatus({
      draining_machines: [{ id: { hostname: '10.1.0.8', ip: '10.1.0.8' }, statuses: [] }],
      down_machines: [{ hostname: '10.1.0.6' }],
    });
    if (!status.ok) throw new Error(status.error.message);
    const agents = parseSlaves(fixtureJson('mesos-1.2-dcos-1.9-slaves/mockupUp.json'));
    if (!agents.ok) throw new Error(agents.error.message);
    const marked = applyMaintenance(agents.value, status.value);
    expect(marked.filter((a) => a.draining).map((a) => a.hostname).sort()).toEqual(['10.1.0.6', '10.1.0.8']);
    // An ip that does not match keeps the agent out of maintenance.
    const wrongIp = applyMaintenance(agents.value, { draining: [{ hostname: '10.1.0.8', ip: '10.9.9.9' }], down: [] });
    expect(wrongIp.some((a) => a.draining)).toBe(false);
    expect(parseMaintenanceStatus({ down_machines: 'x' }).ok).toBe(false);
  });
});
