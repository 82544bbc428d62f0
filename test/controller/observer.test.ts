import { describe, expect, it } from 'vitest';
import { LiveObserver } from '../../src/controller/live-observer.js';
import type { Bindings } from '../../src/controller/bindings.js';
import { ok, err } from '../../src/util/result.js';
import { agent, groupState, task } from '../support/builders.js';
import { FakeDrainer, FakeProvider, silent } from './fakes.js';

const UNIQUE = [{ field: 'hostname', operator: 'UNIQUE' as const }];

describe('LiveObserver', () => {
  const agents = [agent({ id: 'a0', tasks: [task({ appId: '/u' }), task({ appId: '/free' })] })];
  const provider = new FakeProvider(groupState(agents));
  const bindings: Bindings = new Map([['stateless', { provider, ref: { name: 'stateless', target: {} } }]]);

  it('joins app constraints onto running tasks and marks drained agents', async () => {
    const drainer = new FakeDrainer();
    await drainer.start({ hostname: agents[0]!.hostname, ip: agents[0]!.ip! }, 1);
    const o = new LiveObserver({
      agents: { getAgents: async () => ok({ agents, from: 'm', readAt: 5 }) },
      pending: { getQueue: async () => ok({ pending: [], from: 'marathon', readAt: 5, appConstraints: new Map([['/u', UNIQUE]]) }) },
      bindings, drainer, logger: silent,
    });
    const r = await o.observe(10);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.value.agents[0];
    expect(a?.draining).toBe(true);
    expect(a?.tasks.map((t) => t.constraints)).toEqual([UNIQUE, undefined]);
    expect(r.value.sources.marathon?.from).toBe('marathon');
    expect(r.value.groups['stateless']?.desired).toBe(1);
    expect(r.value.maintenance?.windows).toHaveLength(1);
  });

  it('a window naming only the hostname does not mark the agent: Mesos matches hostname and IP', async () => {
    const drainer = new FakeDrainer();
    await drainer.start({ hostname: agents[0]!.hostname }, 1);
    const o = new LiveObserver({ agents: { getAgents: async () => ok({ agents, from: 'm', readAt: 5 }) }, bindings, drainer, logger: silent });
    const r = await o.observe(10);
    expect(r.ok && r.value.agents[0]?.draining).toBe(false);
  });

  it('a malformed Mesos answer is an error; a failed queue or cloud read is not', async () => {
    const errors: string[] = [];
    const bad = new LiveObserver({ agents: { getAgents: async () => err({ kind: 'malformed', message: 'x' }) }, bindings, logger: silent, onError: (k) => errors.push(k) });
    expect((await bad.observe(1)).ok).toBe(false);
    const broken = new FakeProvider(groupState(agents));
    broken.describe = async () => { throw new Error('cloud down'); };
    const partial = new LiveObserver({
      agents: { getAgents: async () => ok({ agents, from: 'm', readAt: 5 }) },
      pending: { getQueue: async () => err({ kind: 'network', message: 'refused' }) },
      bindings: new Map([['stateless', { provider: broken, ref: { name: 'stateless', target: {} } }]]),
      logger: silent, onError: (k) => errors.push(k),
    });
    const r = await partial.observe(1);
    expect(r.ok && r.value.groups['stateless']).toBeUndefined();
    expect(r.ok && r.value.sources.marathon).toBeUndefined();
    expect(r.ok && r.value.sources.pendingUnknown).toMatch(/launch queue unreadable: refused/);
    expect(errors.sort()).toEqual(['marathon', 'mesos-malformed', 'provider']);
  });
});
