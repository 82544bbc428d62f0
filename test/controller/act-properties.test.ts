import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarked } from '../../src/model/drain.js';
import { machineKey, machineOf } from '../../src/model/machine.js';
import { resources } from '../../src/model/resources.js';
import { protection } from '../../src/planner/protections.js';
import type { Agent } from '../../src/model/agent.js';
import { agent, config, task } from '../support/builders.js';
import { ProviderError } from './fakes.js';
import { World } from './harness.js';

type Fault = 'none' | 'delete-fails' | 'describe-fails' | 'restart' | 'skew' | 'churn' | 'partial';
const FAULTS: readonly Fault[] = ['none', 'none', 'none', 'delete-fails', 'describe-fails', 'restart', 'skew', 'churn', 'partial'];

/**
 * Over random clusters, fault sequences and restarts at any point: no instance is deleted while
 * Mesos runs its agent's tasks or before its machine is DOWN; no agent outside the group, protected
 * or in an operator's window is ever drained; real agents never go below min; no drain is forgotten.
 */
describe('act path properties', () => {
  it('holds every invariant under faults and restarts', async () => {
    let deletions = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ load: fc.constantFrom(0, 0, 0.1, 0.3, 1.5), protect: fc.nat(6).map((n) => n === 0), outside: fc.nat(8).map((n) => n === 0), operator: fc.nat(8).map((n) => n === 0) }), { minLength: 3, maxLength: 9 }),
        fc.array(fc.constantFrom(...FAULTS), { minLength: 4, maxLength: 14 }),
        fc.integer({ min: 1, max: 3 }),
        async (specs, faults, min) => {
          const agents: Agent[] = specs.map((s, i) =>
            agent({
              id: `n${i}`,
              usedCpus: s.load,
              attributes: { workload: s.outside ? 'other' : 'stateless' },
              tasks: s.load ? [task({ resources: resources({ cpus: s.load }), labels: s.protect ? { 'mesos-autoscaler/protect': 'true' } : {} })] : [],
            }),
          );
          const group = agents.filter((a) => a.attributes['workload'] === 'stateless');
          const instances = group.map((a, i) => ({ id: `i${i}`, hostname: a.hostname, privateIp: a.ip!, state: 'running' as const }));
          const w = new World(agents, { desired: instances.length, instances });
          const operatorMachines = specs.flatMap((s, i) => (s.operator ? [{ hostname: agents[i]!.hostname, ip: agents[i]!.ip! }] : []));
          if (operatorMachines.length) w.drainer.windows = [{ machines: operatorMachines, startNs: '1764410400000000001', durationNs: '3600000000000' }];
          const operatorKeys = new Set(operatorMachines.map(machineKey));
          const cfg = config({ min, scaleDownStep: 3, scaleDown: { maxParallel: 2, drainTimeout: 300 } });
          const violations: string[] = [];

          // Every delete: its machine is DOWN and Mesos lists no running task there.
          const del = w.provider.deleteInstances.bind(w.provider);
          let deleteFails = false;
          w.provider.deleteInstances = async (ref, ids) => {
            for (const id of ids) {
              const inst = w.provider.state.instances.find((i) => i.id === id);
              const a = agents.find((x) => x.ip === inst?.privateIp);
              const m = a ? machineOf(a) : undefined;
              if (!m || !w.drainer.down_.some((d) => machineKey(d) === machineKey(m))) violations.push(`deleted ${id} before its machine was down`);
              const listed = w.visibleAgents().find((x) => x.id === a?.id);
              if (listed && listed.tasks.length > 0) violations.push(`deleted ${id} while Mesos ran its tasks`);
            }
            if (deleteFails) throw new ProviderError('500', 'unavailable', true);
            deletions += ids.length;
            await del(ref, ids);
          };
          const describeReal = w.provider.describe.bind(w.provider);
          let describeFails = false;
          w.provider.describe = async (ref) => {
            if (describeFails) throw new ProviderError('403', 'auth', false);
            return describeReal(ref);
          };

          let skew = 0;
          let c = w.controller(cfg, { clock: { now: () => w.t + skew } });
          for (const f of faults) {
            deleteFails = f === 'delete-fails';
            describeFails = f === 'describe-fails';
            w.hide = f === 'partial' ? new Set(group.slice(0, Math.ceil(group.length / 2)).map((a) => a.id)) : new Set();
            if (f === 'restart') c = w.controller(cfg, { clock: { now: () => w.t + skew } });
            if (f === 'skew') {
              skew = 2 * 3600_000;
              c = w.controller(cfg, { clock: { now: () => w.t + skew } });
            }
            if (f === 'churn') w.agents = w.agents.map((a, i) => (i % 2 === 0 && !protection(a) ? { ...a, tasks: [], used: resources({}) } : a));
            await w.cycles(c, 1);
            for (const win of w.drainer.windows) {
              if (!isMarked(win.durationNs)) continue;
              for (const m of win.machines) {
                const a = agents.find((x) => x.ip === m.ip);
                if (!a) continue;
                if (a.attributes['workload'] !== 'stateless') violations.push(`drained ${a.hostname}, outside the group`);
                if (protection(a)) violations.push(`drained protected ${a.hostname}`);
                if (operatorKeys.has(machineKey(m))) violations.push(`drained ${a.hostname}, in an operator's window`);
              }
            }
            const ours = new Set(w.drainer.windows.filter((x) => isMarked(x.durationNs)).flatMap((x) => x.machines.map(machineKey)));
            const real = w.visibleAgents().filter((a) => a.attributes['workload'] === 'stateless' && !ours.has(machineKey(machineOf(a)!)) && w.provider.state.instances.some((i) => i.privateIp === a.ip));
            const startedWith = Math.min(group.length, group.length);
            if (!w.hide.size && real.length < Math.min(min, startedWith) && startedWith >= min) violations.push(`${real.length} real agents, below min ${min}`);
          }
          // No drain forgotten: with the faults gone, every drain of ours ends and leaves no window.
          deleteFails = false;
          describeFails = false;
          w.hide = new Set();
          await w.cycles(c, 20);
          const left = w.drainer.windows.filter((x) => isMarked(x.durationNs));
          if (left.length) violations.push(`drains left: ${left.flatMap((x) => x.machines.map((m) => m.hostname)).join(', ')}`);
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 11 },
    );
    expect(deletions).toBeGreaterThan(20);
  });
});
