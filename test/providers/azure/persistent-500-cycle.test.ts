import { afterEach, describe, expect, it } from 'vitest';
import type { Bindings } from '../../../src/controller/bindings.js';
import { Controller } from '../../../src/controller/controller.js';
import type { Observer } from '../../../src/model/ports.js';
import { createLogger } from '../../../src/util/logger.js';
import { ok } from '../../../src/util/result.js';
import { agent, config, groupState, snapshot } from '../../support/builders.js';
import { group, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
});

describe('one cycle against an ARM that answers 500 to every PATCH', () => {
  it('makes at most 6 PATCHes (2 controller tries x 3 SDK requests), not 25, and ends the cycle', async () => {
    h = await startHarness({}, { retry: { retryDelayMs: 5, maxRetryDelayMs: 20 } });
    await h.provider.describe(group()); // token warm
    const busy = [0, 1, 2].map((i) => agent({ id: `s${i}`, usedCpus: i === 2 ? 1 : 2 }));
    // The cluster as observed: three busy agents, so the plan grows the group.
    const observer: Observer = { observe: (now: number) => Promise.resolve(ok(snapshot(busy, { stateless: groupState(busy, 3) }, now))) };
    const bindings: Bindings = new Map([['stateless', { provider: h.provider, ref: group() }]]);
    const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
    const controller = new Controller({ config: config({}), observer, bindings, clock, logger: createLogger('silent') });
    const before = h.fake.armCalls('PATCH').length;
    h.fake.injectError(100, 500);
    const started = Date.now();
    const report = await controller.cycle();
    expect(report.actions[0]).toMatchObject({ kind: 'set-size', ok: false });
    expect(h.fake.armCalls('PATCH').length - before).toBeLessThanOrEqual(6);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
