import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import { applyMaintenance, parseMaintenanceSchedule } from '../../src/mesos/maintenance.js';
import { Secret } from '../../src/util/secret.js';
import { fixtureJson, fixtureJsonLines } from '../support/fixtures.js';
import { deadUrl, json, silentLogger, startServer, type Handler, type TestServer } from './servers.js';

const servers: TestServer[] = [];
const clients: MesosClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(handler: Handler) {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}
function client(input: Record<string, unknown>) {
  const c = new MesosClient(mesosSchema.parse({ timeoutMs: 2000, ...input }), silentLogger(), { now: () => 42 });
  clients.push(c);
  return c;
}

const SLAVES = fixtureJson('mesos-1.2-dcos-1.9-slaves/mockupUp.json');
const STATE_V0 = fixtureJson('real-captures/mesos-v0-master-state-1.5.0-dcosgo.json');
const SUBSCRIBED = fixtureJsonLines('real-captures/mesos-v1-subscribe-stream-dcosnet-operator-api.jsonl')[0] as {
  subscribed: { get_state: { get_agents: unknown } };
};
const GET_AGENTS = { type: 'GET_AGENTS', get_agents: SUBSCRIBED.subscribed.get_state.get_agents };

/** A v1 master: GET_AGENTS / GET_STATE on /api/v1, redirect to itself, empty maintenance. */
function v1Master(calls: string[] = []): Handler {
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    calls.push(`${req.method} ${req.url} ${body}`);
    if (req.url === '/master/redirect') {
      res.writeHead(307, { location: `//${req.headers.host}` });
      return res.end();
    }
    if (req.url === '/api/v1' && req.method === 'POST') {
      const call = JSON.parse(body) as { type: string };
      if (call.type === 'GET_AGENTS') return json(res, 200, GET_AGENTS);
      if (call.type === 'GET_STATE') return json(res, 200, { type: 'GET_STATE', get_state: SUBSCRIBED.subscribed.get_state });
      res.writeHead(200);
      return res.end();
    }
    if (req.url === '/master/maintenance/status') return json(res, 200, {});
    res.writeHead(404);
    res.end();
  };
}

describe('leader discovery', () => {
  it('finds the leader through a non-leading master, skipping one that is down', async () => {
    const leaderCalls: string[] = [];
    const leader = await server(v1Master(leaderCalls));
    let probes = 0;
    const follower = await server((req, res) => {
      if (req.url === '/master/redirect') probes++;
      // A non-leading master redirects everything to the leader, protocol-relative.
      res.writeHead(307, { location: `//127.0.0.1:${leader.port}${req.url === '/master/redirect' ? '' : req.url}` });
      res.end();
    });
    const down = await deadUrl();
    const c = client({ masters: [down, follower.url] });
    const r = await c.getAgents();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.from).toBe(leader.url);
    expect(r.value.readAt).toBe(42);
    expect(r.value.agents).toHaveLength(2);
    expect(c.api).toBe('v1');
    expect(probes).toBe(1); // found once, then kept
    await c.getAgents();
    expect(probes).toBe(1);
    const v1call = leaderCalls.find((l) => l.startsWith('POST /api/v1'));
    expect(JSON.parse(v1call!.split(' ').slice(2).join(' '))).toEqual({ type: 'GET_AGENTS' });
  });

  it('uses the given URL when /master/redirect is not served (a bare /slaves stand-in)', async () => {
    const calls: string[] = [];
    const s = await server((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      if (req.url === '/slaves') return json(res, 200, SLAVES);
      res.writeHead(404);
      res.end();
    });
    const c = client({ masters: [`${s.url}/`], slavesPath: '/slaves' });
    const r = await c.getAgents();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.from).toBe(s.url);
    expect(r.value.agents).toHaveLength(7);
    expect(c.api).toBe('v0');
    // 'auto' remembers: the second read goes straight to /slaves.
    calls.length = 0;
    await c.getAgents();
    expect(calls.filter((x) => x.includes('/api/v1'))).toEqual([]);
    expect(calls).toContain('GET /slaves');
  });

  it('uses a master URL behind a proxy path (DC/OS adminrouter) as is', async () => {
    const calls: string[] = [];
    const s = await server((req, res, body) => {
      calls.push(req.url ?? '');
      if (req.url?.startsWith('/mesos/')) return v1Master()({ ...req, url: req.url.slice('/mesos'.length) } as IncomingMessage, res, body);
      res.writeHead(404);
      res.end();
    });
    const r = await client({ masters: [`${s.url}/mesos`] }).getAgents();
    expect(r.ok && r.value.from).toBe(`${s.url}/mesos`);
    // Maintenance is not read with the agents: the observer reads it once per cycle.
    expect(calls.sort()).toEqual(['/mesos/api/v1']);
  });

  it('is an error value when every master is down', async () => {
    const r = await client({ masters: [await deadUrl(), await deadUrl()] }).getAgents();
    expect(r).toMatchObject({ ok: false, error: { kind: 'no-leader' } });
  });

  it('follows a leader change signalled by a redirect mid-session', async () => {
    const newLeader = await server(v1Master());
    let lost = false;
    const old = await server((req, res, body) => {
      if (lost) {
        res.writeHead(307, { location: `//127.0.0.1:${newLeader.port}` });
        return res.end();
      }
      return v1Master()(req, res, body);
    });
    const c = client({ masters: [old.url] });
    expect((await c.getAgents()).ok && (await c.leader())).toEqual({ ok: true, value: old.url });
    lost = true;
    const r = await c.getAgents();
    expect(r.ok && r.value.from).toBe(newLeader.url);
  });
});

describe('agent APIs', () => {
  it("api 'v1' does not fall back", async () => {
    const s = await server((req, res) => {
      if (req.url === '/master/slaves') return json(res, 200, SLAVES);
      res.writeHead(404);
      res.end();
    });
    const r = await client({ masters: [s.url], api: 'v1' }).getAgents();
    expect(r).toMatchObject({ ok: false, error: { kind: 'http', status: 404 } });
  });

  it("api 'v0' reads /master/slaves and /master/state", async () => {
    const s = await server((req, res) => {
      if (req.url === '/master/slaves') return json(res, 200, SLAVES);
      if (req.url === '/master/state') return json(res, 200, STATE_V0);
      if (req.url === '/master/maintenance/status') return json(res, 200, { draining_machines: [{ id: { hostname: '10.0.6.133', ip: '10.0.6.133' } }] });
      if (req.url === '/master/maintenance/schedule') return json(res, 200, { windows: [{ machine_ids: [{ hostname: '10.0.6.133', ip: '10.0.6.133' }], unavailability: { start: { nanoseconds: 1 } } }] });
      res.writeHead(404);
      res.end();
    });
    const c = client({ masters: [s.url], api: 'v0' });
    const agents = await c.getAgents();
    expect(agents.ok && agents.value.agents).toHaveLength(7);
    const state = await c.getState();
    if (!state.ok) throw new Error(state.error.message);
    const maintenance = await c.getMaintenance();
    if (!maintenance.ok) throw new Error(maintenance.error.message);
    expect(applyMaintenance(state.value.state.agents, maintenance.value).map((a) => [a.hostname, a.tasks.length, a.draining])).toEqual([
      ['10.0.0.157', 6, false],
      ['10.0.6.133', 0, true],
    ]);
  });

  it('GET_STATE over v1 with encoding json: Accept and Content-Type application/json', async () => {
    const headers: Record<string, string | undefined>[] = [];
    const s = await server((req, res, body) => {
      if (req.url === '/api/v1') headers.push({ accept: req.headers.accept, type: req.headers['content-type'] });
      return v1Master()(req, res, body);
    });
    const r = await client({ masters: [s.url], encoding: 'json' }).getState();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.state.agents).toHaveLength(2);
    expect(headers[0]).toEqual({ accept: 'application/json', type: 'application/json' });
  });

  it('a malformed v1 answer is an error value, not a fallback', async () => {
    const s = await server((req, res, body) => {
      if (req.url === '/api/v1') return json(res, 200, { type: 'GET_AGENTS', get_agents: { agents: [{ active: true }] } });
      return v1Master()(req, res, body);
    });
    expect(await client({ masters: [s.url] }).getAgents()).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('sends the DC/OS token and basic auth', async () => {
    const seen: string[] = [];
    const s = await server((req, res, body) => {
      seen.push(req.headers.authorization ?? '');
      return v1Master()(req, res, body);
    });
    await client({ masters: [s.url], token: 'tok-123' }).getAgents();
    expect(new Set(seen)).toEqual(new Set(['token=tok-123']));
    seen.length = 0;
    await client({ masters: [s.url], username: 'u', password: new Secret('p') }).getAgents();
    expect(new Set(seen)).toEqual(new Set([`Basic ${Buffer.from('u:p').toString('base64')}`]));
  });
});

describe('drain calls', () => {
  it('DRAIN_AGENT and REACTIVATE_AGENT bodies', async () => {
    const bodies: unknown[] = [];
    const s = await server((req, res, body) => {
      if (req.url === '/api/v1') bodies.push(JSON.parse(body));
      return v1Master()(req, res, body);
    });
    const c = client({ masters: [s.url] });
    expect(await c.drainAgent('S1', { maxGracePeriodNs: '30000000317', markGone: true })).toEqual({ ok: true, value: undefined });
    expect(await c.reactivateAgent('S1')).toEqual({ ok: true, value: undefined });
    expect(bodies).toEqual([
      // v1 master.proto Call.DrainAgent.max_grace_period is a google.protobuf.Duration: seconds and nanos.
      { type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: 'S1' }, max_grace_period: { seconds: 30, nanos: 317 }, mark_gone: true } },
      { type: 'REACTIVATE_AGENT', reactivate_agent: { agent_id: { value: 'S1' } } },
    ]);
  });

  it('maintenance schedule round trip and machine down/up', async () => {
    const posted: { url: string; body: unknown; text: string }[] = [];
    const s = await server((req, res, body) => {
      if (req.method === 'POST' && req.url?.startsWith('/master/')) {
        posted.push({ url: req.url, body: JSON.parse(body), text: body });
        res.writeHead(200);
        return res.end();
      }
      if (req.url === '/master/maintenance/schedule') return json(res, 200, fixtureJson('real-captures/mesos-v1-get-maintenance-schedule-docs-example.json'));
      return v1Master()(req, res, body);
    });
    const c = client({ masters: [s.url] });
    const schedule = await c.getMaintenanceSchedule();
    if (!schedule.ok) throw new Error(schedule.error.message);
    expect(await c.updateMaintenanceSchedule(schedule.value)).toEqual({ ok: true, value: undefined });
    expect(await c.machineDown([{ hostname: 'myhost', ip: '10.0.0.1' }])).toEqual({ ok: true, value: undefined });
    expect(await c.machineUp([{ hostname: 'myhost', ip: '10.0.0.1' }])).toEqual({ ok: true, value: undefined });
    expect(posted.map((p) => p.url)).toEqual(['/master/maintenance/schedule', '/master/machine/down', '/master/machine/up']);
    // Written back exactly: the 64-bit nanoseconds keep every digit.
    expect(parseMaintenanceSchedule(posted[0]!.text)).toEqual(schedule);
    expect(posted[0]!.text).toContain('"nanoseconds":1470849373150643200');
    expect(posted[1]!.body).toEqual([{ hostname: 'myhost', ip: '10.0.0.1' }]);
  });

  it('a rejected operation is an http error quoting the master', async () => {
    const s = await server((req, res, body) => {
      if (req.url === '/master/machine/down') {
        res.writeHead(400);
        return res.end('Machine is not in the schedule');
      }
      return v1Master()(req, res, body);
    });
    const r = await client({ masters: [s.url] }).machineDown([{ hostname: 'x' }]);
    expect(r).toMatchObject({ ok: false, error: { kind: 'http', status: 400 } });
    expect(!r.ok && r.error.message).toContain('not in the schedule');
  });
});
