import { z } from 'zod';

/**
 * Upper bounds for every duration and count in the config. Durations end up in `setTimeout`
 * (and `AbortSignal.timeout`), whose delay is a signed 32-bit number of milliseconds: above
 * 2^31-1 ms (about 24.8 days) Node warns and fires after 1 ms, so the loop runs back to back
 * (Node docs, timers: "setTimeout(callback[, delay])"). The maxima below are far under that
 * and well above anything a cluster needs.
 */
export const LIMITS = {
  /** Largest delay Node's timers take, in ms. */
  timerMs: 2 ** 31 - 1,
  /** Loop period, staleness, provisioning and drain waits: one day. */
  waitSeconds: 86_400,
  /** Scale-down timing (unneeded time, delay after add): one week. */
  scaleDownSeconds: 7 * 86_400,
  /** One HTTP read: ten minutes. */
  requestMs: 600_000,
  /** One response body: 2 GiB is beyond what Buffer.concat should be asked for. */
  responseBytes: 2 ** 31 - 1,
  /** Nodes in one group, or over all groups. */
  nodes: 1_000_000,
  /** Resource amounts of a node template (cpus, MB of memory or disk, GPUs, ports). */
  amount: 1e9,
  /** Price of one node-hour. */
  price: 1e6,
} as const;

/** Seconds, > 0, at most `max` (default one day). */
export const boundedSeconds = (max: number = LIMITS.waitSeconds): z.ZodNumber => z.number().positive().max(max);
/** Seconds, >= 0, at most `max` (default one week). */
export const boundedDuration = (max: number = LIMITS.scaleDownSeconds): z.ZodNumber => z.number().nonnegative().max(max);
/** Whole numbers from `min` to `max` nodes. */
export const boundedCount = (min: number, max: number = LIMITS.nodes): z.ZodNumber => z.number().int().min(min).max(max);

/**
 * An http(s) URL with a host: Mesos masters, Marathon, Azure Resource Manager, Prometheus.
 * `m1:5050` parses as a URL with scheme `m1:`, and `ftp:`/`file:` are URLs too; none of them
 * is something we can send HTTP requests to, so each is refused naming the field.
 */
export const httpUrl = (example: string): z.ZodURL =>
  z.url({
    protocol: /^https?$/,
    hostname: /^.+$/,
    error: (issue) => `must be an http:// or https:// URL with a host, e.g. ${example} (got ${typeof issue.input === 'string' ? JSON.stringify(issue.input.replace(/\/\/[^/@]*@/, '//')) : 'no text'})`,
  });

/**
 * An http(s) URL that must not carry `user:pass@`: for clients that have no basic auth
 * (Prometheus takes a bearer token), where such a URL would only fail and print its secret.
 */
export const httpUrlWithoutCredentials = (example: string) =>
  httpUrl(example).refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), 'no user:password@ in this URL (not sent, only printed); use token instead');
