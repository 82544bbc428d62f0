import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { Agent } from '../../src/model/agent.js';
import { resources } from '../../src/model/resources.js';
import { plan } from '../../src/planner/planner.js';
import { EMPTY_STATE } from '../../src/planner/state.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';

const NOW = 1_000_000;
const GPU_CAPS = { gpus: { up: 80, down: 60 } };

/** Agents of 8 cpus and 8 GPUs using these cpus and GPUs (each in one task, as Mesos allocates). */
function gpuAgents(used: readonly [number, number][]): Agent[] {
  return used.map(([cpus, gpus], i) => {
    const base = agent({ id: `g${i}`, cpus: 8, mem: 65536, usedCpus: cpus });
    const need = resources({ cpus, gpus });
    return { ...base, total: resources({ cpus: 8, mem: 65536, gpus: 8, disk: 10000, ports: 1000 }), used: need, tasks: cpus || gpus ? [{ ...base.tasks[0]!, resources: need }] : [] };
  });
}
const gpuGroup = (extra: Record<string, unknown> = {}) =>
  config({ min: 1, max: 10, policies: ['threshold'], resources: ['cpus', 'gpus'], scaleUpCap: 97, scaleDownCap: 93, resourceCaps: GPU_CAPS, ...extra });
const planFor = (agents: Agent[], cfg = gpuGroup()) => plan(snapshot(agents, { stateless: groupState(agents) }, NOW), cfg, EMPTY_STATE, NOW).groups[0];

describe('resourceCaps: the threshold caps of one resource', () => {
  it('default to none, and down must stay below up (the error names the field)', () => {
    expect(config().groups[0]?.resourceCaps).toEqual({});
    expect(() => validateConfig({ mesos: { masters: ['http://127.0.0.1:5050'] }, groups: [{ name: 'g', provider: { kind: 'simulated' }, resourceCaps: { gpus: { up: 80, down: 85 } } }] })).toThrow(/resourceCaps\.gpus\.down/);
    expect(() => validateConfig({ mesos: { masters: ['http://127.0.0.1:5050'] }, groups: [{ name: 'g', provider: { kind: 'simulated' }, resourceCaps: { ports: { up: 80, down: 60 } } }] })).toThrow(/resourceCaps/);
  });

  it('scales up when GPUs reach their own cap though the group cap is far', () => {
    // GPUs 13 of 16 = 81 %, cpus 2 of 16.
    const g = planFor(gpuAgents([[1, 7], [1, 6]]));
    expect(g).toMatchObject({ direction: 'up', target: 4 });
    expect(g?.reasons[0]).toMatch(/gpus at or above 97% \(gpus 80%\): \+2/);
  });

  it('the same GPUs under the group cap alone do not scale up', () => {
    expect(planFor(gpuAgents([[1, 7], [1, 6]]), gpuGroup({ resourceCaps: {} }))?.direction).toBe('none');
  });

  it('shrinks only once every resource is under its own down cap, to the nodes that keep each under its up cap', () => {
    // GPUs 10 of 32 = 31 %, cpus 4 of 32: 2 nodes hold 10 GPUs under 80 % (62.5 %).
    const agents = gpuAgents([[1, 5], [1, 5], [1, 0], [1, 0]]);
    const g = planFor(agents, gpuGroup({ scaleDown: { sizing: 'fit', maxParallel: 4, utilization: 50 } }));
    expect(g).toMatchObject({ direction: 'down', target: 2 });
    expect(g?.reasons[0]).toMatch(/all at or under 93% \(gpus 60%\)/);
    // GPUs 21 of 32 = 66 %: over their down cap of 60, so no shrink though the group cap is 93.
    expect(planFor(gpuAgents([[1, 7], [1, 7], [1, 7], [1, 0]]))?.direction).toBe('none');
  });

  it('keeps a node whose removal would put GPUs at or over their own up cap', () => {
    // 12 of 24 GPUs; the idle node's removal would leave 12 of 16 = 75 %, under 80: it goes. With 13 GPUs: 81 %.
    const cfg = gpuGroup({ resourceCaps: { gpus: { up: 80, down: 55 } }, scaleDown: { maxParallel: 3, utilization: 50 } });
    expect(planFor(gpuAgents([[1, 6], [1, 6], [0, 0]]), cfg)?.direction).toBe('down');
    const kept = planFor(gpuAgents([[1, 7], [1, 6], [0, 0]]), cfg);
    expect(kept?.direction).toBe('none');
    expect(kept?.reasons.join(' ')).toMatch(/would put gpus at 81\.3%, at or over 80%: kept/);
  });
});
