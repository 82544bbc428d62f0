import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/service.js';
import type { Plan } from '../../src/model/plan.js';
import type { NodeGroupProvider } from '../../src/providers/provider.js';
import { waitFor } from '../support/services.js';
import { quietLogger, serviceConfig, startCluster } from '../service/fixtures.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The emulated cloud, counting its reads: every observation describes each group once. */
function counting(inner: NodeGroupProvider): NodeGroupProvider & { reads: number } {
  const p = {
    kind: inner.kind,
    reads: 0,
    describe: (g: Parameters<NodeGroupProvider['describe']>[0]) => {
      p.reads++;
      return inner.describe(g);
    },
    setDesiredSize: (g: Parameters<NodeGroupProvider['setDesiredSize']>[0], n: number) => inner.setDesiredSize(g, n),
    deleteInstances: (g: Parameters<NodeGroupProvider['deleteInstances']>[0], ids: readonly string[]) => inner.deleteInstances(g, ids),
  };
  return p;
}

describe('GET /api/plan', () => {
  it('answers 30 unauthenticated calls from the last cycle’s snapshot, reading nothing from Mesos or the cloud', async () => {
    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const cloud = counting(emu.provider);
    const service = await startService({ config: serviceConfig(emu), logger: quietLogger(), simulated: cloud, processMetrics: false, events: false });
    cleanup.push(() => service.stop());
    await waitFor('first cycle', () => service.store.view().lastCycle);
    const readsAfterCycle = cloud.reads;

    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${service.url}/api/plan`)));
    const plans = (await Promise.all(answers.map((r) => r.json()))) as Plan[];
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(plans[0]?.groups.map((g) => g.group)).toEqual(['web']);
    // Each observation reads the cloud and Mesos together: no cloud read means no observation at all.
    expect(cloud.reads).toBe(readsAfterCycle);
  });
});
