import type { z } from 'zod';
import { parseZkUrl } from './zk-url.js';

/** The parts of a parsed config that rules across sections look at. */
export interface CrossChecked {
  readonly groups: readonly {
    readonly name: string;
    readonly min: number;
    readonly selector: Readonly<Record<string, string>>;
    readonly provider: { readonly kind: string } & Readonly<Record<string, unknown>>;
  }[];
  readonly maxTotalNodes: number;
  readonly azure?: { readonly resourceGroup?: string | undefined; readonly tenantId?: string | undefined; readonly clientId?: string | undefined; readonly clientSecret?: unknown } | undefined;
  readonly aws?: { readonly region?: string | undefined } | undefined;
  readonly zk?: string | undefined;
}

/**
 * What a node group scales, as one comparable key: two groups with the same key would fight
 * over one scale set / ASG / MIG. Azure resource names are case-insensitive
 * (learn.microsoft.com: "Naming rules and restrictions for Azure resources"); defaults are
 * applied as the providers apply them. Kinds without a rule here compare their whole target.
 */
export function targetKey(group: CrossChecked['groups'][number], c: Pick<CrossChecked, 'azure' | 'aws'>): string {
  const p = group.provider;
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  switch (p.kind) {
    case 'azure-vmss':
      return `azure-vmss:${(s(p['resourceGroup']) || s(c.azure?.resourceGroup)).toLowerCase()}/${s(p['vmssName']).toLowerCase()}`;
    case 'aws-asg':
      return `aws-asg:${s(p['region']) || s(c.aws?.region)}/${s(p['asgName'])}`;
    case 'simulated':
      return `simulated:${s(p['name']) || group.name}`;
    default:
      return `${p.kind}:${stableJson(p)}`;
  }
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Rules that span sections, each reported at the field to change: two groups on one
 * cloud group, an empty selector beside other groups, minimums above the total limit,
 * a client secret without the tenant it belongs to, a zk URL the election cannot use.
 */
export function crossCheck(c: CrossChecked, ctx: z.RefinementCtx): void {
  const owner = new Map<string, string>();
  c.groups.forEach((g, i) => {
    const key = targetKey(g, c);
    const first = owner.get(key);
    if (first !== undefined)
      ctx.addIssue({ code: 'custom', path: ['groups', i, 'provider'], message: `group "${g.name}" scales the same ${g.provider.kind} group as "${first}"; each cloud group belongs to one node group` });
    else owner.set(key, g.name);
    if (Object.keys(g.selector).length === 0 && c.groups.length > 1)
      ctx.addIssue({ code: 'custom', path: ['groups', i, 'selector'], message: `an empty selector matches every agent, also those of the other groups; give group "${g.name}" a selector` });
    if (g.min > c.maxTotalNodes)
      ctx.addIssue({ code: 'custom', path: ['groups', i, 'min'], message: `min ${g.min} is above maxTotalNodes ${c.maxTotalNodes}` });
  });
  const mins = c.groups.reduce((n, g) => n + g.min, 0);
  if (c.groups.length > 1 && mins > c.maxTotalNodes)
    ctx.addIssue({ code: 'custom', path: ['maxTotalNodes'], message: `the groups' minimums add up to ${mins}, above maxTotalNodes ${c.maxTotalNodes}` });
  if (c.azure?.clientSecret !== undefined) {
    // A service principal's secret is only usable with its tenant and client (application) id.
    if (!c.azure.tenantId) ctx.addIssue({ code: 'custom', path: ['azure', 'tenantId'], message: 'a client secret needs the tenant id it belongs to (azure.tenantId, --azure-tenant-id, AZURE_TENANT_ID)' });
    if (!c.azure.clientId) ctx.addIssue({ code: 'custom', path: ['azure', 'clientId'], message: 'a client secret needs its client id (azure.clientId, --azure-client-id, AZURE_CLIENT_ID)' });
  }
  if (c.zk !== undefined) {
    const zk = parseZkUrl(c.zk);
    if (!zk.ok) ctx.addIssue({ code: 'custom', path: ['zk'], message: zk.error });
  }
}
