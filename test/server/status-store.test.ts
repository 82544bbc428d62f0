import { describe, expect, it } from 'vitest';
import { StatusStore, createHandle } from '../../src/server/status-store.js';
import { collectSecrets } from '../../src/server/secrets.js';
import type { DescribedGate, LeaderRole } from '../../src/controller/leader-gate.js';
import { Secret } from '../../src/util/secret.js';
import { SECRETS, busyReport, groupPlan, plan, report, testConfig } from './fixtures.js';

function gate(role: LeaderRole): DescribedGate {
  return { isLeader: () => role === 'leader', term: () => (role === 'leader' ? 7 : 0), describe: () => ({ mode: 'zookeeper', role, term: role === 'leader' ? 7 : 0 }) };
}

describe('StatusStore', () => {
  const groups = testConfig().groups;

  it('keeps the last plan per group and a bounded history of capacity against demand', () => {
    const store = new StatusStore({ groups, historyLength: 3 });
    for (let i = 1; i <= 5; i++) store.record(report(i * 1000, [groupPlan({ group: 'web', target: 3 + i, figures: { 'util.cpus': i / 10, 'nodes.active': 3, 'pending.instances': i } })]));
    const web = store.view().groups.find((g) => g.name === 'web')!;
    expect(web.history.map((h) => h.at)).toEqual([3000, 4000, 5000]);
    expect(web.history[2]).toEqual({ at: 5000, nodes: 3, target: 8, pending: 5, util: { cpus: 0.5 } });
    expect(web.plan?.target).toBe(8);
    expect(web).toMatchObject({ min: 1, max: 10, paused: false });
    expect(store.view().groups.find((g) => g.name === 'batch')!.history).toEqual([]);
  });

  it('logs plan changes, failed actions and errors, in a ring buffer', () => {
    const store = new StatusStore({ groups, eventsLength: 4 });
    store.record(busyReport(1000));
    let events = store.view().events;
    expect(events.map((e) => e.message)).toEqual([
      'plan: scale up 3 → 5: 4 instances of /web pending, need cpus 8',
      'plan: scale down 2 → 1: agent b-2 unneeded for 600 s',
      'set-size done: web 3 → 5',
      'drain failed: drain b-2.local',
    ]);
    expect(events[3]).toMatchObject({ level: 'error', group: 'batch' });
    // The same plan again is not news; its actions are.
    store.record({ ...busyReport(2000), actions: [] });
    expect(store.view().events).toHaveLength(4);
    store.record({ at: 3000, durationMs: 1, actions: [], error: { kind: 'mesos-unreachable', message: 'connect ECONNREFUSED' } });
    events = store.view().events;
    expect(events).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ level: 'error', message: 'observation failed (mesos-unreachable): connect ECONNREFUSED' });
    expect(events.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    expect(store.view().lastCycle).toMatchObject({ ok: false, lastSuccessAt: 2000, cycles: 3 });
  });

  it('is ready as leader only while the last good cycle is recent; followers are ready, joiners not', () => {
    let now = 10_000;
    const store = new StatusStore({ groups, readyWithinMs: 5_000, now: () => now });
    expect(store.ready()).toBe(false);
    store.record(report(now, [groupPlan({ group: 'web' })]));
    expect(store.ready()).toBe(true);
    now += 6_000;
    expect(store.ready()).toBe(false);
    expect(new StatusStore({ groups, gate: gate('follower') }).ready()).toBe(true);
    expect(new StatusStore({ groups, gate: gate('joining') }).ready()).toBe(false);
    expect(new StatusStore({ groups, gate: gate('leader') }).view().leader).toEqual({ mode: 'zookeeper', role: 'leader', term: 7 });
  });

  it('pauses known groups only, through the controller switch when given', () => {
    const store = new StatusStore({ groups });
    const calls: string[] = [];
    const handle = createHandle({
      store,
      dryRun: () => Promise.resolve(plan(1, [])),
      setPaused: (g, p) => (calls.push(`${g}:${p}`), true),
    });
    expect(handle.pause('web')).toBe(true);
    expect(handle.pause('nope')).toBe(false);
    expect(store.view().paused).toEqual(['web']);
    expect(store.view().groups[0]?.paused).toBe(true);
    expect(handle.resume('web')).toBe(true);
    expect(store.isPaused('web')).toBe(false);
    expect(calls).toEqual(['web:true', 'web:false']);
    expect(store.view().events.map((e) => e.message)).toEqual(['scaling paused', 'scaling resumed']);
  });

  it('scrubs configured secrets from every kept message and never holds config', () => {
    const config = testConfig();
    const secrets = collectSecrets(config);
    expect(secrets.map((s) => s.reveal()).sort()).toEqual(Object.values(SECRETS).sort());
    const store = new StatusStore({ groups: config.groups, secrets });
    store.record({ at: 1, durationMs: 1, actions: [], error: { kind: 'provider', message: `401 for client secret ${SECRETS.azure}` } });
    store.record(busyReport(2, `token ${SECRETS.mesos} leaked into a reason`));
    store.setInFlight([{ group: 'web', kind: 'scale-up', detail: `pw ${SECRETS.marathon}`, since: 1 }]);
    store.event('warn', `raw ${SECRETS.server}`);
    const json = JSON.stringify(store.view());
    for (const s of Object.values(SECRETS)) expect(json).not.toContain(s);
    expect(json).toContain('[redacted]');
    expect(json).not.toContain('web-vmss'); // group config beyond name/min/max is not copied
  });

  it('collectSecrets finds Secrets at any depth once', () => {
    const s = new Secret('abcdef');
    const o: Record<string, unknown> = { a: [{ b: s }], c: s };
    o['self'] = o;
    expect(collectSecrets(o)).toEqual([s, s]);
  });
});

describe('logLeadership', () => {
  it('puts elections and step-downs in the event log until stopped', async () => {
    const { logLeadership } = await import('../../src/server/leader-events.js');
    const elected = new Set<(t: number) => void>();
    const deposed = new Set<(r: string) => void>();
    const election = {
      onElected: (l: (t: number) => void) => (elected.add(l), () => void elected.delete(l)),
      onDeposed: (l: (r: string) => void) => (deposed.add(l), () => void deposed.delete(l)),
    };
    const store = new StatusStore({ groups: testConfig().groups });
    const stop = logLeadership(store, election);
    elected.forEach((l) => l(4));
    deposed.forEach((l) => l('ZooKeeper session expired'));
    stop();
    elected.forEach((l) => l(5));
    expect(store.view().events.map((e) => e.message)).toEqual(['elected leader (term 4)', 'no longer leader: ZooKeeper session expired']);
  });
});
