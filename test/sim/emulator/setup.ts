import { startEmulatedCluster, type EmulatedCluster, type EmulatedClusterOptions } from '../../../src/sim/emulator/start.js';

/** A small cluster with the kinds of agents the captures show: private, public (reserved), GPU. */
export async function richCluster(extra: Partial<EmulatedClusterOptions> = {}): Promise<EmulatedCluster> {
  const emu = await startEmulatedCluster({
    cluster: { seed: 9, defaultStartupMs: 1000, allocationIntervalMs: 1000, frameworks: [{ name: 'marathon', role: 'slave_public', principal: 'dcos_marathon' }, { name: 'metronome' }] },
    agents: [
      {
        hostname: '10.0.6.133',
        ip: '10.0.6.133',
        attributes: { public_ip: 'true' },
        resources: { cpus: 4, mem: 15026, disk: 138588 },
        ports: [{ begin: 1, end: 21 }, { begin: 23, end: 5050 }, { begin: 5052, end: 32000 }],
        reservations: { slave_public: { cpus: 4, mem: 15026, disk: 138588, portRanges: [{ begin: 1, end: 21 }, { begin: 23, end: 5050 }, { begin: 5052, end: 32000 }] } },
        volumes: [{ id: 'vol-1', role: 'slave_public', diskMb: 1024, containerPath: 'data' }],
      },
    ],
    groups: [
      { name: 'stateless', template: { resources: { cpus: 2, mem: 5943, disk: 26460 }, attributes: { workload: 'stateless', type: 'private' } }, initial: 2, provisioningDelayMs: 60_000 },
      { name: 'gpu', template: { resources: { cpus: 2, mem: 5943, disk: 26460, gpus: 1 }, attributes: { workload: 'stateless', cores: 2 }, domain: { region: 'r1', zone: 'z1' } }, initial: 1 },
    ],
    apps: [
      { id: '/web', instances: 3, cpus: 0.5, mem: 256, ports: 1, labels: { HAPROXY_GROUP: 'external' } },
      { id: '/public', instances: 1, cpus: 1, mem: 128, ports: 2, role: 'slave_public' },
      { id: '/toobig', instances: 2, cpus: 8, mem: 128, constraints: [{ field: 'hostname', operator: 'UNIQUE' }] },
    ],
    ...extra,
  });
  emu.clock.advance(1000);
  emu.clock.advance(1000);
  return emu;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers }, body: JSON.stringify(body) });
}

export async function v1(emu: EmulatedCluster, call: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await postJson(`${emu.masterUrl}/api/v1`, call);
  if (res.status !== 200) throw new Error(`${String(call['type'])}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Reads RecordIO records (`<len>\n<json>`) from a streaming body. */
export class RecordIoReader {
  #buf = Buffer.alloc(0);
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async next(): Promise<Record<string, unknown>> {
    for (;;) {
      const nl = this.#buf.indexOf(0x0a);
      if (nl >= 0) {
        const len = Number(this.#buf.subarray(0, nl).toString('utf8'));
        if (!Number.isInteger(len)) throw new Error(`bad RecordIO length ${this.#buf.subarray(0, nl).toString()}`);
        if (this.#buf.length >= nl + 1 + len) {
          const record = this.#buf.subarray(nl + 1, nl + 1 + len).toString('utf8');
          this.#buf = this.#buf.subarray(nl + 1 + len);
          return JSON.parse(record) as Record<string, unknown>;
        }
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error('stream ended');
      this.#buf = Buffer.concat([this.#buf, Buffer.from(value)]);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}
