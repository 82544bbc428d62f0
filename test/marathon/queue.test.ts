import { describe, expect, it } from 'vitest';
import { parseApps } from '../../src/marathon/apps.js';
import { parseQueue } from '../../src/marathon/queue.js';
import { fixtureJson } from '../support/fixtures.js';

const QUEUE = 'real-captures/marathon-v2-queue-docs-example.json';

describe('GET /v2/queue', () => {
  it('parses the docs example', () => {
    const r = parseQueue(fixtureJson(QUEUE));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toHaveLength(2);
    const [dd, foo] = r.value;
    expect(dd).toEqual({
      id: '/tools/datadog-agent',
      source: 'marathon',
      count: 1,
      resources: { cpus: 1, mem: 512, disk: 0, gpus: 0, ports: 1 },
      constraints: [{ field: 'hostname', operator: 'UNIQUE' }],
      role: '*',
      delayed: false,
      since: Date.parse('2016-02-28T16:41:41.090Z'),
      rejections: {},
    });
    expect(foo!.count).toBe(2);
    expect(foo!.resources).toEqual({ cpus: 0.5, mem: 128, disk: 0, gpus: 0, ports: 1 });
    expect(foo!.rejections).toEqual({
      UnfulfilledRole: 0,
      UnfulfilledConstraint: 0,
      NoCorrespondingReservationFound: 0,
      InsufficientCpus: 75,
      InsufficientMemory: 15,
      InsufficientDisk: 10,
      InsufficientGpus: 0,
      DeclinedScarceResources: 0,
    });
  });

  it('delay, roles, port mappings, gpus and pods', () => {
    const r = parseQueue({
      queue: [
        {
          app: {
            id: '/web',
            cpus: 0.25,
            mem: 64,
            gpus: 1,
            acceptedResourceRoles: ['slave_public'],
            constraints: [['rack', 'GROUP_BY', '3'], ['zone', 'like', 'eu-.*']],
            container: { type: 'MESOS', portMappings: [{ containerPort: 80, hostPort: 0 }, { containerPort: 81 }] },
          },
          count: 3,
          delay: { timeLeftSeconds: 12, overdue: false },
        },
        { app: { id: '/svc', role: 'team-a', portDefinitions: [{ port: 0 }, { port: 0 }] }, count: 1, delay: { timeLeftSeconds: 0, overdue: false } },
        {
          pod: {
            id: '/pod',
            role: 'batch',
            containers: [
              { name: 'a', resources: { cpus: 0.5, mem: 100 }, endpoints: [{ name: 'http', hostPort: 0 }] },
              { name: 'b', resources: { cpus: 0.5, mem: 100, disk: 5 } },
            ],
            scheduling: { placement: { constraints: [{ fieldName: 'hostname', operator: 'UNIQUE' }] } },
          },
          count: 2,
        },
      ],
    });
    if (!r.ok) throw new Error(r.error.message);
    const [web, svc, pod] = r.value;
    expect(web).toMatchObject({
      delayed: true,
      role: 'slave_public',
      resources: { cpus: 0.25, mem: 64, disk: 0, gpus: 1, ports: 1 },
      constraints: [
        { field: 'rack', operator: 'GROUP_BY', value: '3' },
        { field: 'zone', operator: 'LIKE', value: 'eu-.*' },
      ],
    });
    expect(svc).toMatchObject({ delayed: false, role: 'team-a', resources: { cpus: 1, mem: 128, ports: 2 } });
    expect(pod).toMatchObject({
      id: '/pod',
      role: 'batch',
      count: 2,
      constraints: [{ field: 'hostname', operator: 'UNIQUE' }],
    });
    expect(pod!.resources.cpus).toBeCloseTo(1.1); // containers plus the default executor
    expect(pod!.resources).toMatchObject({ mem: 232, disk: 15, ports: 1 });
  });

  it('malformed queues are error values, not partial lists', () => {
    for (const bad of [
      {},
      { queue: [{ count: 1 }] },
      { queue: [{ app: { id: '/a' }, count: -1 }] },
      { queue: [{ app: { id: '/a', constraints: [['hostname', 'NEAR']] }, count: 1 }] },
      { queue: [{ app: { id: '/a' }, count: 1 }, { app: { cpus: 1 }, count: 1 }] },
    ]) {
      const r = parseQueue(bad);
      expect(r).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    }
  });
});

describe('GET /v2/apps?embed=apps.tasks', () => {
  it('parses the Marathon 1.5 capture', () => {
    const r = parseApps(fixtureJson('real-captures/marathon-v2-apps-embed-tasks-1.5-marathonlb.json'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toEqual([
      {
        id: '/pywebserver',
        instances: 1,
        resources: { cpus: 0.1, mem: 128, disk: 0, gpus: 0, ports: 1 },
        constraints: [],
        role: '*',
        labels: { HAPROXY_GROUP: 'external', HAPROXY_0_VHOST: 'myvhost.com' },
        tasks: [
          {
            id: 'pywebserver.8cad6a69-6ca8-11e7-beb2-0e2beceebfcc',
            host: '10.0.2.148',
            agentId: 'db7b40e2-791c-445f-b373-183e2a648a86-S1',
            state: 'TASK_RUNNING',
          },
        ],
      },
    ]);
    expect(parseApps({ apps: [{ instances: 1 }] }).ok).toBe(false);
  });
});
