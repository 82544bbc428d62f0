import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createBindings } from '../../src/providers/factory.js';
import { lazyProvider } from '../../src/providers/lazy.js';
import type { NodeGroupProvider } from '../../src/providers/provider.js';
import { createLogger } from '../../src/util/logger.js';

const ref = { name: 'g', target: {} };
const fake = (): NodeGroupProvider => ({
  kind: 'fake',
  describe: async () => ({ desired: 2, instances: [] }),
  setDesiredSize: async () => undefined,
  deleteInstances: async () => undefined,
});

describe('lazyProvider', () => {
  it('loads its module on the first call only, once, and again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const p = lazyProvider('fake', async () => {
      loads += 1;
      if (fail) throw new Error('module not found');
      return fake();
    });
    expect(loads).toBe(0);
    await expect(p.describe(ref)).rejects.toThrow(/module not found/);
    fail = false;
    expect((await p.describe(ref)).desired).toBe(2);
    await p.setDesiredSize(ref, 3);
    await p.deleteInstances(ref, ['a']);
    expect(loads).toBe(2);
  });

  it('binding an azure-vmss group loads no Azure module until its first call', () => {
    const config = configSchema.parse({
      mesos: { masters: ['http://127.0.0.1:5050'] },
      azure: { subscriptionId: 's', resourceGroup: 'rg' },
      groups: [{ name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'azure-vmss', vmssName: 'pool' } }],
    });
    const b = createBindings(config, createLogger('silent')).get('agents');
    expect(b?.provider.kind).toBe('azure-vmss');
    expect(b?.ref.target).toEqual({ resourceGroup: 'rg', vmssName: 'pool' });
  });
});
