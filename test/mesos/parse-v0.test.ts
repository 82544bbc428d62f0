import { describe, expect, it } from 'vitest';
import { isCapacity, sum, type Agent } from '../../src/model/index.js';
import { countPortRanges } from '../../src/mesos/resources.js';
import { parseMasterState, parseSlaves } from '../../src/mesos/parse-v0.js';
import { fixtureJson } from '../support/fixtures.js';

const SLAVES = 'mesos-1.2-dcos-1.9-slaves';

function slaves(file: string): Agent[] {
  const r = parseSlaves(fixtureJson(`${SLAVES}/${file}`));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const stateless = (agents: Agent[]) => agents.filter((a) => a.attributes.workload === 'stateless');
const activeStateless = (agents: Agent[]) => stateless(agents).filter(isCapacity);

describe('countPortRanges', () => {
  it('counts v0 port range strings', () => {
    expect(countPortRanges('[1025-2180, 2182-3887]')).toBe(1156 + 1706);
    expect(countPortRanges('[80-80, 443-443, 9090-9091, 10000-10100]')).toBe(1 + 1 + 2 + 101);
    expect(countPortRanges('[]')).toBe(0);
    expect(countPortRanges('1-5')).toBeUndefined();
    expect(countPortRanges('[5-1]')).toBeUndefined();
  });
});

describe('/master/slaves captures (Mesos 1.2, DC/OS 1.9)', () => {
  it('mockupUp: stateless pool uses 7 of 8 cpus', () => {
    const agents = slaves('mockupUp.json');
    expect(agents).toHaveLength(7);
    const pool = activeStateless(agents);
    expect(pool).toHaveLength(4);
    expect(sum(pool.map((a) => a.used)).cpus).toBe(7);
    expect(sum(pool.map((a) => a.total)).cpus).toBe(8);
  });

  it('mockupMid: 3 of 8; mockupDown: 1 of 8', () => {
    for (const [file, used] of [['mockupMid.json', 3], ['mockupDown.json', 1]] as const) {
      const pool = activeStateless(slaves(file));
      expect(sum(pool.map((a) => a.used)).cpus).toBe(used);
      expect(sum(pool.map((a) => a.total)).cpus).toBe(8);
    }
  });

  it('reads ids, ip from pid, attributes, ports and the slave_public reservation', () => {
    const agents = slaves('mockupUp.json');
    const first = agents[0]!;
    expect(first.id).toBe('eec4da0a-539d-441e-a061-dd795d3002e5-S5');
    expect(first.ip).toBe('10.1.0.8');
    expect(first.port).toBe(5051);
    expect(first.attributes).toEqual({ workload: 'stateless', type: 'private' });
    expect(first.total).toEqual({ cpus: 2, mem: 5943, disk: 26460, gpus: 0, ports: 1156 + 1706 + 1161 + 3028 + 99 + 23819 });
    expect(first.used.ports).toBe(2);
    expect(first.reservedRoles).toEqual([]);
    expect(first.version).toBe('1.2.1');
    expect(first.registeredAt).toBe(Math.round(1498141628.9351 * 1000));
    const pub = agents.find((a) => a.attributes.type === 'public')!;
    expect(pub.reservedRoles).toEqual(['slave_public']);
    expect(pub.reserved).toEqual({ cpus: 2, mem: 5943, disk: 26459, gpus: 0, ports: 31998 });
    expect(pub.used.ports).toBe(105);
  });

  // The README says 10 stateless agents; the capture holds 11 (4 inactive, 7 active).
  it('mockupDown2: 4 inactive stateless agents are not capacity', () => {
    const agents = slaves('mockupDown2.json');
    expect(agents).toHaveLength(14);
    const pool = stateless(agents);
    expect(pool).toHaveLength(11);
    const inactive = pool.filter((a) => !a.active);
    expect(inactive.map((a) => a.hostname).sort()).toEqual(['10.1.0.11', '10.1.0.14', '10.1.0.15', '10.1.0.16']);
    expect(activeStateless(agents)).toHaveLength(7);
  });

  it('mockupGPU: gpus on three agents', () => {
    const agents = slaves('mockupGPU.json');
    const withGpu = agents.filter((a) => a.total.gpus > 0).map((a) => a.hostname).sort();
    expect(withGpu).toEqual(['10.0.0.5', '10.1.0.13', '10.1.0.7']);
    expect(sum(agents.map((a) => a.total)).gpus).toBe(3);
    expect(sum(agents.map((a) => a.used)).gpus).toBe(0);
    const down2 = slaves('mockupDown2.json');
    expect(sum(down2.map((a) => a.total)).gpus).toBe(0);
  });
});

describe('/master/state captures', () => {
  it('Mesos 0.28: three agents, one statically reserved to agent_master, tasks joined', () => {
    const r = parseMasterState(fixtureJson('real-captures/mesos-v0-master-state-0.28.0-dcosnet.json'));
    if (!r.ok) throw new Error(r.error.message);
    const { agents, frameworks } = r.value;
    expect(agents).toHaveLength(3);
    const reserved = agents.find((a) => a.id.endsWith('-S0'))!;
    expect(reserved.reservedRoles).toEqual(['agent_master']);
    expect(reserved.reserved).toEqual({ cpus: 4, mem: 13598, disk: 4090, gpus: 0, ports: 1001 });
    expect(reserved.port).toBeUndefined();
    const busy = agents.find((a) => a.id.endsWith('-S2'))!;
    expect(busy.ip).toBe('10.10.0.109');
    expect(busy.used.cpus).toBeCloseTo(0.2);
    expect(busy.tasks.map((t) => t.name).sort()).toEqual([
      'integration-test-app-with-minuteman-vip-597177d7b90b4cfaac21ccf48822be52',
      'integration-test-proxy-to-minuteman-vip-597177d7b90b4cfaac21ccf48822be52',
    ]);
    const withLabel = busy.tasks.find((t) => t.labels.vip_PORT0)!;
    expect(withLabel.labels.vip_PORT0).toBe('tcp://1.2.3.4:5000');
    expect(withLabel.resources.ports).toBe(1);
    expect(withLabel.role).toBe('slave_public');
    expect(withLabel.appId).toBe('/integration-test-app-with-minuteman-vip-597177d7b90b4cfaac21ccf48822be52');
    expect(frameworks.find((f) => f.name === 'marathon')?.roles).toEqual(['slave_public']);
    expect(agents.every((a) => a.persistentVolumes.length === 0)).toBe(true);
  });

  it('Mesos 1.5: private agent with Marathon tasks and pods, public agent reserved to slave_public', () => {
    const r = parseMasterState(fixtureJson('real-captures/mesos-v0-master-state-1.5.0-dcosgo.json'));
    if (!r.ok) throw new Error(r.error.message);
    const [priv, pub] = r.value.agents;
    expect(priv!.hostname).toBe('10.0.0.157');
    expect(priv!.tasks).toHaveLength(6);
    expect(priv!.used).toEqual({ cpus: 0.5, mem: 544, disk: 10, gpus: 0, ports: 0 });
    const apps = priv!.tasks.map((t) => t.appId).filter(Boolean).sort();
    expect(apps).toEqual(['/parent-pod', '/parent-pod', '/single-docker-container', '/single-mesos-container']);
    expect(priv!.tasks.every((t) => t.role === 'slave_public')).toBe(true);
    expect(pub!.attributes).toEqual({ public_ip: 'true' });
    expect(pub!.reservedRoles).toEqual(['slave_public']);
    expect(pub!.reserved.cpus).toBe(4);
    expect(r.value.frameworks.map((f) => f.name).sort()).toEqual(['marathon', 'metronome']);
  });

  it('state-summary (1.7.1) parses as /master/slaves: scalar attributes render as text', () => {
    const r = parseSlaves(fixtureJson('real-captures/mesos-v0-state-summary-1.7.1-datadog.json'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]!.attributes).toEqual({ env: 'prod', number: '29160', name: 'agent', cluster: '48' });
    expect(r.value[0]!.total).toEqual({ cpus: 8, mem: 28956, disk: 95536, gpus: 0, ports: 1 + 10001 + 1001 });
  });

  it('persistent volumes and 1.9 drain fields in v0 agents', () => {
    const json = {
      slaves: [
        {
          id: 'a-S9',
          hostname: 'db-1',
          pid: 'slave(1)@10.0.0.9:5051',
          resources: { cpus: 4, mem: 8192, disk: 10000, ports: '[31000-31099]' },
          used_resources: { cpus: 1, mem: 1024, disk: 2000 },
          reserved_resources: { db: { cpus: 1, mem: 1024, disk: 2000 } },
          reserved_resources_full: {
            db: [
              { name: 'disk', type: 'SCALAR', scalar: { value: 2000 }, role: 'db', disk: { persistence: { id: 'vol-1', principal: 'p' }, volume: { container_path: 'data', mode: 'RW' } } },
            ],
          },
          active: true,
          deactivated: true,
          drain_info: { state: 'DRAINING', config: { mark_gone: false } },
        },
      ],
    };
    const r = parseSlaves(json);
    if (!r.ok) throw new Error(r.error.message);
    const a = r.value[0]!;
    expect(a.persistentVolumes).toEqual([{ id: 'vol-1', role: 'db', diskMb: 2000 }]);
    expect(a.total.ports).toBe(100);
    expect(a.active).toBe(false);
    expect(a.draining).toBe(true);
  });
});

describe('malformed /master/slaves and /master/state', () => {
  const good = fixtureJson(`${SLAVES}/mockupUp.json`) as { slaves: Record<string, unknown>[] };

  it('gives an error value, never a partial list', () => {
    const broken = structuredClone(good);
    broken.slaves[2]!.resources = { cpus: 'two' };
    const r = parseSlaves(broken);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('malformed');
      expect(r.error.message).toContain('slaves.2.resources.cpus');
    }
  });

  it('rejects bad port strings, missing ids, wrong top-level shapes', () => {
    const ports = structuredClone(good);
    ports.slaves[0]!.resources = { cpus: 1, ports: '1025-2180' };
    expect(parseSlaves(ports).ok).toBe(false);
    const noId = structuredClone(good);
    delete noId.slaves[1]!.id;
    expect(parseSlaves(noId).ok).toBe(false);
    expect(parseSlaves({}).ok).toBe(false);
    expect(parseSlaves(null).ok).toBe(false);
    expect(parseSlaves('<html>').ok).toBe(false);
    expect(parseMasterState({ slaves: [{ id: 'x' }] }).ok).toBe(false);
  });
});
