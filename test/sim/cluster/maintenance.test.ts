import { describe, expect, it } from 'vitest';
import { agentSpec, hostsOf, newCluster } from './helpers.js';

describe('maintenance', () => {
  it('schedules machines as DRAINING, takes them DOWN and brings them back UP under a new agent id', () => {
    const c = newCluster({ offerOrder: 'registration' });
    const a = c.addAgent(agentSpec(1));
    c.addAgent(agentSpec(2));
    c.createApp({ id: 'svc', instances: 1, cpus: 1, mem: 1 });
    c.clock.advance(2000);
    expect(hostsOf(c, '/svc')).toEqual(['node-1']);
    const machine = { hostname: 'node-1', ip: '10.0.0.1' };
    expect(c.updateMaintenanceSchedule([{ machines: [machine], start: c.clock.now() + 60_000, durationMs: 3_600_000 }]).ok).toBe(true);
    expect(c.maintenance.machines('DRAINING')).toEqual([machine]);
    expect(c.machineMode(a)).toBe('DRAINING');
    expect(c.isDraining(a)).toBe(true);
    // Down before being scheduled is refused, as the master does.
    expect(c.startMaintenance([{ hostname: 'node-2', ip: '10.0.0.2' }]).ok).toBe(false);
    expect(c.startMaintenance([machine]).ok).toBe(true);
    expect(c.getAgent(a.id)).toBeUndefined();
    expect(c.maintenance.machines('DOWN')).toEqual([machine]);
    // A DOWN machine cannot leave the schedule by an update.
    expect(c.updateMaintenanceSchedule([]).ok).toBe(false);
    c.clock.advance(1000);
    expect(hostsOf(c, '/svc')).toEqual(['node-2']);
    expect(c.stopMaintenance([{ hostname: 'node-2', ip: '10.0.0.2' }]).ok).toBe(false);
    expect(c.stopMaintenance([machine]).ok).toBe(true);
    expect(c.maintenance.windows).toEqual([]);
    const back = c.agentByHostname('node-1');
    expect(back?.id).not.toBe(a.id);
    expect(back?.id).toMatch(/-S2$/);
  });

  it('rejects a machine that appears twice', () => {
    const c = newCluster();
    const m = { hostname: 'h' };
    expect(c.updateMaintenanceSchedule([{ machines: [m], start: 0 }, { machines: [m], start: 1 }]).ok).toBe(false);
  });
});
