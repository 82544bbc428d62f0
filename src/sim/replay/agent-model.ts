import { agentId, type Agent, type Task } from '../../model/agent.js';
import type { Resources } from '../../model/resources.js';
import type { SimCluster } from '../cluster/cluster.js';
import { drainInfoOf, modelTask } from '../cluster/model-view.js';
import type { SimAgent } from '../cluster/types.js';

type Fixed = Pick<Agent, 'id' | 'hostname' | 'ip' | 'port' | 'attributes' | 'reservedRoles' | 'persistentVolumes' | 'registeredAt' | 'version' | 'domain'>;

/**
 * The same Agent as model-view's `modelAgent`, built for a replay that reads 500 agents
 * every cycle for a week: the parts of an agent that never change are built once, and a
 * task's model is reused until its state changes. (Rebuilding every task of every agent
 * each cycle was the observer's main cost and a large share of garbage collection.)
 */
export class AgentModeler {
  readonly #fixed = new WeakMap<SimAgent, Fixed>();

  constructor(private readonly cluster: SimCluster) {}

  model(a: SimAgent): Agent {
    const fixed = this.#fixedOf(a);
    const tasks = this.#tasksOf(a);
    let total = ZERO_MUT();
    let used = ZERO_MUT();
    let reserved = ZERO_MUT();
    for (const [role, p] of a.pools) {
      total = addInto(total, p.total);
      used = addInto(used, p.used);
      if (role !== '*') reserved = addInto(reserved, p.total);
    }
    // One literal with one field order, like modelAgent's: keeps the planner's property reads monomorphic.
    return {
      id: fixed.id,
      hostname: fixed.hostname,
      ip: fixed.ip,
      port: fixed.port,
      attributes: fixed.attributes,
      total,
      used,
      reserved,
      reservedRoles: fixed.reservedRoles,
      persistentVolumes: fixed.persistentVolumes,
      tasks,
      active: a.active && !a.deactivated,
      draining: this.cluster.isDraining(a),
      // DRAIN_AGENT's drain_info, as GET_STATE carries it (our mark lives in its grace period).
      drainInfo: drainInfoOf(a),
      registeredAt: fixed.registeredAt,
      version: fixed.version,
      domain: fixed.domain,
    };
  }

  /** The agent's task models, reusing each task's last model while its state holds (kept on the task). */
  #tasksOf(a: SimAgent): Task[] {
    const models: Task[] = [];
    for (const t of a.tasks.values()) {
      let m = t.model;
      if (m === undefined || m.state !== t.state) {
        m = modelTask(t);
        t.model = m;
      }
      models.push(m);
    }
    return models;
  }

  #fixedOf(a: SimAgent): Fixed {
    let f = this.#fixed.get(a);
    if (f === undefined) {
      const attributes: Record<string, string> = {};
      for (const [k, v] of Object.entries(a.attributes)) attributes[k] = String(v);
      f = {
        id: agentId(a.id),
        hostname: a.hostname,
        ip: a.ip,
        port: a.port,
        attributes,
        reservedRoles: [...a.pools.keys()].filter((r) => r !== '*'),
        persistentVolumes: a.volumes.map((v) => ({ id: v.id, role: v.role, diskMb: v.diskMb })),
        registeredAt: a.registeredAt,
        version: a.version,
        ...(a.domain ? { domain: { region: a.domain.region, zone: a.domain.zone } } : {}),
      };
      this.#fixed.set(a, f);
    }
    return f;
  }
}

type MutableResources = { -readonly [K in keyof Resources]: number };
const ZERO_MUT = (): MutableResources => ({ cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 });

function addInto(acc: MutableResources, r: Resources): MutableResources {
  acc.cpus += r.cpus;
  acc.mem += r.mem;
  acc.disk += r.disk;
  acc.gpus += r.gpus;
  acc.ports += r.ports;
  return acc;
}
