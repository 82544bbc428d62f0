import type { Config, ConfigInput, GroupConfig } from '../../config/schema.js';
import { validateConfig } from '../../config/load.js';
import type { SimNodeGroupSpec } from '../../providers/simulated/simulated-provider.js';

/** Attribute that tells the node groups' agents apart (each group's selector). */
export const GROUP_ATTRIBUTE = 'node-group';

/** A node group of the simulated cloud, before any policy is applied. */
export interface ScenarioGroup {
  readonly name: string;
  readonly cpus: number;
  readonly mem: number;
  readonly disk?: number;
  readonly gpus?: number;
  readonly min: number;
  readonly max: number;
  /** Nodes at trace start; default `min`. */
  readonly initial?: number;
  /** Price of one node per hour. */
  readonly price?: number;
  readonly instanceType?: string;
}

/** A config with these node groups and every other setting at its default (simulated provider). */
export function scenarioConfig(groups: readonly ScenarioGroup[], extra: Partial<ConfigInput> = {}): Config {
  return validateConfig({
    mesos: { masters: ['http://simulated-master.invalid:5050'] },
    maxTotalNodes: Math.max(1000, groups.reduce((n, g) => n + g.max, 0)),
    ...extra,
    groups: groups.map((g) => ({
      name: g.name,
      selector: { [GROUP_ATTRIBUTE]: g.name },
      min: g.min,
      max: g.max,
      price: g.price ?? 1,
      // A simulated group may grow by many nodes at once, as a real cloud allows.
      maxStep: Math.max(50, Math.ceil(g.max / 4)),
      template: { cpus: g.cpus, mem: g.mem, disk: g.disk ?? 0, gpus: g.gpus ?? 0, ...(g.instanceType ? { instanceType: g.instanceType } : {}) },
      provider: { kind: 'simulated' },
    })),
  });
}

/** Virtual time from a scale-up until the new agent registers, unless told: about a cloud VM's boot. */
export const DEFAULT_PROVISIONING_DELAY_MS = 180_000;

export interface SimGroupOptions {
  /** Nodes at start per group name (default the group's min). */
  readonly initial?: Readonly<Record<string, number>>;
  readonly provisioningDelayMs?: number;
}

/** The simulated cloud's groups for a config: template shape, selector attributes, initial size. */
export function simGroupsFor(config: Config, options: SimGroupOptions = {}): SimNodeGroupSpec[] {
  return config.groups.map((g) => {
    const t = templateOf(g);
    return {
      name: g.name,
      template: {
        resources: { cpus: t.cpus, mem: t.mem, disk: t.disk, gpus: t.gpus },
        attributes: { ...(g.template?.attributes ?? {}), ...g.selector },
      },
      initial: options.initial?.[g.name] ?? g.min,
      provisioningDelayMs: options.provisioningDelayMs ?? DEFAULT_PROVISIONING_DELAY_MS,
      hourlyCost: g.price,
    };
  });
}

/** A simulated group needs a template: nothing else says what its nodes look like. */
export function templateOf(g: GroupConfig): { cpus: number; mem: number; disk: number; gpus: number } {
  if (!g.template) throw new Error(`node group ${g.name}: a simulated group needs a template (cpus, mem)`);
  return { cpus: g.template.cpus, mem: g.template.mem, disk: g.template.disk, gpus: g.template.gpus };
}
