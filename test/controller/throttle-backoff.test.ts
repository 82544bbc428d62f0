import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../src/controller/bindings.js';
import { Controller } from '../../src/controller/controller.js';
import { LiveObserver } from '../../src/controller/live-observer.js';
import type { Agent } from '../../src/model/agent.js';
import { recordOutcome } from '../../src/planner/step.js';
import type { Clock } from '../../src/util/clock.js';
import { ok } from '../../src/util/result.js';
import { agent, config, groupState, snapshot } from '../support/builders.js';
import { FakeObserver, FakeProvider, ProviderError, silent } from './fakes.js';

const HOUR = 3_600_000;

function setup(agents: Agent[]) {
  const clock: Clock & { t: number } = { t: 1_000_000, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  const provider = new FakeProvider(groupState(agents));
  const bindings: Bindings = new Map([['stateless', { provider, ref: { name: 'stateless', target: {} } }]]);
  const agentSource = { getAgents: async () => ok({ agents, from: 'fake', readAt: clock.now() }) };
  const live = new LiveObserver({ agents: agentSource, bindings, logger: silent });
  const observer = new FakeObserver(() => snapshot(agents, { stateless: provider.state }, clock.now()), live);
  // The default retry options: waits up to 8 s between tries.
  const controller = new Controller({ config: config({}), observer, bindings, clock, logger: silent });
  return { clock, provider, controller };
}

const busy = () => [0, 1, 2].map((i) => agent({ id: `s${i}`, usedCpus: i === 2 ? 1 : 2 }));

describe('a cloud that throttles or keeps failing', () => {
  it('fails a scale-up throttled with Retry-After: 3600 at once and backs the group off until then', async () => {
    const { clock, provider, controller } = setup(busy());
    provider.failNext = [new ProviderError('HTTP 429: wait 3600 s', 'throttled', true, HOUR)];
    const started = Date.now();
    const r1 = await controller.cycle();
    expect(Date.now() - started).toBeLessThan(2_000); // no retry loop waiting out the hour
    expect(provider.calls).toEqual(['set 5']);
    expect(r1.actions[0]).toMatchObject({ kind: 'set-size', ok: false });
    expect(controller.memory('stateless').backoffUntil).toBe(clock.t + HOUR);

    clock.t += 60_000;
    const r2 = await controller.cycle();
    expect(provider.calls).toEqual(['set 5']);
    expect(r2.plan?.groups[0]?.reasons.join(' ')).toMatch(/scale-up backed off for \d+ s more/);

    clock.t += HOUR;
    await controller.cycle();
    expect(provider.calls).toEqual(['set 5', 'set 5']);
  });

  it('tries a persistently failing cloud call at most twice per cycle (the SDK retries inside each)', async () => {
    const { provider, controller } = setup(busy());
    provider.failNext = Array.from({ length: 10 }, () => new ProviderError('HTTP 500', 'unavailable', true));
    const r = await controller.cycle();
    expect(provider.calls).toEqual(['set 5', 'set 5']);
    expect(r.actions[0]).toMatchObject({ ok: false });
  }, 20_000);
});

describe('recordOutcome with a Retry-After', () => {
  it('backs the group off and holds the retry of a throttled delete until the wait is over', () => {
    const move = { kind: 'delete', group: 'g', instanceId: 'i-1', reason: 'ghost' } as const;
    const next = recordOutcome({ groups: {} }, move, false, 1_000, { retryAfterMs: HOUR });
    expect(next.groups['g']?.backoffUntil).toBe(1_000 + HOUR);
    expect(next.groups['g']?.deleteRetry?.['i-1']).toMatchObject({ attempts: 1, notBefore: 1_000 + HOUR });
  });

  it('keeps a later backoff that is already set, and ignores the hint on success', () => {
    const move = { kind: 'set-size', group: 'g', from: 1, to: 2, reason: 'up' } as const;
    const state = { groups: { g: { backoffUntil: 10 * HOUR } } };
    expect(recordOutcome(state, move, false, 0, { retryAfterMs: HOUR }).groups['g']?.backoffUntil).toBe(10 * HOUR);
    expect(recordOutcome({ groups: {} }, move, true, 0, { retryAfterMs: HOUR }).groups['g']?.backoffUntil).toBeUndefined();
  });
});
