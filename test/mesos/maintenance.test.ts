import { describe, expect, it } from 'vitest';
import { applyMaintenance, parseMaintenanceSchedule, parseMaintenanceStatus, scheduleBody } from '../../src/mesos/maintenance.js';
import { parseSlaves } from '../../src/mesos/parse-v0.js';
import { indexMaintenance, isMarked, markedDurationNs, withOurWindow, withoutOurMachine } from '../../src/model/drain.js';
import { fixtureJson, fixtureText } from '../support/fixtures.js';

/** The schedule example of apache/mesos docs/maintenance.md, as the master sends it (64-bit nanoseconds). */
const DOCS_SCHEDULE = `{"windows":[{"machine_ids":[{"hostname":"machine1","ip":"10.0.0.1"},{"hostname":"machine2","ip":"10.0.0.2"}],"unavailability":{"start":{"nanoseconds":1443830400000000000},"duration":{"nanoseconds":3600000000000}}},{"machine_ids":[{"hostname":"machine3","ip":"10.0.0.3"}],"unavailability":{"start":{"nanoseconds":1443834000000000000},"duration":{"nanoseconds":3600000000000}}}]}`;

describe('maintenance schedule', () => {
  it('parses the docs example (v0 body) and writes the same JSON back, byte for byte', () => {
    const r = parseMaintenanceSchedule(DOCS_SCHEDULE);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(2);
    expect(r.value[0]).toEqual({
      machines: [
        { hostname: 'machine1', ip: '10.0.0.1' },
        { hostname: 'machine2', ip: '10.0.0.2' },
      ],
      startNs: '1443830400000000000',
      durationNs: '3600000000000',
    });
    expect(scheduleBody(r.value)).toBe(DOCS_SCHEDULE);
  });

  it('keeps nanoseconds that a JS number cannot hold exactly', () => {
    const odd = '{"windows":[{"machine_ids":[{"hostname":"ops","ip":"10.0.0.9"}],"unavailability":{"start":{"nanoseconds":1764320000123456789},"duration":{"nanoseconds":86400000000001}}}]}';
    const r = parseMaintenanceSchedule(odd);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]?.startNs).toBe('1764320000123456789');
    expect(scheduleBody(r.value)).toBe(odd);
  });

  it('parses the v1 GET_MAINTENANCE_SCHEDULE docs example', () => {
    const r = parseMaintenanceSchedule(fixtureText('real-captures/mesos-v1-get-maintenance-schedule-docs-example.json'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(1);
    expect(r.value[0]?.machines).toEqual([{ hostname: 'myhost' }, { ip: '0.0.0.2' }]);
    expect(r.value[0]?.startNs).toMatch(/^14708493731506432\d\d$/);
  });

  it('an empty schedule is {}; malformed ones are errors', () => {
    expect(parseMaintenanceSchedule('{}')).toEqual({ ok: true, value: [] });
    expect(parseMaintenanceSchedule('{"windows":[{"machine_ids":[{"hostname":"a"}]}]}').ok).toBe(false);
    expect(parseMaintenanceSchedule('{"windows":"x"}').ok).toBe(false);
    expect(parseMaintenanceSchedule('{"windows":[').ok).toBe(false);
  });

  it('our windows are marked; removing a machine touches only ours and drops emptied ones', () => {
    const r = parseMaintenanceSchedule(DOCS_SCHEDULE);
    if (!r.ok) throw new Error(r.error.message);
    const operators = { windows: r.value, down: [] };
    expect(indexMaintenance(operators).ours.size).toBe(0);
    const ours = { hostname: 'agent-7', ip: '10.0.0.7' };
    const withOurs = withOurWindow(operators, ours, '1443830400000000000', 600_000);
    expect(isMarked(withOurs[2]?.durationNs)).toBe(true);
    expect(isMarked(markedDurationNs(0))).toBe(true);
    expect(isMarked('3600000000000')).toBe(false);
    expect(indexMaintenance({ windows: withOurs, down: [] }).ours.size).toBe(1);
    // An operator's machine is never taken out of its window, even when asked.
    expect(withoutOurMachine({ windows: withOurs, down: [] }, { hostname: 'MACHINE3', ip: '10.0.0.3' })).toHaveLength(3);
    const cleared = withoutOurMachine({ windows: withOurs, down: [] }, { hostname: 'AGENT-7', ip: '10.0.0.7' });
    expect(cleared).toEqual(r.value);
    expect(scheduleBody(cleared)).toBe(DOCS_SCHEDULE);
  });
});

describe('maintenance status', () => {
  it('parses the v1 GET_MAINTENANCE_STATUS docs example', () => {
    const r = parseMaintenanceStatus(fixtureJson('real-captures/mesos-v1-get-maintenance-status-docs-example.json'));
    expect(r).toEqual({ ok: true, value: { draining: [{ ip: '0.0.0.2' }, { hostname: 'myhost' }], down: [] } });
  });

  it('marks agents of scheduled or down machines as draining, matching hostname and IP as Mesos does', () => {
    const agents = parseSlaves(fixtureJson('mesos-1.2-dcos-1.9-slaves/mockupUp.json'));
    if (!agents.ok) throw new Error(agents.error.message);
    const a8 = agents.value.find((a) => a.hostname === '10.1.0.8');
    const a6 = agents.value.find((a) => a.hostname === '10.1.0.6');
    if (!a8?.ip || !a6?.ip) throw new Error('fixture agents have pids');
    const view = { windows: [{ machines: [{ hostname: a8.hostname, ip: a8.ip }], startNs: '0' }], down: [{ hostname: a6.hostname, ip: a6.ip }] };
    const marked = applyMaintenance(agents.value, view);
    expect(marked.filter((a) => a.draining).map((a) => a.hostname).sort()).toEqual(['10.1.0.6', '10.1.0.8']);
    // An IP that does not match, or a hostname alone, keeps the agent out of maintenance.
    expect(applyMaintenance(agents.value, { windows: [{ machines: [{ hostname: '10.1.0.8', ip: '10.9.9.9' }], startNs: '0' }], down: [] }).some((a) => a.draining)).toBe(false);
    expect(applyMaintenance(agents.value, { windows: [{ machines: [{ hostname: '10.1.0.8' }], startNs: '0' }], down: [] }).some((a) => a.draining)).toBe(false);
    expect(parseMaintenanceStatus({ down_machines: 'x' }).ok).toBe(false);
  });

  it('keeps identities for the planner: the same list with no maintenance, the same draining copy cycle after cycle', () => {
    const agents = parseSlaves(fixtureJson('mesos-1.2-dcos-1.9-slaves/mockupUp.json'));
    if (!agents.ok) throw new Error(agents.error.message);
    expect(applyMaintenance(agents.value, { windows: [], down: [] })).toBe(agents.value);
    const a8 = agents.value.find((a) => a.hostname === '10.1.0.8');
    if (!a8?.ip) throw new Error('fixture agents have pids');
    const view = { windows: [{ machines: [{ hostname: a8.hostname, ip: a8.ip }], startNs: '0' }], down: [] };
    const first = applyMaintenance(agents.value, view);
    const second = applyMaintenance(agents.value, view);
    const at = agents.value.indexOf(a8);
    expect(second[at]).toBe(first[at]);
    expect(second[at]).not.toBe(a8);
    expect(second[at]).toEqual({ ...a8, draining: true });
    // Agents out of maintenance are the listed objects themselves.
    second.forEach((a, n) => n !== at && expect(a).toBe(agents.value[n]));
  });
});
