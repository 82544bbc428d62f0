import { configSchema, type Config } from '../../src/config/schema.js';
import type { CycleReport } from '../../src/controller/ports.js';
import { agentId, type GroupPlan, type Plan } from '../../src/model/index.js';

/** Secret values planted in the config; no HTTP response may contain any of them. */
export const SECRETS = {
  azure: 'azure-client-secret-Zq8xW1',
  mesos: 'mesos-token-Kd93hhQ',
  marathon: 'marathon-pass-Pp02mm',
  server: 'server-token-Ab7Cd8Ef9',
} as const;

export function testConfig(withServerToken = true): Config {
  return configSchema.parse({
    mesos: { masters: ['http://127.0.0.1:5050'], token: SECRETS.mesos },
    marathon: { url: 'http://127.0.0.1:8080', username: 'ops', password: SECRETS.marathon },
    azure: { subscriptionId: 'sub-1', tenantId: 'tenant-1', clientId: 'client-1', clientSecret: SECRETS.azure, resourceGroup: 'rg' },
    groups: [
      { name: 'web', selector: { pool: 'web' }, min: 1, max: 10, provider: { kind: 'azure-vmss', vmssName: 'web-vmss' } },
      { name: 'batch', selector: { pool: 'batch' }, min: 0, max: 5, resources: ['cpus', 'mem'], provider: { kind: 'simulated' } },
    ],
    server: withServerToken ? { port: 0, token: SECRETS.server } : { port: 0 },
  });
}

export function groupPlan(over: Partial<GroupPlan> & { group: string }): GroupPlan {
  return {
    current: 3,
    target: 3,
    direction: 'none',
    removals: [],
    reasons: ['utilization within bounds'],
    figures: { 'util.cpus': 0.5, 'nodes.active': 3, 'pending.instances': 0 },
    ...over,
  };
}

export function plan(at: number, groups: GroupPlan[]): Plan {
  return { at, groups };
}

export function report(at: number, groups: GroupPlan[], extra: Partial<CycleReport> = {}): CycleReport {
  return { at, durationMs: 120, plan: plan(at, groups), actions: [], ...extra };
}

/** A busy cycle: web scales up because of pending work, batch scales one node down. */
export function busyReport(at: number, reason = '4 instances of /web pending, need cpus 8'): CycleReport {
  return report(
    at,
    [
      groupPlan({
        group: 'web',
        current: 3,
        target: 5,
        direction: 'up',
        reasons: [reason, 'cpus utilization 85% above 80%'],
        figures: { 'util.cpus': 0.85, 'nodes.active': 3, 'nodes.current': 3, 'pending.instances': 4, 'pending.cpus': 8, 'pending.mem': 4096 },
      }),
      groupPlan({
        group: 'batch',
        current: 2,
        target: 1,
        direction: 'down',
        reasons: ['agent b-2 unneeded for 600 s'],
        removals: [{ agentId: agentId('S2'), hostname: 'b-2.local', instanceId: 'i-2', reason: 'cpus 5% of capacity' }],
        figures: { 'util.cpus': 0.1, 'util.mem': 0.2, 'nodes.active': 2 },
      }),
    ],
    {
      actions: [
        { at, group: 'web', kind: 'set-size', detail: 'web 3 → 5', ok: true, dryRun: false },
        { at, group: 'batch', kind: 'drain', detail: 'drain b-2.local', ok: false, dryRun: false },
      ],
    },
  );
}
