import { describe, expect, it } from 'vitest';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { step } from '../../src/planner/step.js';
import { agent, config, snapshot } from '../support/builders.js';

/**
 * Found by the chaos suite (seed 1, episode 7): an agent that matches the group's selector but is no
 * instance of the group (an outsider, issue 10 case 4) was subtracted from the booting instances,
 * so the room of one booting node was forgotten and a node bought twice.
 */
describe('room of booting nodes', () => {
  it('counts every booting instance, even with an outsider matching the selector', () => {
    const own = agent({ id: 'a1', cpus: 4, usedCpus: 4 });
    const outsider = agent({ id: 'a1.dc2', cpus: 4, usedCpus: 4 });
    const groups = {
      stateless: {
        desired: 2,
        instances: [
          { id: 'i1', hostname: own.hostname, privateIp: own.ip ?? '', state: 'running' as const },
          { id: 'i2', hostname: 'new-1.cluster', privateIp: '10.99.0.2', state: 'creating' as const },
        ],
      },
    };
    const waiting: PendingLaunch = { id: '/web', source: 'marathon', count: 4, resources: resources({ cpus: 1, mem: 128 }), constraints: [], role: '*', delayed: false, rejections: {} };
    const snap = { ...snapshot([own, outsider], groups), pending: [waiting] };
    const cfg = config({ min: 1, max: 5, policies: ['pending'], template: { cpus: 4, mem: 4096 } });
    const { plan } = step(snap, cfg, { groups: {} }, snap.takenAt);
    // The booting node (4 cpus) holds the 4 waiting instances: nothing more is bought.
    expect(plan.moves?.filter((m) => m.kind === 'set-size')).toEqual([]);
  });
});
