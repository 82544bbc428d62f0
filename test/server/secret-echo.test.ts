import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/service.js';
import { configSchema } from '../../src/config/schema.js';
import type { NodeGroupProvider } from '../../src/providers/provider.js';
import { createLogger } from '../../src/util/logger.js';
import { waitFor } from '../support/services.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const USER = 'ops';
const PASSWORD = 'Pw-echo-9c1e77';
const BASE64 = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const SERVER_TOKEN = 'server-token-3b8f21';

/** A Mesos master that leads, and refuses every other request with 401 and echoes the Authorization header it got. */
async function echoingMaster(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/master/redirect') {
      // This master leads (mesos src/master/http.cpp `Master::Http::redirect`: a protocol-relative Location).
      res.writeHead(307, { location: `//127.0.0.1:${(server.address() as AddressInfo).port}` });
      return void res.end();
    }
    seen.push(req.headers.authorization ?? '');
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="mesos"' });
    res.end(`Unauthorized: you sent Authorization: ${req.headers.authorization ?? '(none)'} (user ${USER}, password ${PASSWORD})`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const idleCloud: NodeGroupProvider = {
  kind: 'simulated',
  describe: () => Promise.resolve({ desired: 1, instances: [] }),
  setDesiredSize: () => Promise.resolve(),
  deleteInstances: () => Promise.resolve(),
};

describe('a 401 that echoes the credentials we sent', () => {
  it('reaches no log line, /status or /api/plan, in any encoding', async () => {
    const master = await echoingMaster();
    const config = configSchema.parse({
      timer: 60,
      verbosity: 4,
      drain: false,
      mesos: { masters: [master.url], username: USER, password: PASSWORD, timeoutMs: 2_000 },
      server: { host: '127.0.0.1', port: 0, token: SERVER_TOKEN },
      groups: [{ name: 'web', selector: { pool: 'web' }, min: 1, max: 3, provider: { kind: 'simulated' }, template: { cpus: 4, mem: 8192, disk: 10_000 } }],
    });
    let logged = '';
    // A logger without any scrubber of its own: nothing secret may even be handed to it.
    const logger = createLogger('trace', { write: (line: string) => void (logged += line) });
    const service = await startService({ config, logger, simulated: idleCloud, processMetrics: false, events: false });
    cleanup.push(() => service.stop());
    const cycle = await waitFor('first cycle', () => service.store.view().lastCycle);
    expect(master.seen).toContain(`Basic ${BASE64}`); // the credentials were sent...
    expect(cycle.ok).toBe(false);
    const status = await (await fetch(`${service.url}/status`)).text();
    const plan = await (await fetch(`${service.url}/api/plan`)).text();
    expect(status).toContain('HTTP 401'); // ...the failure is reported...
    for (const text of [logged, status, plan]) {
      // ...but not what the master echoed.
      expect(text).not.toContain(BASE64);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('Authorization: Basic');
    }
  });
});
