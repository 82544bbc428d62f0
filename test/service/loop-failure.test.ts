import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { runService } from '../../src/cli/run.js';
import { startService } from '../../src/cli/service.js';
import type { NodeGroupProvider } from '../../src/providers/provider.js';
import { createLogger } from '../../src/util/logger.js';

const provider: NodeGroupProvider = {
  kind: 'simulated',
  describe: async () => ({ desired: 1, instances: [] }),
  setDesiredSize: async () => undefined,
  deleteInstances: async () => undefined,
};

/**
 * A config the schema would refuse (5e9 ms overflows AbortSignal.timeout), built past it:
 * the way to make the loop itself throw, as any unforeseen bug would.
 */
function brokenConfig(): Config {
  const c = validateConfig({ verbosity: 0, mesos: { masters: ['http://127.0.0.1:9'] }, groups: [{ name: 'web', selector: { pool: 'web' }, provider: { kind: 'simulated' } }] });
  return { ...c, mesos: { ...c.mesos, timeoutMs: 5e9 } };
}

describe('a control loop that fails', () => {
  it('ends the service with the error, not as if it had been stopped', async () => {
    const service = await startService({ config: brokenConfig(), logger: createLogger('silent'), simulated: provider, events: false, processMetrics: false });
    const end = await service.done;
    await service.stop();
    expect(end.error).toMatch(/delay|range|timeout/i);
  });

  it('makes run exit non-zero', async () => {
    const code = await runService(brokenConfig(), [], { simulated: provider, events: false, processMetrics: false });
    expect(code).toBe(1);
  });
});
