import { describe, expect, it } from 'vitest';
import { parseQueue } from '../../src/marathon/queue.js';
import { modelPending } from '../../src/sim/cluster/model-view.js';
import { queueJson } from '../../src/sim/emulator/marathon-json.js';
import { parseAppBody } from '../../src/sim/emulator/marathon-app-body.js';
import { newCluster } from '../sim/cluster/helpers.js';

const app = (extra: Record<string, unknown>) => ({ id: '/a', cpus: 0.5, mem: 64, ...extra });
const queueOf = (a: Record<string, unknown>) => parseQueue({ queue: [{ app: a, count: 1 }] });

describe('what placement needs from the launch queue', () => {
  it('reads fixed host ports: requirePorts port definitions, and non-zero container hostPorts', () => {
    const fixed = (a: Record<string, unknown>) => {
      const r = queueOf(app(a));
      if (!r.ok) throw new Error(r.error.message);
      return r.value[0]?.fixedPorts;
    };
    expect(fixed({ requirePorts: true, portDefinitions: [{ port: 9090 }, { port: 0 }] })).toEqual([9090]);
    expect(fixed({ requirePorts: false, portDefinitions: [{ port: 9090 }] })).toBeUndefined();
    expect(fixed({ container: { type: 'DOCKER', portMappings: [{ containerPort: 80, hostPort: 31000 }, { containerPort: 443, hostPort: 0 }] } })).toEqual([31000]);
  });

  it('reads acceptedResourceRoles and the GPU_SCHEDULING_BEHAVIOR label', () => {
    const r = queueOf(app({ acceptedResourceRoles: ['slave_public'], labels: { GPU_SCHEDULING_BEHAVIOR: 'unrestricted' } }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]).toMatchObject({ role: 'slave_public', acceptedRoles: ['slave_public'], gpuScheduling: 'unrestricted' });
  });

  it('gives the planner the same waiting work over HTTP JSON as from the simulator\'s memory', () => {
    const cluster = newCluster();
    const spec = parseAppBody({ id: 'lb', instances: 2, cpus: 0.2, mem: 64, acceptedResourceRoles: ['*'], requirePorts: true, portDefinitions: [{ port: 9090 }], labels: { GPU_SCHEDULING_BEHAVIOR: 'unrestricted' }, constraints: [['@zone', 'GROUP_BY', '2']] });
    if (typeof spec === 'string') throw new Error(spec);
    const r = cluster.createApp(spec);
    if (!r.ok) throw r.error;
    const viaHttp = parseQueue(JSON.parse(JSON.stringify(queueJson(cluster))));
    if (!viaHttp.ok) throw new Error(viaHttp.error.message);
    const { since: _a, rejections: _b, ...http } = viaHttp.value[0] ?? { since: 0, rejections: {} };
    const { since: _c, rejections: _d, ...memory } = modelPending(cluster)[0] ?? { since: 0, rejections: {} };
    expect(http).toEqual(memory);
    expect(http).toMatchObject({ fixedPorts: [9090], acceptedRoles: ['*'], gpuScheduling: 'unrestricted' });
  });
});
