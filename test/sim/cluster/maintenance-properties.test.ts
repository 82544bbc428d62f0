import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { machineKey, type MachineId } from '../../../src/model/machine.js';
import { agentSpec, newCluster } from './helpers.js';

/**
 * Properties of the emulated master's maintenance over random operator sequences: the rules of
 * apache/mesos src/master/http.cpp and src/master/maintenance.cpp hold after every step.
 */

// Agents node-1..node-3 on 10.0.0.1..3; machine ids vary case, drop a field or point elsewhere.
const machineArb: fc.Arbitrary<MachineId> = fc.oneof(
  fc.record({ n: fc.integer({ min: 1, max: 3 }), upper: fc.boolean() }).map(({ n, upper }) => ({ hostname: upper ? `NODE-${n}` : `node-${n}`, ip: `10.0.0.${n}` })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ hostname: `node-${n}` })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ ip: `10.0.0.${n}` })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ hostname: `node-${n}`, ip: `10.0.1.${n}` })),
);

const nsArb = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });

type Op =
  | { kind: 'schedule'; windows: { machines: MachineId[]; startNs: bigint; durationNs?: bigint }[] }
  | { kind: 'down'; machines: MachineId[] }
  | { kind: 'up'; machines: MachineId[] }
  /** Down a DRAINING (or up a DOWN) machine of the moment, named with its hostname upper-cased. */
  | { kind: 'downAt'; at: number }
  | { kind: 'upAt'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('schedule' as const),
    windows: fc.array(
      fc.record({ machines: fc.array(machineArb, { minLength: 1, maxLength: 3 }), startNs: nsArb, durationNs: fc.option(nsArb, { nil: undefined }) }, { requiredKeys: ['machines', 'startNs'] }),
      { maxLength: 3 },
    ),
  }),
  fc.record({ kind: fc.constant('down' as const), machines: fc.array(machineArb, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('up' as const), machines: fc.array(machineArb, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('downAt' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('upAt' as const), at: fc.nat() }),
);

const shout = (m: MachineId): MachineId => (m.hostname === undefined ? m : { ...m, hostname: m.hostname.toUpperCase() });

describe('emulated maintenance under random operator sequences', () => {
  it('keeps Mesos rules: modes follow the schedule, refused calls change nothing, agents follow their exact machine, nanoseconds stay exact', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 12 }), (ops) => {
        const c = newCluster();
        for (const n of [1, 2, 3]) c.addAgent(agentSpec(n));
        for (const op of ops) {
          const before = {
            windows: c.maintenance.windows,
            draining: c.maintenance.machines('DRAINING').map(machineKey).sort(),
            down: c.maintenance.machines('DOWN').map(machineKey).sort(),
            agents: [...c.agents()].map((a) => a.id),
          };
          const downBefore = new Set(before.down);
          const drainingBefore = new Set(before.draining);
          if (op.kind === 'downAt' || op.kind === 'upAt') {
            const pool = c.maintenance.machines(op.kind === 'downAt' ? 'DRAINING' : 'DOWN');
            const m = pool[op.at % Math.max(1, pool.length)];
            if (m === undefined) continue;
            const r = op.kind === 'downAt' ? c.startMaintenance([shout(m)]) : c.stopMaintenance([shout(m)]);
            expect(r.ok).toBe(true);
            const key = machineKey(m);
            expect(c.maintenance.machines('DOWN').map(machineKey).includes(key)).toBe(op.kind === 'downAt');
            if (op.kind === 'upAt') expect(c.maintenance.windows.flatMap((w) => w.machines.map(machineKey))).not.toContain(key);
            continue;
          }
          const r =
            op.kind === 'schedule' ? c.updateMaintenanceSchedule(op.windows) : op.kind === 'down' ? c.startMaintenance(op.machines) : c.stopMaintenance(op.machines);
          const after = {
            windows: c.maintenance.windows,
            draining: c.maintenance.machines('DRAINING').map(machineKey).sort(),
            down: c.maintenance.machines('DOWN').map(machineKey).sort(),
          };
          if (!r.ok) {
            // A refused call leaves the master as it was.
            expect(after.windows).toBe(before.windows);
            expect(after.draining).toEqual(before.draining);
            expect(after.down).toEqual(before.down);
            expect([...c.agents()].map((a) => a.id)).toEqual(before.agents);
            continue;
          }
          // Every scheduled machine is DRAINING or DOWN, and nothing else is.
          const scheduled = new Set(after.windows.flatMap((w) => w.machines.map(machineKey)));
          expect([...after.draining, ...after.down].sort()).toEqual([...scheduled].sort());
          // Only DRAINING machines go DOWN; a DOWN machine never leaves the schedule by an update.
          if (op.kind === 'down') for (const m of op.machines) expect(drainingBefore.has(machineKey(m))).toBe(true);
          if (op.kind === 'up') for (const m of op.machines) expect(downBefore.has(machineKey(m))).toBe(true);
          for (const k of downBefore) if (op.kind !== 'up') expect(after.down).toContain(k);
          // Nanoseconds are kept exactly as posted.
          if (op.kind === 'schedule') {
            expect(after.windows.map((w) => [w.startNs, w.durationNs])).toEqual(op.windows.map((w) => [w.startNs, w.durationNs]));
          }
          // Each registered agent's mode is its exact machine's; no agent runs on a DOWN machine.
          for (const a of c.agents()) {
            const key = machineKey({ hostname: a.hostname, ip: a.ip });
            expect(c.machineMode(a)).toBe(after.down.includes(key) ? 'DOWN' : after.draining.includes(key) ? 'DRAINING' : undefined);
            expect(after.down).not.toContain(key);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
