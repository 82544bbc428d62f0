import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/service.js';
import { createLogger } from '../../src/util/logger.js';
import { waitFor } from '../support/services.js';
import { serviceConfig, startCluster, TOKEN } from './fixtures.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('credentials written into the master and Marathon URLs', () => {
  it('appear in no log line, /status or /api/plan, and the service still works with them', async () => {
    const emu = await startCluster();
    cleanup.push(() => emu.close());
    const inUrl = (url: string, user: string): string => url.replace('http://', `http://${user}:pw-${user}-7f3a9c@`);
    const config = serviceConfig(emu, { verbosity: 4, mesos: { masters: [inUrl(emu.masterUrl, 'ops')] }, marathon: { url: inUrl(emu.marathonUrl, 'mt') } });
    let logged = '';
    const logger = createLogger('trace', { write: (line: string) => void (logged += line) });
    logger.debug({ config }, 'configuration');
    const service = await startService({ config, logger, simulated: emu.provider, processMetrics: false });
    cleanup.push(() => service.stop());
    await waitFor('first cycle', () => service.store.view().lastCycle);
    const status = await (await fetch(`${service.url}/status`)).text();
    const plan = await (await fetch(`${service.url}/api/plan`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(status).toContain('web');
    expect(plan).toMatch(/groups/);
    for (const text of [logged, status, plan]) {
      expect(text).not.toMatch(/pw-ops|pw-mt|ops:|mt:/);
    }
    expect(logged).toContain(emu.masterUrl);
  });
});
