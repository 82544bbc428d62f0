import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Observer } from '../controller/ports.js';
import type { SignalReading } from '../model/snapshot.js';
import type { Logger } from '../util/logger.js';
import { err, errorMessage, ok, type Result } from '../util/result.js';
import { scrub } from '../util/secret.js';
import type { PrometheusSignalConfig } from './prometheus-config.js';

export { prometheusPolicy } from './prometheus-policy.js';
export { prometheusSignalSchema, type PrometheusSignalConfig } from './prometheus-config.js';

const sample = z.tuple([z.number(), z.string()]);
const response = z.object({
  status: z.string(),
  error: z.string().optional(),
  data: z
    .union([
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ value: sample })) }),
      z.object({ resultType: z.string(), result: z.unknown() }),
    ])
    .optional(),
});

/** One instant query (`GET /api/v1/query`): a scalar, or the largest value of a vector. */
export async function queryPrometheus(signal: PrometheusSignalConfig): Promise<Result<number, string>> {
  const url = `${signal.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(signal.query)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (signal.token) headers['authorization'] = `Bearer ${signal.token.reveal()}`;
  let body: unknown;
  let status: number;
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(signal.timeoutMs) });
    status = res.status;
    body = await res.json();
  } catch (e) {
    return err(scrub(`prometheus query failed: ${errorMessage(e)}`, [signal.token]));
  }
  const parsed = response.safeParse(body);
  if (!parsed.success) return err(`prometheus answered HTTP ${status} with an unexpected body`);
  const r = parsed.data;
  if (r.status !== 'success' || !r.data) return err(`prometheus: ${r.error ?? `HTTP ${status}`}`);
  const data = r.data;
  if (data.resultType === 'scalar') {
    const s = sample.safeParse(data.result);
    return s.success ? ok(Number(s.data[1])) : err('prometheus: malformed scalar');
  }
  if (data.resultType === 'vector') {
    const v = z.array(z.object({ value: sample })).safeParse(data.result);
    if (!v.success) return err('prometheus: malformed vector');
    if (v.data.length === 0) return err('no data');
    return ok(Math.max(...v.data.map((x) => Number(x.value[1]))));
  }
  return err(`prometheus: the query gives a ${data.resultType}, not a scalar or vector`);
}

/**
 * Adds the `prometheus` readings of the groups that use that policy to every snapshot,
 * read alongside Mesos so a cycle waits for the slower of the two only.
 */
export function withPrometheusSignals(observer: Observer, config: Config, logger: Logger, onError?: () => void): Observer {
  const groups = config.groups.flatMap((g) => (g.prometheus && g.policies.includes('prometheus') ? [{ name: g.name, signal: g.prometheus }] : []));
  if (groups.length === 0) return observer;
  return {
    observe: async (now) => {
      const [observed, readings] = await Promise.all([
        observer.observe(now),
        Promise.all(
          groups.map(async ({ name, signal }): Promise<[string, SignalReading]> => {
            const r = await queryPrometheus(signal);
            if (!r.ok) {
              onError?.();
              logger.warn({ group: name, query: signal.query, err: r.error }, 'prometheus signal not read; the policy holds');
            }
            return [name, r.ok ? { value: r.value, source: signal.query, readAt: Date.now() } : { error: r.error, source: signal.query, readAt: Date.now() }];
          }),
        ),
      ]);
      if (!observed.ok) return observed;
      return ok({ ...observed.value, signals: { ...(observed.value.signals ?? {}), ...Object.fromEntries(readings) } });
    },
  };
}
