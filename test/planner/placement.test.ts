import { describe, expect, it } from 'vitest';
import type { Constraint, PendingLaunch } from '../../src/model/pending.js';
import { Placements } from '../../src/planner/constraints.js';
import { agentBin } from '../../src/planner/estimator.js';
import { placementApp, refusal, type RejectReason } from '../../src/planner/placement.js';
import { ConstraintState, offerRefusal } from '../../src/sim/cluster/constraints.js';
import { modelAgent } from '../../src/sim/cluster/model-view.js';
import { allocate } from '../../src/sim/cluster/pools.js';
import type { AgentSpec, AppSpec, SimAgent, SimTask } from '../../src/sim/cluster/types.js';
import { newCluster } from '../sim/cluster/helpers.js';

/**
 * Marathon's documented placement behaviour (docs/constraints.md, ports.md, GPU and role
 * docs; Constraints.scala, ResourceMatcher.scala), one row per rule. Each row is asked of
 * the planner's placement (an agent as the planner's model sees it) and of the emulator's
 * offer matching (the simulated agent itself): both must give the expected answer.
 */
interface Row {
  readonly name: string;
  readonly agents: readonly (Partial<AgentSpec> & { hostname: string })[];
  readonly app: Partial<AppSpec>;
  /** Hostnames of agents where the app's instances already run, one entry per instance. */
  readonly running?: readonly string[];
  /** Expected answer per agent hostname: undefined = accepts the next instance. */
  readonly expect: Readonly<Record<string, RejectReason | undefined>>;
}

const c = (field: string, operator: Constraint['operator'], value?: string): Constraint => (value === undefined ? { field, operator } : { field, operator, value });
const small = { cpus: 4, mem: 8192, disk: 1000 };
const racks = (...r: string[]) => r.map((rack, i) => ({ hostname: `h${i + 1}`, resources: small, attributes: { rack } }));
const OK = undefined;
const NO = 'UnfulfilledConstraint' as const;

const ROWS: readonly Row[] = [
  { name: 'hostname UNIQUE refuses an agent already running an instance', agents: racks('r1', 'r1'), app: { constraints: [c('hostname', 'UNIQUE')] }, running: ['h1'], expect: { h1: NO, h2: OK } },
  { name: '@hostname is the hostname field', agents: racks('r1', 'r1'), app: { constraints: [c('@hostname', 'UNIQUE')] }, running: ['h2'], expect: { h1: OK, h2: NO } },
  { name: 'hostname CLUSTER with a value takes only that agent', agents: racks('r1', 'r1'), app: { constraints: [c('hostname', 'CLUSTER', 'h2')] }, expect: { h1: NO, h2: OK } },
  { name: 'hostname CLUSTER without a value follows the first instance', agents: racks('r1', 'r1'), app: { constraints: [c('hostname', 'CLUSTER')] }, running: ['h2'], expect: { h1: NO, h2: OK } },
  { name: 'CLUSTER without a value takes any agent for the first instance', agents: racks('r1', 'r2'), app: { constraints: [c('rack', 'CLUSTER')] }, expect: { h1: OK, h2: OK } },
  { name: 'attribute CLUSTER without a value keeps to the first instance\'s value', agents: racks('r1', 'r2', 'r1'), app: { constraints: [c('rack', 'CLUSTER')] }, running: ['h1'], expect: { h1: OK, h2: NO, h3: OK } },
  { name: 'attribute UNIQUE refuses every agent with a value in use', agents: racks('r1', 'r2', 'r1'), app: { constraints: [c('rack', 'UNIQUE')] }, running: ['h1'], expect: { h1: NO, h2: OK, h3: NO } },
  { name: 'GROUP_BY without a value: a new value is taken, a used one only while it holds the fewest', agents: racks('r1', 'r2', 'r3'), app: { constraints: [c('rack', 'GROUP_BY')] }, running: ['h1', 'h1', 'h2'], expect: { h1: NO, h2: OK, h3: OK } },
  { name: 'GROUP_BY with the expected count waits for values not yet used', agents: racks('r1', 'r2', 'r3'), app: { constraints: [c('rack', 'GROUP_BY', '3')] }, running: ['h1', 'h2'], expect: { h1: NO, h2: NO, h3: OK } },
  { name: 'GROUP_BY with the expected count reached balances again', agents: racks('r1', 'r2', 'r3'), app: { constraints: [c('rack', 'GROUP_BY', '3')] }, running: ['h1', 'h2', 'h3', 'h1'], expect: { h1: NO, h2: OK, h3: OK } },
  { name: 'MAX_PER caps the instances per value', agents: racks('r1', 'r2', 'r1'), app: { constraints: [c('rack', 'MAX_PER', '2')] }, running: ['h1', 'h3', 'h2'], expect: { h1: NO, h2: OK, h3: NO } },
  { name: 'MAX_PER on hostname caps the instances per agent', agents: racks('r1', 'r1'), app: { constraints: [c('hostname', 'MAX_PER', '2')] }, running: ['h1', 'h1', 'h2'], expect: { h1: NO, h2: OK } },
  { name: 'LIKE is a whole-value regular expression', agents: racks('r1', 'r2', 'r10'), app: { constraints: [c('rack', 'LIKE', 'r[12]')] }, expect: { h1: OK, h2: OK, h3: NO } },
  { name: 'UNLIKE refuses matching values and accepts agents without the attribute', agents: [...racks('r1', 'r2'), { hostname: 'h3', resources: small }], app: { constraints: [c('rack', 'UNLIKE', 'r1')] }, expect: { h1: NO, h2: OK, h3: OK } },
  { name: 'every other operator refuses an agent without the attribute', agents: [...racks('r1'), { hostname: 'h2', resources: small }], app: { constraints: [c('rack', 'LIKE', '.*')] }, expect: { h1: OK, h2: NO } },
  { name: 'IS compares a scalar attribute as Marathon formats it', agents: [{ hostname: 'h1', resources: small, attributes: { level: 2 } }, { hostname: 'h2', resources: small, attributes: { level: 2.5 } }], app: { constraints: [c('level', 'IS', '2.0')] }, expect: { h1: OK, h2: NO } },
  { name: 'sets compare sorted ({a,b})', agents: [{ hostname: 'h1', resources: small, attributes: { disks: '{ssd,nvme}' } }, { hostname: 'h2', resources: small, attributes: { disks: '{hdd}' } }], app: { constraints: [c('disks', 'LIKE', '\\{nvme,ssd\\}')] }, expect: { h1: OK, h2: NO } },
  { name: 'ranges compare sorted without spaces ([1-2,5-6])', agents: [{ hostname: 'h1', resources: small, attributes: { slots: '[5-6, 1-2]' } }, { hostname: 'h2', resources: small, attributes: { slots: '[1-3]' } }], app: { constraints: [c('slots', 'IS', '[1-2,5-6]')] }, expect: { h1: OK, h2: NO } },
  { name: '@zone reads the fault domain, not an attribute', agents: [{ hostname: 'h1', resources: small, domain: { region: 'eu', zone: 'eu-1' } }, { hostname: 'h2', resources: small, domain: { region: 'eu', zone: 'eu-2' } }], app: { constraints: [c('@zone', 'UNIQUE')] }, running: ['h1'], expect: { h1: NO, h2: OK } },
  { name: '@region IS takes agents of that region only', agents: [{ hostname: 'h1', resources: small, domain: { region: 'eu', zone: 'eu-1' } }, { hostname: 'h2', resources: small, domain: { region: 'us', zone: 'us-1' } }, { hostname: 'h3', resources: small }], app: { constraints: [c('@region', 'IS', 'eu')] }, expect: { h1: OK, h2: NO, h3: NO } },
  { name: 'a fixed host port allows one instance per agent', agents: racks('r1', 'r1'), app: { fixedPorts: [9090], ports: 1 }, running: ['h1'], expect: { h1: 'InsufficientPorts', h2: OK } },
  {
    name: 'resources reserved for slave_public are not for apps that do not accept the role',
    agents: [{ hostname: 'pub', resources: small, reservations: { slave_public: { ...small } } }, { hostname: 'priv', resources: small }],
    app: {},
    expect: { pub: 'UnfulfilledRole', priv: OK },
  },
  {
    name: 'acceptedResourceRoles ["slave_public"] takes only public agents',
    agents: [{ hostname: 'pub', resources: small, reservations: { slave_public: { ...small } } }, { hostname: 'priv', resources: small }],
    app: { role: 'slave_public', acceptedRoles: ['slave_public'] },
    expect: { pub: OK, priv: 'UnfulfilledRole' },
  },
  {
    name: 'a partial reservation leaves only the unreserved part to other roles',
    agents: [{ hostname: 'h1', resources: small, reservations: { db: { cpus: 3, mem: 1024 } } }],
    app: { cpus: 2 },
    expect: { h1: 'InsufficientCpus' },
  },
  { name: 'the reserving role may use its reservation and the unreserved part', agents: [{ hostname: 'h1', resources: small, reservations: { db: { cpus: 3, mem: 1024 } } }], app: { cpus: 2, role: 'db' }, expect: { h1: OK } },
  { name: 'GPU agents decline apps that need no GPU (restricted)', agents: [{ hostname: 'gpu', resources: { ...small, gpus: 4 } }, { hostname: 'cpu', resources: small }], app: {}, expect: { gpu: 'DeclinedScarceResources', cpu: OK } },
  { name: 'GPU apps take GPU agents', agents: [{ hostname: 'gpu', resources: { ...small, gpus: 4 } }, { hostname: 'cpu', resources: small }], app: { gpus: 1 }, expect: { gpu: OK, cpu: 'InsufficientGpus' } },
  { name: 'GPU_SCHEDULING_BEHAVIOR unrestricted lets any app use GPU agents', agents: [{ hostname: 'gpu', resources: { ...small, gpus: 4 } }], app: { gpuScheduling: 'unrestricted' }, expect: { gpu: OK } },
  { name: 'a constraint refusal comes before a resource shortfall (Marathon\'s funnel order)', agents: racks('r1'), app: { cpus: 64, constraints: [c('rack', 'IS', 'r2')] }, expect: { h1: NO } },
];

function build(row: Row) {
  const cluster = newCluster();
  const agents = new Map<string, SimAgent>(row.agents.map((a) => [a.hostname, cluster.addAgent({ ...a, resources: a.resources ?? small })]));
  const spec: AppSpec = { id: '/app', instances: 0, cpus: 0.5, mem: 256, ...row.app };
  const r = cluster.createApp(spec);
  if (!r.ok) throw r.error;
  const app = r.value;
  const tasks: SimTask[] = [];
  for (const host of row.running ?? []) {
    const agent = agents.get(host);
    if (!agent) throw new Error(`no agent ${host}`);
    // Running instances hold their resources and fixed ports, as the emulator's launch does.
    allocate(agent, app.role, app.need, spec.acceptedRoles, spec.fixedPorts);
    tasks.push({ id: `t${tasks.length}`, agentId: agent.id, appId: '/app' } as SimTask);
  }
  return { cluster, agents, app, spec, tasks };
}

describe('placement as Marathon decides it: planner and emulator agree', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const { cluster, agents, app, spec, tasks } = build(row);
      const constraints = spec.constraints ?? [];
      // The emulator's offer matching.
      const cs = constraints.length > 0 ? new ConstraintState(constraints, tasks, (t) => cluster.getAgent(t.agentId)) : undefined;
      const emulator = Object.fromEntries([...agents].map(([h, a]) => [h, offerRefusal(app, a, cs)]));
      // The planner, from the model of the same agents.
      const launch: PendingLaunch = {
        id: '/app', source: 'marathon', count: 1, resources: app.need, constraints, role: app.role, delayed: false, rejections: {},
        ...(spec.acceptedRoles ? { acceptedRoles: spec.acceptedRoles } : {}),
        ...(spec.fixedPorts ? { fixedPorts: spec.fixedPorts } : {}),
        ...(spec.gpuScheduling ? { gpuScheduling: spec.gpuScheduling } : {}),
      };
      const models = new Map([...agents].map(([h, a]) => [h, modelAgent(cluster, a)]));
      const placed = constraints.length > 0 ? new Placements(constraints) : undefined;
      for (const host of row.running ?? []) {
        const m = models.get(host);
        if (m) placed?.record(m);
      }
      const running = new Map<string, number>();
      for (const host of row.running ?? []) running.set(host, (running.get(host) ?? 0) + 1);
      const planner = Object.fromEntries([...models].map(([h, m]) => {
        // The model lists the app's tasks on the agent; the bin marks their fixed ports bound.
        const withTasks = { ...m, tasks: Array.from({ length: running.get(h) ?? 0 }, (_, i) => ({ id: `t${i}`, name: 'app', frameworkId: 'marathon', state: 'TASK_RUNNING', resources: app.need, labels: {}, appId: '/app', role: app.role })) };
        return [h, refusal(placementApp(launch), agentBin(withTasks, new Map([['/app', spec.fixedPorts ?? []]])), placed)];
      }));
      expect(emulator).toEqual(row.expect);
      expect(planner).toEqual(row.expect);
    });
  }
});

describe('the emulated Marathon reports the placement module\'s reasons', () => {
  it('declines a GPU agent for a CPU app with DeclinedScarceResources in processedOffersSummary', () => {
    const cluster = newCluster();
    cluster.addAgent({ hostname: 'gpu', resources: { ...small, gpus: 2 } });
    cluster.createApp({ id: 'cpu-only', instances: 1, cpus: 1, mem: 128 });
    cluster.clock.advance(1000);
    const app = cluster.getApp('/cpu-only');
    expect(app && cluster.waitingCount(app)).toBe(1);
    expect(app?.queue?.lastPass.declined.DeclinedScarceResources).toBe(1);
  });

  it('launches one instance per agent for a fixed host port and binds that port', () => {
    const cluster = newCluster();
    for (const h of ['a', 'b']) cluster.addAgent({ hostname: h, resources: small });
    // 9090 lies in the agents' default port ranges (8080-8081 do not, as on DC/OS agents).
    cluster.createApp({ id: 'lb', instances: 3, cpus: 0.1, mem: 32, fixedPorts: [9090], ports: 1 });
    cluster.clock.advance(1000);
    const app = cluster.getApp('/lb');
    expect(app?.tasks.size).toBe(2);
    expect([...cluster.tasks()].map((t) => t.ports)).toEqual([[9090], [9090]]);
    // a declines while the second instance is placed, then a and b decline the third.
    expect(app?.queue?.lastPass.declined.InsufficientPorts).toBe(3);
  });
});
