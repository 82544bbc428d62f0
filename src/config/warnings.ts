import type { Config } from './schema.js';

/**
 * Settings that are valid but often a mistake: `validate` prints them and `run` logs them,
 * each naming the field. Where a setting is always wrong the schema rejects it instead.
 */
export function configWarnings(c: Config): string[] {
  const out: string[] = [];
  c.groups.forEach((g, i) => {
    if (Object.keys(g.selector).length === 0)
      out.push(`groups.${i}.selector: empty, so group "${g.name}" counts every agent of the cluster as its own`);
    if (g.max > c.maxTotalNodes) out.push(`groups.${i}.max: ${g.max} is above maxTotalNodes ${c.maxTotalNodes}; the total limit applies first`);
  });
  const plain = (url: string): boolean => url.startsWith('http://');
  if (c.mesos.password && c.mesos.masters.some(plain))
    out.push('mesos.masters: the password is sent over plain http://; use https:// (with mesos.caFile) to keep it private');
  if (c.marathon?.password && plain(c.marathon.url))
    out.push('marathon.url: the password is sent over plain http://; use https:// to keep it private');
  return out;
}
