import { afterEach, describe, expect, it } from 'vitest';
import { mesosSchema } from '../../src/config/schema.js';
import { MesosClient } from '../../src/mesos/client.js';
import { DrainError, MesosDrainer } from '../../src/mesos/drainer.js';
import { indexMaintenance } from '../../src/model/drain.js';
import { json, silentLogger, startServer, type TestServer } from './servers.js';

type Machine = { hostname?: string; ip?: string };
type Window = { machine_ids: Machine[]; unavailability: { start: { nanoseconds: number }; duration?: { nanoseconds: number } } };

const same = (a: Machine, b: Machine) => a.hostname === b.hostname && a.ip === b.ip;

/** An emulated master's maintenance endpoints, with the checks docs/maintenance.md describes. */
async function maintenanceMaster(initial: Window[] = []) {
  const state = { windows: initial, down: [] as Machine[], posts: [] as string[] };
  const s = await startServer((req, res, body) => {
    if (req.method === 'POST') state.posts.push(req.url ?? '');
    switch (`${req.method} ${req.url}`) {
      case 'GET /master/maintenance/schedule':
        return json(res, 200, state.windows.length ? { windows: state.windows } : {});
      case 'POST /master/maintenance/schedule': {
        const next = (JSON.parse(body) as { windows?: Window[] }).windows ?? [];
        const scheduled = next.flatMap((w) => w.machine_ids);
        if (state.down.some((d) => !scheduled.some((m) => same(m, d)))) {
          res.writeHead(400);
          return res.end('Machines in DOWN mode must be in the schedule');
        }
        state.windows = next;
        res.writeHead(200);
        return res.end();
      }
      case 'GET /master/maintenance/status': {
        const all = state.windows.flatMap((w) => w.machine_ids);
        const draining = all.filter((m) => !state.down.some((d) => same(d, m)));
        return json(res, 200, { draining_machines: draining.map((id) => ({ id })), down_machines: state.down });
      }
      case 'POST /master/machine/down':
      case 'POST /master/machine/up': {
        const machines = JSON.parse(body) as Machine[];
        const all = state.windows.flatMap((w) => w.machine_ids);
        if (!machines.every((m) => all.some((x) => same(x, m)))) {
          res.writeHead(400);
          return res.end('not in the schedule');
        }
        if (req.url === '/master/machine/down') state.down.push(...machines);
        else state.down = state.down.filter((d) => !machines.some((m) => same(m, d)));
        res.writeHead(200);
        return res.end();
      }
      default:
        res.writeHead(404);
        res.end();
    }
  });
  return { server: s, state };
}

const servers: TestServer[] = [];
const clients: MesosClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function setup(initial: Window[] = []) {
  const m = await maintenanceMaster(initial);
  servers.push(m.server);
  const c = new MesosClient(mesosSchema.parse({ masters: [m.server.url], timeoutMs: 2000 }), silentLogger());
  clients.push(c);
  return { ...m, drainer: new MesosDrainer(c, { windowMs: 600_000 }) };
}

const OTHER: Window = { machine_ids: [{ hostname: 'other', ip: '10.0.0.99' }], unavailability: { start: { nanoseconds: 1e18 } } };
const machine = { hostname: '10.1.0.8', ip: '10.1.0.8' };

describe('MesosDrainer', () => {
  it('drains through the maintenance schedule: DRAINING, DOWN, then cleared, keeping other windows', async () => {
    const { drainer, state } = await setup([OTHER]);
    const now = 1_700_000_000_000;
    await drainer.start(machine, now);
    expect(state.windows).toHaveLength(2);
    expect(state.windows[0]).toEqual(OTHER);
    // Our window is marked: its duration's nanoseconds end in 317.
    expect(state.windows[1]).toEqual({
      machine_ids: [{ hostname: '10.1.0.8', ip: '10.1.0.8' }],
      unavailability: { start: { nanoseconds: now * 1e6 }, duration: { nanoseconds: 600_000 * 1e6 + 317 } },
    });

    // Idempotent: a second start changes nothing.
    await drainer.start(machine, now + 5000);
    expect(state.posts.filter((p) => p.endsWith('/schedule'))).toHaveLength(1);

    const view = await drainer.read();
    expect(indexMaintenance(view).ours.size).toBe(1);
    expect(indexMaintenance(view).operators.size).toBe(1);

    await drainer.down(machine);
    expect(state.down).toEqual([{ hostname: '10.1.0.8', ip: '10.1.0.8' }]);
    await drainer.down(machine); // already down: no second post
    expect(state.posts.filter((p) => p === '/master/machine/down')).toHaveLength(1);
    expect((await drainer.read()).down).toEqual([machine]);

    await drainer.finish(machine);
    expect(state.down).toEqual([]);
    expect(state.windows).toEqual([OTHER]);
  });

  it('a restarted autoscaler finds drains in flight, and tells its own from an operator\'s', async () => {
    const { drainer } = await setup([
      { machine_ids: [{ hostname: 'a', ip: '10.0.0.1' }, { hostname: 'b', ip: '10.0.0.2' }], unavailability: { start: { nanoseconds: 1.5e18 }, duration: { nanoseconds: 60e9 + 317 } } },
      OTHER,
    ]);
    const m = indexMaintenance(await drainer.read());
    expect([...m.ours.values()]).toEqual([{ hostname: 'a', ip: '10.0.0.1' }, { hostname: 'b', ip: '10.0.0.2' }]);
    expect([...m.operators.values()]).toEqual([{ hostname: 'other', ip: '10.0.0.99' }]);
  });

  it('finishing a drain that never went down just unschedules it; an operator\'s window is never touched', async () => {
    const { drainer, state } = await setup([OTHER]);
    await drainer.start(machine, 1000);
    await drainer.finish(machine);
    expect(state.windows).toEqual([OTHER]);
    expect(state.posts).not.toContain('/master/machine/up');
    const before = state.posts.length;
    await drainer.finish({ hostname: 'other', ip: '10.0.0.99' });
    expect(state.windows).toEqual([OTHER]);
    expect(state.posts).toHaveLength(before);
  });

  it('failures reject with a DrainError that carries the Mesos error', async () => {
    const { drainer } = await setup();
    const p = drainer.down({ hostname: 'ghost', ip: '10.9.9.9' });
    await expect(p).rejects.toBeInstanceOf(DrainError);
    await expect(p).rejects.toMatchObject({ error: { kind: 'http', status: 400 } });
  });
});
