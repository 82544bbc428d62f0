import { ProviderError } from '../provider.js';

export interface ProviderFaults {
  /** The next N instances created never register with the master (bad image, broken bootstrap). */
  readonly neverJoin?: number;
  /** Probability that a created instance never registers. */
  readonly neverJoinRate?: number;
  /** Probability that any API call fails with an "unavailable" ProviderError. */
  readonly errorRate?: number;
  /** At most `maxCalls` API calls per `windowMs` of virtual time; more are throttled. */
  readonly throttle?: { readonly maxCalls: number; readonly windowMs: number };
}

/** Decides, call by call, whether the simulated cloud misbehaves. Seeded, so runs repeat. */
export class FaultInjector {
  #faults: ProviderFaults;
  #neverJoinLeft: number;
  readonly #queued: ProviderError[] = [];
  readonly #callTimes: number[] = [];

  constructor(
    faults: ProviderFaults,
    private readonly rand: () => number,
  ) {
    this.#faults = faults;
    this.#neverJoinLeft = faults.neverJoin ?? 0;
  }

  set(faults: ProviderFaults): void {
    this.#faults = faults;
    this.#neverJoinLeft = faults.neverJoin ?? 0;
  }

  /** The next `count` API calls fail with this error. */
  failNext(error: ProviderError, count = 1): void {
    for (let i = 0; i < count; i++) this.#queued.push(error);
  }

  /** Called at the start of every API call; returns the error to fail it with, if any. */
  onCall(now: number): ProviderError | undefined {
    const queued = this.#queued.shift();
    if (queued) return queued;
    const t = this.#faults.throttle;
    if (t) {
      while (this.#callTimes.length > 0 && (this.#callTimes[0] ?? 0) <= now - t.windowMs) this.#callTimes.shift();
      if (this.#callTimes.length >= t.maxCalls) {
        return new ProviderError('simulated cloud: too many requests, retry later', 'throttled', true);
      }
      this.#callTimes.push(now);
    }
    if (this.#faults.errorRate !== undefined && this.rand() < this.#faults.errorRate) {
      return new ProviderError('simulated cloud: service unavailable', 'unavailable', true);
    }
    return undefined;
  }

  /** Whether a new instance will fail to join. */
  neverJoins(): boolean {
    if (this.#neverJoinLeft > 0) {
      this.#neverJoinLeft--;
      return true;
    }
    return this.#faults.neverJoinRate !== undefined && this.rand() < this.#faults.neverJoinRate;
  }
}
